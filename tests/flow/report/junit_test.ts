import assert from "node:assert/strict";
import { join } from "node:path";
import { escapeXmlAttribute, escapeXmlText, JunitReporter } from "../../../flow/report/junit.ts";
import type { RunEvent } from "../../../flow/report/events.ts";

const events: RunEvent[] = [
  {
    type: "run-start",
    files: ["call.ts", "dtmf.ts", "empty.ts"],
    startedAt: "2026-11-24T18:28:13.000Z",
  },
  { type: "scenario-start", id: "s1", file: "call.ts", name: "A calls B", tags: [] },
  {
    type: "scenario-end",
    id: "s1",
    file: "call.ts",
    name: "A calls B",
    status: "passed",
    durationMs: 1234,
  },
  { type: "scenario-start", id: "s2", file: "call.ts", name: 'B is "busy" <now>', tags: [] },
  { type: "log", scenarioId: "s2", message: "dialling B", level: "info" },
  { type: "assertion", scenarioId: "s2", passed: false, message: "ignored by junit" },
  {
    type: "scenario-end",
    id: "s2",
    file: "call.ts",
    name: 'B is "busy" <now>',
    status: "failed",
    durationMs: 500,
    error: {
      message: "B state: expected busy, got ringing & more\nsecond line",
      stack: "AssertionError: B state: expected busy\n    at call.ts:12:5",
      location: { file: "call.ts", line: 12, column: 5 },
    },
    logs: { A: "\x1b[31mred\x1b[0m INVITE <sip:b@x>\x00\x07\n", B: "ringing" },
  },
  {
    type: "scenario-end",
    id: "s3",
    file: "dtmf.ts",
    name: "DTMF",
    status: "skipped",
    durationMs: 0,
    reason: "bug #12",
  },
  { type: "run-end", passed: 1, failed: 1, skipped: 1, interrupted: false, durationMs: 2000 },
];

function build(list: RunEvent[]): string {
  const reporter = new JunitReporter({ path: "unused.xml" });
  for (const event of list) reporter.handle(event);
  return reporter.toXml();
}

/** The opening tags named `tag`, each as an attribute map (entities left as written). */
function tags(xml: string, tag: string): Record<string, string>[] {
  return [...xml.matchAll(new RegExp(`<${tag}((?:\\s+[\\w-]+="[^"]*")*)\\s*/?>`, "g"))].map((m) =>
    Object.fromEntries([...m[1].matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]]))
  );
}

/** Text between `<tag …>` and `</tag>`, for each occurrence. */
function contents(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}[^>]*>([^<]*)</${tag}>`, "g"))].map((m) => m[1]);
}

Deno.test("the JUnit reporter nests testcases in one testsuite per file", async (t) => {
  const xml = build(events);

  await t.step("it is an XML document with balanced elements", () => {
    assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites'));
    for (const tag of ["testsuites", "testsuite", "testcase"]) {
      const open = tags(xml, tag).length;
      const selfClosed = [...xml.matchAll(new RegExp(`<${tag}\\b[^>]*/>`, "g"))].length;
      const closed = [...xml.matchAll(new RegExp(`</${tag}>`, "g"))].length;
      assert.equal(open, selfClosed + closed, `<${tag}> is not balanced`);
    }
  });
  await t.step("testsuites totals the cases", () => {
    const [root] = tags(xml, "testsuites");
    assert.deepEqual(root, {
      name: "ringo flow",
      tests: "3",
      failures: "1",
      errors: "0",
      skipped: "1",
      time: "2.000",
      timestamp: "2026-11-24T18:28:13.000Z",
    });
  });
  await t.step("one testsuite per file, in run order, empty files included", () => {
    const suites = tags(xml, "testsuite");
    assert.deepEqual(suites.map((s) => [s.name, s.tests, s.failures, s.skipped, s.time]), [
      ["call.ts", "2", "1", "0", "1.734"],
      ["dtmf.ts", "1", "0", "1", "0.000"],
      ["empty.ts", "0", "0", "0", "0.000"],
    ]);
  });
  await t.step("testcases carry classname = file and time in seconds", () => {
    const cases = tags(xml, "testcase");
    assert.deepEqual(cases.map((c) => [c.name, c.classname, c.time]), [
      ["A calls B", "call.ts", "1.234"],
      ["B is &quot;busy&quot; &lt;now&gt;", "call.ts", "0.500"],
      ["DTMF", "dtmf.ts", "0.000"],
    ]);
    assert.equal(cases[1].line, "12");
  });
  await t.step("a failure has the message attribute and the stack as text", () => {
    const [failure] = tags(xml, "failure");
    assert.equal(failure.message, "B state: expected busy, got ringing &amp; more&#10;second line");
    assert.deepEqual(contents(xml, "failure"), [
      "AssertionError: B state: expected busy\n    at call.ts:12:5",
    ]);
  });
  await t.step("a skipped case has <skipped> with the reason", () => {
    assert.deepEqual(tags(xml, "skipped"), [{ message: "bug #12" }]);
  });
  await t.step("system-out holds log lines and agent logs, escaped, without ANSI codes", () => {
    assert.deepEqual(contents(xml, "system-out"), [
      "[info] dialling B\n--- A log ---\nred INVITE &lt;sip:b@x&gt;\\u0000\\u0007\n--- B log ---\nringing\n",
    ]);
  });
  await t.step("assertion events do not appear", () => {
    assert.doesNotMatch(xml, /ignored by junit/);
  });
  await t.step("no character XML 1.0 forbids is left", () => {
    // deno-lint-ignore no-control-regex
    assert.doesNotMatch(xml, /[\x00-\x08\x0b\x0c\x0e-\x1f]/);
  });
});

Deno.test("interrupted scenarios are errors, including ones that never ended", () => {
  const xml = build([
    { type: "scenario-start", id: "s1", file: "call.ts", name: "done", tags: [] },
    {
      type: "scenario-end",
      id: "s1",
      file: "call.ts",
      name: "done",
      status: "interrupted",
      durationMs: 10,
    },
    { type: "scenario-start", id: "s2", file: "call.ts", name: "hanging", tags: [] },
  ]);
  assert.deepEqual(tags(xml, "error"), [
    { message: "interrupted", type: "interrupted" },
    { message: "interrupted", type: "interrupted" },
  ]);
  assert.deepEqual(tags(xml, "testcase").map((c) => c.name), ["done", "hanging"]);
  assert.equal(tags(xml, "testsuites")[0].errors, "2");
});

Deno.test("XML escaping covers markup, quotes, whitespace in attributes and forbidden characters", async (t) => {
  await t.step("markup characters", () => {
    assert.equal(escapeXmlText("a < b && c > d"), "a &lt; b &amp;&amp; c &gt; d");
  });
  await t.step("text keeps tabs and newlines, references carriage returns", () => {
    assert.equal(escapeXmlText("a\tb\nc\r\n"), "a\tb\nc&#13;\n");
  });
  await t.step("attributes reference quotes, tabs and newlines", () => {
    assert.equal(
      escapeXmlAttribute(`say "hi" it's\n\tok\r`),
      "say &quot;hi&quot; it&apos;s&#10;&#9;ok&#13;",
    );
  });
  await t.step("control characters become visible \\uXXXX text", () => {
    assert.equal(
      escapeXmlText("nul\x00 bell\x07 esc\x1b vt\x0b"),
      "nul\\u0000 bell\\u0007 esc\\u001b vt\\u000b",
    );
    assert.equal(escapeXmlText("\ufffe\uffff"), "\\ufffe\\uffff");
  });
  await t.step("ANSI color sequences are removed", () => {
    assert.equal(escapeXmlText("\x1b[1;31mred\x1b[0m"), "red");
  });
  await t.step("lone surrogates are made visible, pairs are kept", () => {
    assert.equal(escapeXmlText("ok 📞"), "ok 📞");
    assert.equal(escapeXmlText("a\ud83d b"), "a\\ud83d b");
    assert.equal(escapeXmlText("a\udcde"), "a\\udcde");
  });
});

Deno.test("close() writes the XML to the path, creating directories", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ringo-junit-test-" });
  try {
    const path = join(dir, "reports", "nested", "flow.xml");
    const reporter = new JunitReporter({ path, name: "nightly" });
    for (const event of events) reporter.handle(event);
    await reporter.close();
    const written = await Deno.readTextFile(path);
    assert.equal(written, reporter.toXml());
    assert.equal(tags(written, "testsuites")[0].name, "nightly");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
