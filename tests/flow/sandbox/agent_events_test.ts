import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { describeAgentEvent } from "../../../flow/sandbox/agent_events.ts";

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
