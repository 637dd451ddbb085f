import { assertEquals } from "../assert.ts";
import {
  agentCallState,
  applyEvent,
  type BaresipEvent,
  CallState,
  dialStarted,
  initialSnapshot,
  parseMessageSummary,
  peerFromUri,
  statusCodeOf,
  updateCurrentCall,
} from "../../core/mod.ts";

const ev = (type: string, fields: Partial<BaresipEvent> = {}): BaresipEvent => ({
  type,
  raw: {},
  ...fields,
});

Deno.test("agent state model", async (t) => {
  await t.step(
    "an outgoing call goes calling → ringing → established → idle, and keeps the close reason",
    () => {
      let s = dialStarted(initialSnapshot(), "sip:b@127.0.0.1:5070", 1);
      assertEquals(agentCallState(s), CallState.Calling);
      s = applyEvent(
        s,
        ev("CALL_RINGING", {
          direction: "outgoing",
          callId: "c1",
          peerUri: "sip:b@127.0.0.1:5070",
        }),
        2,
      );
      assertEquals(s.calls.length, 1);
      assertEquals(s.calls[0].id, "c1");
      assertEquals(agentCallState(s), CallState.Ringing);
      s = applyEvent(s, ev("CALL_ESTABLISHED", { direction: "outgoing", callId: "c1" }), 3);
      assertEquals(agentCallState(s), CallState.Established);
      assertEquals(s.calls[0].establishedAt, 3);
      s = applyEvent(
        s,
        ev("CALL_CLOSED", { direction: "outgoing", callId: "c1", param: "486 Busy Here" }),
        4,
      );
      assertEquals(agentCallState(s), CallState.Idle);
      assertEquals(s.lastClose?.statusCode, 486);
      assertEquals(s.lastClose?.peer?.number, "b");
    },
  );

  await t.step("an event that beats the dial's answer does not create a second call", () => {
    let s = dialStarted(initialSnapshot(), "sip:b@h", 1);
    s = applyEvent(
      s,
      ev("CALL_RINGING", { direction: "outgoing", callId: "x", peerUri: "sip:b@h" }),
      2,
    );
    s = applyEvent(
      s,
      ev("CALL_ESTABLISHED", { direction: "outgoing", callId: "x", peerUri: "sip:b@h" }),
      3,
    );
    assertEquals(s.calls.length, 1);
  });

  await t.step("an incoming call rings with the caller as peer", () => {
    const s = applyEvent(
      initialSnapshot(),
      ev("CALL_INCOMING", {
        direction: "incoming",
        callId: "in1",
        peerUri: "sip:+4930123@pbx;user=phone",
        peerDisplayName: "Bob",
      }),
      1,
    );
    assertEquals(agentCallState(s), CallState.Ringing);
    assertEquals(s.calls[0].peer, {
      uri: "sip:+4930123@pbx;user=phone",
      number: "+4930123",
      name: "Bob",
    });
  });

  await t.step("DTMF digits accumulate in order", () => {
    let s = initialSnapshot();
    for (const d of ["1", "2", "#"]) s = applyEvent(s, ev("CALL_DTMF_START", { param: d }), 1);
    s = applyEvent(s, ev("CALL_DTMF_END"), 2);
    assertEquals(s.dtmfReceived, "12#");
  });

  await t.step("registration success, failure with status, and removal", () => {
    let s = applyEvent(initialSnapshot(), ev("REGISTER_FAIL", { param: "403 Forbidden" }), 1);
    assertEquals(s.registration, { state: "failed", statusCode: 403, reason: "403 Forbidden" });
    s = applyEvent(s, ev("REGISTER_OK", { param: "200 OK" }), 2);
    assertEquals(s.registration.state, "registered");
    s = applyEvent(s, ev("UNREGISTERING"), 3);
    assertEquals(s.registration.state, "unregistered");
  });

  await t.step("hold and mute apply to the current call only", () => {
    let s = applyEvent(
      initialSnapshot(),
      ev("CALL_INCOMING", { direction: "incoming", callId: "a", peerUri: "sip:a@h" }),
      1,
    );
    s = updateCurrentCall(s, { held: true });
    assertEquals(s.calls[0].held, true);
    assertEquals(updateCurrentCall(initialSnapshot(), { held: true }), initialSnapshot());
  });

  await t.step("unknown events leave the snapshot unchanged", () => {
    const s = initialSnapshot();
    assertEquals(applyEvent(s, ev("CALL_LOCAL_SDP"), 1), s);
  });

  await t.step("message-waiting summaries are parsed", () => {
    assertEquals(parseMessageSummary("Messages-Waiting: yes\r\nVoice-Message: 2/8 (0/0)\r\n"), {
      waiting: true,
      newMessages: 2,
      oldMessages: 8,
      raw: "Messages-Waiting: yes\r\nVoice-Message: 2/8 (0/0)\r\n",
    });
    assertEquals(parseMessageSummary("Messages-Waiting: no").waiting, false);
  });

  await t.step("status codes and peers are read from text", () => {
    assertEquals(statusCodeOf("404 Not Found"), 404);
    assertEquals(statusCodeOf("Connection reset by user"), undefined);
    assertEquals(peerFromUri("<sip:alice@example.com>").number, "alice");
  });
});
