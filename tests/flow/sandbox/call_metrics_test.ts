/** flow/sandbox/call_metrics.ts: the figures of an agent from its SIP trace and calls. */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import type { EndedCall, SipMessage } from "../../../core/mod.ts";
import { agentMetrics } from "../../../flow/sandbox/call_metrics.ts";

function sip(
  direction: "sent" | "received",
  at: number,
  line: { method?: string; statusCode?: number },
  cseq: string,
  callId: string,
): SipMessage {
  const endpoint = { host: "127.0.0.1", port: 5060 };
  return {
    direction,
    transport: "UDP",
    source: endpoint,
    destination: endpoint,
    timestamp: at,
    startLine: line.method ? `${line.method} sip:x SIP/2.0` : `SIP/2.0 ${line.statusCode} X`,
    ...line,
    headers: [["CSeq", cseq], ["Call-ID", callId]],
    body: "",
    callId,
    raw: "",
  };
}

Deno.test("registration, post-dial delay, setup time, duration and quality per call", () => {
  const messages = [
    sip("sent", 1000, { method: "REGISTER" }, "1 REGISTER", "r"),
    sip("received", 1010, { statusCode: 401 }, "1 REGISTER", "r"),
    sip("sent", 1011, { method: "REGISTER" }, "2 REGISTER", "r"),
    sip("received", 1025.5, { statusCode: 200 }, "2 REGISTER", "r"),
    sip("sent", 2000, { method: "INVITE" }, "1 INVITE", "c1"),
    sip("received", 2001, { statusCode: 100 }, "1 INVITE", "c1"),
    sip("received", 2012, { statusCode: 180 }, "1 INVITE", "c1"),
    sip("received", 2500, { statusCode: 200 }, "1 INVITE", "c1"),
    sip("sent", 2501, { method: "ACK" }, "1 ACK", "c1"),
    sip("received", 2600, { method: "INVITE" }, "1 INVITE", "c2"),
  ];
  const ended: EndedCall[] = [{
    id: "c1",
    direction: "outgoing",
    peer: { uri: "sip:b@x", number: "b" },
    startedAt: 2000,
    establishedAt: 2500,
    durationS: 3.25,
    close: {
      reason: "Connection reset by user",
      cause: "bye",
      by: "local",
      callId: "c1",
      at: 5750,
    },
  }];
  const live = [{
    id: "c2",
    direction: "incoming" as const,
    state: "ringing" as const,
    peer: { uri: "sip:c@x", number: "c" },
    held: false,
    muted: false,
    startedAt: 2600,
  }];
  const quality = new Map([["c1", { mos: 4.412, jitter: 1.234, packetLoss: 0, rtt: 0.5 }]]);
  assertEquals(agentMetrics(messages, ended, live, quality), [
    { name: "register_time", value: 25.5, unit: "ms" },
    { name: "post_dial_delay", value: 12, unit: "ms", call: 1 },
    { name: "setup_time", value: 500, unit: "ms", call: 1 },
    { name: "call_duration", value: 3.25, unit: "s", call: 1 },
    { name: "mos", value: 4.41, call: 1 },
    { name: "jitter", value: 1.23, unit: "ms", call: 1 },
    { name: "packet_loss", value: 0, unit: "%", call: 1 },
    { name: "rtt", value: 0.5, unit: "ms", call: 1 },
  ]);
});

Deno.test("no trace, no calls: no figures", () => {
  assertEquals(agentMetrics([], [], [], new Map()), []);
});
