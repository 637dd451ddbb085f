import { assertEquals } from "../../assert.ts";
import type { SipMessage } from "../../../core/mod.ts";
import { captureMessages, pcapTarget } from "../../../flow/report/pcap.ts";

const A = { host: "127.0.0.1", port: 5070 };
const B = { host: "127.0.0.1", port: 5080 };
const PBX = { host: "127.0.0.1", port: 5060 };

function msg(
  direction: "sent" | "received",
  source: typeof A,
  destination: typeof A,
  startLine: string,
  timestamp: number,
): SipMessage {
  return {
    direction,
    transport: "UDP",
    source,
    destination,
    timestamp,
    startLine,
    headers: [],
    body: "",
    raw: `${startLine}\r\nContent-Length: 0\r\n\r\n`,
  };
}

Deno.test("pcap capture of a scenario", async (t) => {
  await t.step("a message between two agents is kept once, at the earlier time", () => {
    const captured = captureMessages({
      // A's output was read late: its copy of the INVITE is stamped after B's.
      A: [
        msg("sent", A, B, "INVITE sip:b SIP/2.0", 30),
        msg("received", B, A, "SIP/2.0 180 Ringing", 40),
      ],
      B: [
        msg("received", A, B, "INVITE sip:b SIP/2.0", 10),
        msg("sent", B, A, "SIP/2.0 180 Ringing", 20),
      ],
    });
    assertEquals(
      captured.map((m) => [m.startLine, m.direction, m.timestamp]),
      [["INVITE sip:b SIP/2.0", "sent", 10], ["SIP/2.0 180 Ringing", "sent", 20]],
    );
  });

  await t.step("at equal times, a message the receiver saw first stays before its answer", () => {
    // A read the 200 and sent the ACK in one chunk of output: both have time 10.
    const captured = captureMessages({
      A: [
        msg("received", B, A, "SIP/2.0 200 OK", 10),
        msg("sent", A, B, "ACK sip:b SIP/2.0", 10),
      ],
      B: [
        msg("sent", B, A, "SIP/2.0 200 OK", 12),
        msg("received", A, B, "ACK sip:b SIP/2.0", 13),
      ],
    });
    assertEquals(captured.map((m) => m.startLine), ["SIP/2.0 200 OK", "ACK sip:b SIP/2.0"]);
    // Everything in one millisecond: each trace's own order decides.
    const sameTime = captureMessages({
      A: [
        msg("sent", A, B, "INVITE sip:b SIP/2.0", 5),
        msg("received", B, A, "SIP/2.0 180 Ringing", 5),
      ],
      B: [
        msg("received", A, B, "INVITE sip:b SIP/2.0", 5),
        msg("sent", B, A, "SIP/2.0 180 Ringing", 5),
      ],
    });
    assertEquals(sameTime.map((m) => m.startLine), ["INVITE sip:b SIP/2.0", "SIP/2.0 180 Ringing"]);
    const reversed = captureMessages({
      B: [
        msg("received", A, B, "INVITE sip:b SIP/2.0", 5),
        msg("sent", B, A, "SIP/2.0 180 Ringing", 5),
      ],
      A: [
        msg("sent", A, B, "INVITE sip:b SIP/2.0", 5),
        msg("received", B, A, "SIP/2.0 180 Ringing", 5),
      ],
    });
    assertEquals(reversed.map((m) => m.startLine), ["INVITE sip:b SIP/2.0", "SIP/2.0 180 Ringing"]);
  });

  await t.step("retransmissions and messages from outside the scenario are all kept", () => {
    const captured = captureMessages({
      A: [
        msg("sent", A, PBX, "REGISTER sip:pbx SIP/2.0", 1),
        msg("sent", A, PBX, "REGISTER sip:pbx SIP/2.0", 2),
        msg("received", PBX, A, "SIP/2.0 200 OK", 3),
        msg("received", PBX, A, "SIP/2.0 200 OK", 4),
      ],
    });
    assertEquals(captured.map((m) => m.timestamp), [1, 2, 3, 4]);
  });

  await t.step("--pcap PATH is a folder when it ends with / or exists as one", async () => {
    const dir = await Deno.makeTempDir();
    try {
      assertEquals(await pcapTarget(dir), { path: dir, perScenario: true });
      assertEquals(await pcapTarget("out/"), { path: "out/", perScenario: true });
      assertEquals(await pcapTarget(`${dir}/sip.pcap`), {
        path: `${dir}/sip.pcap`,
        perScenario: false,
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});
