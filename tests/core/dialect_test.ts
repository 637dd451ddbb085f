import { assertEquals, assertMatch, assertThrows } from "../assert.ts";
import { BaresipError, CapabilityError, classifyClose, Dialect, version } from "../../core/mod.ts";

const of = (v: string, modules = ["auresamp", "auconv"]) =>
  Dialect.of({ version: version(v), modules: new Set(modules) });

Deno.test("the dialect builds each version's commands", async (t) => {
  await t.step("hangup names the call from 1.1.0 on; 1.0.0's takes no parameter", () => {
    assertEquals(of("1.0.0").hangupParams("c1"), undefined);
    assertEquals(of("1.1.0").hangupParams("c1"), "c1");
    assertEquals(of("4.10.0").hangupParams(undefined), undefined);
  });

  await t.step("declining with 486 is a plain hangup on every version", () => {
    assertEquals(of("1.0.0").rejectParams("c1", 486), undefined);
    assertEquals(of("3.14.0").rejectParams("c1", 486), "c1");
  });

  await t.step("other codes use scode=/reason= (3.19.0 on), one word per reason", () => {
    assertEquals(of("4.10.0").rejectParams("c1", 603), "c1 scode=603 reason=Decline");
    assertEquals(
      of("4.10.0").rejectParams("c1", 480),
      "c1 scode=480 reason=Temporarily-Unavailable",
    );
    assertEquals(of("4.10.0").rejectParams("c1", 486, "Not now"), "c1 scode=486 reason=Not-now");
    const error = assertThrows(() => of("3.14.0").rejectParams("c1", 603), CapabilityError);
    assertMatch(error.message, /needs baresip ≥ 3\.19\.0 \(this is baresip 3\.14\.0\)/);
  });

  await t.step("hold and resume name the call where the menu reads it (3.14.0 on)", () => {
    assertEquals(of("1.1.0").callParams("c1"), undefined);
    assertEquals(of("3.14.0").callParams("c1"), "c1");
  });

  await t.step("2.x and later need the audio converters; 1.x converts by itself", () => {
    assertEquals(of("1.0.0", []).extraModules(), []);
    assertEquals(of("4.10.0").extraModules(), ["auresamp", "auconv"]);
    const error = assertThrows(() => of("4.10.0", ["auconv"]).extraModules(), BaresipError);
    assertMatch(error.message, /converts audio only with the auresamp module.*send no audio/);
  });
});

Deno.test("call ends get one cause whatever the version's wording", async (t) => {
  const established = { direction: "outgoing", established: true, transferred: false } as const;
  const ringingIn = { direction: "incoming", established: false, transferred: false } as const;
  const ringingOut = { direction: "outgoing", established: false, transferred: false } as const;
  await t.step("a BYE received, in 1.x and in 3.x/4.x words", () => {
    for (const reason of ["Connection reset by peer", "Connection reset by peer [104]"]) {
      assertEquals(classifyClose(reason, established), { cause: "bye", by: "remote" });
    }
  });
  await t.step("a BYE sent, whatever the version printed", () => {
    for (const reason of ["Connection reset by user", "Rejected by user"]) {
      assertEquals(classifyClose(reason, { ...established, ending: {} }), {
        cause: "bye",
        by: "local",
      });
    }
  });
  await t.step("cancelled before answer, by either side", () => {
    assertEquals(classifyClose("Rejected by user", { ...ringingOut, ending: {} }), {
      cause: "cancel",
      by: "local",
    });
    assertEquals(classifyClose("Connection reset by peer [104]", ringingIn), {
      cause: "cancel",
      by: "remote",
    });
  });
  await t.step("declined: busy, not found, rejected with the code, on both sides", () => {
    assertEquals(classifyClose("486 Rejected", ringingOut), {
      cause: "busy",
      by: "remote",
      statusCode: 486,
    });
    assertEquals(classifyClose("404 Not Found", ringingOut).cause, "not-found");
    assertEquals(classifyClose("603 Decline", ringingOut), {
      cause: "rejected",
      by: "remote",
      statusCode: 603,
    });
    assertEquals(classifyClose("Decline", { ...ringingIn, ending: { code: 603 } }), {
      cause: "rejected",
      by: "local",
      statusCode: 603,
    });
    assertEquals(classifyClose("Connection reset by user", { ...ringingIn, ending: {} }), {
      cause: "busy",
      by: "local",
      statusCode: 486,
    });
  });
  await t.step("timeouts: no answer, and no RTP in an established call", () => {
    assertEquals(classifyClose("Local timeout", ringingOut).cause, "timeout");
    assertEquals(classifyClose("408 Request Timeout", ringingOut).cause, "timeout");
    assertEquals(classifyClose("Connection timed out [110]", ringingOut).cause, "timeout");
    assertEquals(classifyClose("rtp stream error", established).cause, "rtp-timeout");
  });
  await t.step("transfers: REFER sent or received, and Replaces", () => {
    assertEquals(classifyClose("Call transfered", established).cause, "transfer");
    assertEquals(
      classifyClose("Connection reset by peer", { ...established, transferred: true }).cause,
      "transfer",
    );
    assertEquals(
      classifyClose("abc@host;to-tag=1;from-tag=2 replaced", established).cause,
      "transfer",
    );
  });
  await t.step("anything else is an error, keeping a code if there is one", () => {
    assertEquals(classifyClose("No common audio or video codecs", ringingIn), { cause: "error" });
  });
});

Deno.test("what no version can send as an immediate answer is said before any call", () => {
  const d = Dialect.of({ version: version("4.10.0"), modules: new Set(["auresamp", "auconv"]) });
  assertEquals(d.immediateResponseLimit(486), undefined);
  assertEquals(d.immediateResponseLimit(603), undefined);
  assertMatch(
    d.immediateResponseLimit(302)!,
    /^baresip cannot answer an INVITE with 302 \(a redirect\)/,
  );
  assertMatch(
    d.immediateResponseLimit(486, { "X-A": "1" })!,
    /cannot add headers to its final response/,
  );
  assertEquals(d.immediateResponseLimit(486, {}), undefined);
  assertMatch(d.immediateResponseLimit(200)!, /from 400 to 699, got 200/);
  assertMatch(d.immediateResponseLimit(700)!, /from 400 to 699, got 700/);
});
