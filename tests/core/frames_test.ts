import { assertEquals, assertThrows } from "../assert.ts";
import { CtrlTcpError, decodeFrame } from "../../core/mod.ts";

Deno.test("ctrl_tcp frame decoding", async (t) => {
  await t.step("decodes a call event into typed fields and keeps the raw object", () => {
    const text =
      '{"event":true,"type":"CALL_INCOMING","class":"call","accountaor":"sip:b@127.0.0.1:5070",' +
      '"direction":"incoming","peeruri":"sip:a@127.0.0.1:5060","id":"f3b5","param":"sip:a@127.0.0.1:5060","future":42}';
    const frame = decodeFrame(text);
    assertEquals(frame.kind, "event");
    if (frame.kind !== "event") return;
    assertEquals(frame.event.type, "CALL_INCOMING");
    assertEquals(frame.event.direction, "incoming");
    assertEquals(frame.event.peerUri, "sip:a@127.0.0.1:5060");
    assertEquals(frame.event.callId, "f3b5");
    assertEquals(frame.event.raw.future, 42);
  });

  await t.step("decodes RTCP statistics", () => {
    const frame = decodeFrame(
      '{"event":true,"type":"CALL_RTCP","class":"call","id":"x","param":"audio","rtcp_stats":{"tx":{"sent":50,"lost":0,"jit":1},"rx":{"sent":49,"lost":2,"jit":3},"rtt":4}}',
    );
    if (frame.kind !== "event") throw new Error("expected an event");
    assertEquals(frame.event.rtcp?.rx?.lost, 2);
    assertEquals(frame.event.rtcp?.rtt, 4);
  });

  await t.step("tolerates unknown event types", () => {
    const frame = decodeFrame('{"event":true,"type":"SOMETHING_NEW","class":"other"}');
    assertEquals(frame.kind === "event" && frame.event.type, "SOMETHING_NEW");
  });

  await t.step("decodes responses with and without data", () => {
    assertEquals(decodeFrame('{"response":true,"ok":false,"data":"no call","token":"3"}'), {
      kind: "response",
      response: { ok: false, data: "no call", token: "3" },
    });
    assertEquals(decodeFrame('{"response":true,"ok":true}'), {
      kind: "response",
      response: { ok: true, data: "", token: undefined },
    });
  });

  await t.step("keeps incoming SIP MESSAGE frames", () => {
    const frame = decodeFrame('{"message":true,"peeruri":"sip:a@x","body":"hi"}');
    assertEquals(frame.kind === "message" && frame.message.body, "hi");
  });

  await t.step("rejects malformed frames with a clear error", () => {
    assertThrows(() => decodeFrame("{nope"), CtrlTcpError, "not JSON");
    assertThrows(
      () => decodeFrame("[1]"),
      CtrlTcpError,
      "neither an event, a response nor a message",
    );
    assertThrows(() => decodeFrame('{"event":true}'), CtrlTcpError, "invalid event frame: type");
    assertThrows(
      () => decodeFrame('{"response":true,"ok":"yes"}'),
      CtrlTcpError,
      "invalid response frame: ok",
    );
  });
});
