/**
 * How calls are followed between snapshots and how an ended call is told.
 */
import { applyEvent, type BaresipEvent, initialSnapshot } from "../../core/mod.ts";
import { callOutcome, diffCalls, talkSeconds } from "../../phone/call_tracker.ts";
import { assertEquals } from "../assert.ts";

const ev = (type: string, extra: Partial<BaresipEvent> = {}): BaresipEvent => ({
  type,
  direction: "incoming",
  peerUri: "sip:bob@pbx",
  callId: "c1",
  raw: {},
  ...extra,
});

Deno.test("an incoming call is seen starting, established and ending with its close reason", () => {
  const s0 = initialSnapshot();
  const s1 = applyEvent(s0, ev("CALL_INCOMING"), 1000);
  const s2 = applyEvent(s1, ev("CALL_ESTABLISHED"), 2000);
  const s3 = applyEvent(s2, ev("CALL_CLOSED", { param: "Connection reset by peer" }), 9000);
  assertEquals(diffCalls(s0, s1).map((c) => c.kind), ["started"]);
  assertEquals(diffCalls(s1, s2).map((c) => c.kind), ["established"]);
  const [ended] = diffCalls(s2, s3);
  assertEquals(ended.kind, "ended");
  assertEquals(ended.kind === "ended" && ended.close?.reason, "Connection reset by peer");
});

Deno.test("hold and resume are seen on the call", () => {
  const s1 = applyEvent(
    applyEvent(initialSnapshot(), ev("CALL_INCOMING"), 1),
    ev("CALL_ESTABLISHED"),
    2,
  );
  const held = { ...s1, calls: s1.calls.map((c) => ({ ...c, held: true })) };
  assertEquals(diffCalls(s1, held).map((c) => c.kind), ["held"]);
  assertEquals(diffCalls(held, s1).map((c) => c.kind), ["resumed"]);
});

Deno.test("outcomes: answered, missed, rejected, busy, declined, no answer, failed, deflected", () => {
  const answered = { direction: "outgoing" as const, establishedAt: 1 };
  const out = { direction: "outgoing" as const, establishedAt: undefined };
  const inc = { direction: "incoming" as const, establishedAt: undefined };
  assertEquals(callOutcome(answered, { reason: "bye" }), "answered");
  assertEquals(callOutcome(inc, { reason: "Request Terminated" }), "missed");
  assertEquals(callOutcome(inc, { reason: "x" }, "rejected"), "rejected");
  assertEquals(callOutcome(out, { reason: "486 Busy Here", statusCode: 486 }), "busy");
  assertEquals(callOutcome(out, { reason: "603 Decline", statusCode: 603 }), "rejected");
  assertEquals(callOutcome(out, { reason: "Request Terminated" }), "no_answer");
  assertEquals(callOutcome(out, { reason: "404 Not Found", statusCode: 404 }), "failed");
  assertEquals(callOutcome(answered, { reason: "x" }, "deflected"), "deflected");
});

Deno.test("talk time runs from the answer to the end", () => {
  assertEquals(talkSeconds({ establishedAt: 1000 }, 6400), 5);
  assertEquals(talkSeconds({ establishedAt: undefined }, 6400), 0);
});
