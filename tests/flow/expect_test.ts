import assert from "node:assert/strict";
import {
  AssertionError,
  type AssertionReport,
  expect,
  formatValue,
  LABEL,
  labelled,
  noteRead,
  onAssertion,
  setAutoLabel,
  takeAutoLabel,
} from "../../flow/expect.ts";

/** Runs `fn`, expecting an AssertionError, and returns it. */
function failure(fn: () => void): AssertionError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof AssertionError, `expected an AssertionError, got ${error}`);
    return error;
  }
  assert.fail("expected the assertion to fail, it passed");
}

Deno.test("each matcher passes on a match and fails with a readable message", async (t) => {
  await t.step("toBe compares with Object.is", () => {
    expect(1).toBe(1);
    expect(NaN).toBe(NaN);
    assert.equal(
      failure(() => expect("ringing").toBe("established")).message,
      'expected "established", got "ringing"',
    );
    failure(() => expect({}).toBe({}));
    failure(() => expect(0).toBe(-0));
  });
  await t.step("toEqual compares deeply, ignoring prototypes and undefined keys", () => {
    expect({ a: [1, { b: 2 }], c: undefined }).toEqual({ a: [1, { b: 2 }] });
    expect(new Map([["k", [1]]])).toEqual(new Map([["k", [1]]]));
    expect(new Set([{ x: 1 }])).toEqual(new Set([{ x: 1 }]));
    expect(new Date(5)).toEqual(new Date(5));
    expect(/a/g).toEqual(/a/g);
    expect(new Uint8Array([1, 2])).toEqual(new Uint8Array([1, 2]));
    class Call {
      id = "c1";
    }
    expect(new Call()).toEqual({ id: "c1" });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const other: Record<string, unknown> = { a: 1 };
    other.self = other;
    expect(cyclic).toEqual(other);
    assert.equal(
      failure(() => expect({ a: 1 }).toEqual({ a: 2 })).message,
      "expected { a: 2 }, got { a: 1 }",
    );
    failure(() => expect([1, 2]).toEqual([1, 2, 3]));
    failure(() => expect([1]).toEqual({ 0: 1 }));
    failure(() => expect(new Uint8Array([1])).toEqual(new Uint16Array([1])));
    failure(() => expect(new Set([1])).toEqual(new Set([2])));
    failure(() => expect(new Date(1)).toEqual(new Date(2)));
  });
  await t.step("toBeTruthy and toBeFalsy", () => {
    expect(1).toBeTruthy();
    expect("").toBeFalsy();
    assert.equal(failure(() => expect(0).toBeTruthy()).message, "expected 0 to be truthy");
    assert.equal(failure(() => expect("x").toBeFalsy()).message, 'expected "x" to be falsy');
  });
  await t.step("toContain looks in strings and arrays", () => {
    expect("abc").toContain("b");
    expect(["a", "b"]).toContain("b");
    assert.equal(
      failure(() => expect("abc").toContain("z")).message,
      'expected "abc" to contain "z"',
    );
    assert.equal(
      failure(() => expect([1, 2]).toContain(3)).message,
      "expected [ 1, 2 ] to contain 3",
    );
  });
  await t.step("toContain on something else fails, even negated", () => {
    const message = "expected a string or an array for toContain, got 5";
    assert.equal(failure(() => expect(5).toContain(5)).message, message);
    assert.equal(failure(() => expect(5).not.toContain(5)).message, message);
    failure(() => expect("abc").toContain(1));
  });
  await t.step("toMatch takes a regex or a substring", () => {
    expect("INVITE sip:b@x").toMatch(/^INVITE /);
    expect("INVITE sip:b@x").toMatch("sip:");
    assert.equal(
      failure(() => expect("BYE").toMatch(/^INVITE/)).message,
      'expected "BYE" to match /^INVITE/',
    );
    assert.equal(
      failure(() => expect(1).toMatch(/1/)).message,
      "expected a string to match /1/, got 1",
    );
  });
  await t.step("toMatch with a global regex does not depend on lastIndex", () => {
    const re = /a/g;
    expect("a").toMatch(re);
    expect("a").toMatch(re);
    assert.equal(re.lastIndex, 0);
  });
  await t.step("the four comparisons", () => {
    expect(6).toBeGreaterThan(5);
    expect(5).toBeGreaterThanOrEqual(5);
    expect(4).toBeLessThan(5);
    expect(5).toBeLessThanOrEqual(5);
    expect(3n).toBeGreaterThan(2n);
    assert.equal(
      failure(() => expect(3).toBeGreaterThan(5)).message,
      "expected 3 to be greater than 5",
    );
    assert.equal(
      failure(() => expect(6).toBeLessThanOrEqual(5)).message,
      "expected 6 to be less than or equal to 5",
    );
    failure(() => expect(5).toBeGreaterThan(5));
    failure(() => expect(5).toBeLessThan(5));
  });
  await t.step("comparisons need two numbers or two bigints", () => {
    const error = failure(() => expect("3").toBeGreaterThan(1));
    assert.match(
      error.message,
      /^expected two numbers or two bigints for toBeGreaterThan, got "3" \(string\)/,
    );
    failure(() => expect(3).not.toBeGreaterThan(1n));
  });
  await t.step("toBeDefined and toBeUndefined", () => {
    expect(null).toBeDefined();
    expect(undefined).toBeUndefined();
    assert.equal(
      failure(() => expect(undefined).toBeDefined()).message,
      "expected undefined to be defined",
    );
    assert.equal(failure(() => expect(1).toBeUndefined()).message, "expected 1 to be undefined");
  });
});

Deno.test(".not negates every matcher and says so in the message", async (t) => {
  await t.step("negated matchers pass when the plain one would fail", () => {
    expect(1).not.toBe(2);
    expect({ a: 1 }).not.toEqual({ a: 2 });
    expect(0).not.toBeTruthy();
    expect(1).not.toBeFalsy();
    expect("abc").not.toContain("z");
    expect("abc").not.toMatch(/z/);
    expect(1).not.toBeGreaterThan(1);
    expect(1).not.toBeGreaterThanOrEqual(2);
    expect(1).not.toBeLessThan(1);
    expect(2).not.toBeLessThanOrEqual(1);
    expect(undefined).not.toBeDefined();
    expect(1).not.toBeUndefined();
  });
  await t.step("negated failures read 'expected X not to …'", () => {
    assert.equal(
      failure(() => expect("abc").not.toContain("b")).message,
      'expected "abc" not to contain "b"',
    );
    assert.equal(failure(() => expect(1).not.toBe(1)).message, "expected 1 not to be 1");
    assert.equal(
      failure(() => expect(6).not.toBeGreaterThan(5)).message,
      "expected 6 not to be greater than 5",
    );
  });
  await t.step(".not.not cancels out", () => {
    expect(1).not.not.toBe(1);
  });
  await t.step("the error records matcher, negation, expected and actual", () => {
    const error = failure(() => expect("abc").not.toContain("b"));
    assert.equal(error.name, "AssertionError");
    assert.ok(error instanceof Error);
    assert.equal(error.matcher, "toContain");
    assert.equal(error.negated, true);
    assert.equal(error.expected, "b");
    assert.equal(error.actual, "abc");
    assert.equal(error.label, undefined);
  });
});

Deno.test("labels prefix the message and print strings bare", async (t) => {
  await t.step("an explicit label", () => {
    const error = failure(() => expect("ringing", "A state").toBe("established"));
    assert.equal(error.message, "A state: expected established, got ringing");
    assert.equal(error.label, "A state");
  });
  await t.step("a string and a number that print alike are quoted after all", () => {
    assert.equal(failure(() => expect("1", "count").toBe(1)).message, 'count: expected 1, got "1"');
  });
  await t.step(".as(label) sets the label and keeps negation", () => {
    assert.equal(
      failure(() => expect(3).as("B packets").toBeGreaterThan(5)).message,
      "B packets: expected 3 to be greater than 5",
    );
    assert.equal(
      failure(() => expect("xbx").not.as("log").toContain("b")).message,
      "log: expected xbx not to contain b",
    );
  });
  await t.step("labelled() wraps primitives and expect unwraps them", () => {
    const error = failure(() => expect(labelled("ringing", "A state")).toBe("established"));
    assert.equal(error.message, "A state: expected established, got ringing");
    assert.equal(error.actual, "ringing");
    expect(labelled(5, "n")).toBe(5);
  });
  await t.step("an object carrying LABEL keeps itself as the value", () => {
    const call = { id: "c1", [LABEL]: "A call" };
    const error = failure(() => expect(call).toEqual({ id: "c2" }));
    assert.equal(error.label, "A call");
    assert.equal(error.actual, call);
    assert.equal(error.message, 'A call: expected { id: "c2" }, got { id: "c1" }');
    assert.equal(LABEL, Symbol.for("ringo.label"));
  });
  await t.step("an explicit label beats a carried one", () => {
    assert.equal(
      failure(() => expect(labelled(1, "carried"), "explicit").toBe(2)).label,
      "explicit",
    );
  });
  await t.step("formatValue quotes strings unless bare, and always shows the empty string", () => {
    assert.equal(formatValue("ringing"), '"ringing"');
    assert.equal(formatValue("ringing", { bare: true }), "ringing");
    assert.equal(formatValue("", { bare: true }), '""');
    assert.equal(formatValue(undefined), "undefined");
    assert.equal(formatValue({ a: [1, 2] }), "{ a: [ 1, 2 ] }");
    assert.equal(formatValue(5n), "5n");
  });
});

Deno.test("a noted agent read labels the next expect of that same value", async (t) => {
  await t.step("the read's label is used when the value is the same", () => {
    noteRead("A state", "ringing");
    assert.equal(
      failure(() => expect("ringing").toBe("established")).message,
      "A state: expected established, got ringing",
    );
  });
  await t.step("the slot is cleared by expect, so a later expect is unlabelled", () => {
    noteRead("A state", "ringing");
    expect("ringing").toBe("ringing");
    assert.equal(failure(() => expect("ringing").toBe("x")).label, undefined);
  });
  await t.step("a different value is not labelled, and still clears the slot", () => {
    noteRead("A state", "ringing");
    assert.equal(failure(() => expect("idle").toBe("x")).label, undefined);
    assert.equal(takeAutoLabel("ringing"), undefined);
  });
  await t.step("objects match by identity", () => {
    const call = { id: 1 };
    noteRead("A call", call);
    assert.equal(failure(() => expect(call).toBe(null)).label, "A call");
    noteRead("A call", { id: 1 });
    assert.equal(failure(() => expect({ id: 1 }).toBe(null)).label, undefined);
  });
  await t.step("only the latest read counts", () => {
    noteRead("A state", "idle");
    noteRead("B state", "idle");
    assert.equal(failure(() => expect("idle").toBe("x")).label, "B state");
  });
  await t.step("an explicit label wins over a noted read and still clears it", () => {
    noteRead("A state", "idle");
    assert.equal(failure(() => expect("idle", "mine").toBe("x")).label, "mine");
    assert.equal(takeAutoLabel("idle"), undefined);
  });
  await t.step("takeAutoLabel returns and clears", () => {
    noteRead("A state", "ringing");
    assert.equal(takeAutoLabel("ringing"), "A state");
    assert.equal(takeAutoLabel("ringing"), undefined);
  });
  await t.step("setAutoLabel installs a fallback source that a noted read beats", () => {
    const seen: unknown[] = [];
    const restore = setAutoLabel((value) => {
      seen.push(value);
      return "from source";
    });
    try {
      assert.equal(failure(() => expect(1).toBe(2)).label, "from source");
      assert.deepEqual(seen, [1]);
      noteRead("noted", 1);
      assert.equal(failure(() => expect(1).toBe(2)).label, "noted");
    } finally {
      restore();
    }
    assert.equal(failure(() => expect(1).toBe(2)).label, undefined);
  });
  await t.step("a source without a parameter fits setAutoLabel", () => {
    const restore = setAutoLabel(() => undefined);
    restore();
  });
});

Deno.test("onAssertion listeners hear every matcher call until unsubscribed", async (t) => {
  await t.step("passes and failures are reported with label and message", () => {
    const reports: AssertionReport[] = [];
    const stop = onAssertion((r) => reports.push(r));
    try {
      expect("established", "A state").toBe("established");
      expect(3).toBeGreaterThan(1);
      expect("abc").not.toContain("z");
      failure(() => expect("ringing", "A state").toBe("established"));
    } finally {
      stop();
    }
    assert.deepEqual(reports, [
      { passed: true, message: "A state is established", label: "A state" },
      { passed: true, message: "3 is greater than 1" },
      { passed: true, message: '"abc" does not contain "z"' },
      { passed: false, message: "A state: expected established, got ringing", label: "A state" },
    ]);
  });
  await t.step("after unsubscribing nothing is heard", () => {
    const reports: AssertionReport[] = [];
    onAssertion((r) => reports.push(r))();
    expect(1).toBe(1);
    assert.deepEqual(reports, []);
  });
  await t.step("several listeners each hear the assertion", () => {
    let count = 0;
    const stops = [onAssertion(() => count++), onAssertion(() => count++)];
    expect(1).toBe(1);
    stops.forEach((stop) => stop());
    assert.equal(count, 2);
  });
});

Deno.test("matchers chain on the same value, .not negates one, value() gives the value", async (t) => {
  await t.step("a chain checks each bound", () => {
    expect(250).toBeGreaterThanOrEqual(200).toBeLessThan(300);
    const error = failure(() => expect(301).toBeGreaterThanOrEqual(200).toBeLessThan(300));
    assert.equal(error.matcher, "toBeLessThan");
  });
  await t.step(".not applies to the next matcher only", () => {
    expect(2).not.toBe(3).toBe(2);
    failure(() => expect(2).not.toBe(3).toBe(3));
  });
  await t.step("value() returns what was checked, labels kept", () => {
    assert.equal(expect("x", "A state").toBe("x").value(), "x");
    const wrapped = labelled(5, "B count");
    assert.equal(expect(wrapped).toBeGreaterThan(1).value(), 5);
  });
});

Deno.test("toBeEmpty knows strings, arrays, maps, sets and plain objects", () => {
  for (const empty of ["", [], new Map(), new Set(), {}, Object.create(null)]) {
    expect(empty).toBeEmpty();
  }
  for (const full of ["a", [0], new Map([[1, 1]]), new Set([1]), { a: undefined }]) {
    expect(full).not.toBeEmpty();
  }
  assert.equal(
    failure(() => expect([1], "B calls").toBeEmpty()).message,
    "B calls: expected [ 1 ] to be empty",
  );
  assert.match(
    failure(() => expect(0).not.toBeEmpty()).message,
    /^expected a string, an array, a Map, a Set or a plain object for toBeEmpty, got 0$/,
  );
});
