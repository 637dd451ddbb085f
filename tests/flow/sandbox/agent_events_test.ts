import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { describeAgentEvent, describeMessage } from "../../../flow/sandbox/agent_events.ts";

const event = (type: string, extra: Record<string, string> = {}) => ({ type, raw: {}, ...extra });

Deno.test("an agent's notable events become report lines", () => {
  const peerUri = "sip:a@127.0.0.1:5070";
  assertEquals(describeAgentEvent(event("CALL_INCOMING", { peerUri })), {
    message: "incoming call from sip:a@127.0.0.1:5070",
    level: "info",
  });
  assertEquals(
    describeAgentEvent(event("CALL_CLOSED", { peerUri, param: "486 Busy Here" }))?.message,
    "call with sip:a@127.0.0.1:5070 closed: 486 Busy Here",
  );
  assertEquals(
    describeAgentEvent(event("CALL_DTMF_START", { param: "#" }))?.message,
    "DTMF received: #",
  );
  assertEquals(describeAgentEvent(event("REGISTER_FAIL", { param: "403 Forbidden" })), {
    message: "registration failed: 403 Forbidden",
    level: "warn",
  });
  assertEquals(
    describeAgentEvent(event("TRANSFER", { param: "sip:c@127.0.0.1" }))?.message,
    "asked to transfer the call to sip:c@127.0.0.1",
  );
});

Deno.test("chatter and unknown events give no line", () => {
  for (
    const type of ["CALL_RTCP", "CALL_LOCAL_SDP", "CALL_DTMF_END", "VU_REPORT", "SOMETHING_NEW"]
  ) {
    assertEquals(describeAgentEvent(event(type)), undefined, type);
  }
  assertEquals(describeAgentEvent(event("CALL_DTMF_START")), undefined);
});

Deno.test("a peer's hold and a received MESSAGE are report lines", () => {
  assertEquals(
    describeAgentEvent({ type: "CALL_HOLD", peerUri: "sip:A@127.0.0.1:5060", raw: {} }),
    { message: "the peer sip:A@127.0.0.1:5060 put the call on hold", level: "info" },
  );
  assertEquals(
    describeAgentEvent({ type: "CALL_RESUME", raw: {} })?.message,
    "the peer resumed the call",
  );
  assertEquals(
    describeMessage({ from: "sip:A@h", contentType: "text/plain;charset=utf-8", body: 'say "hi"' }),
    { message: 'MESSAGE received from sip:A@h: "say \\"hi\\""', level: "info" },
  );
  assertEquals(
    describeMessage({ from: "sip:A@h", contentType: "application/json", body: "x".repeat(300) })
      .message,
    `MESSAGE received from sip:A@h (application/json): "${"x".repeat(200)}…"`,
  );
});
