import { assertEquals, assertRejects } from "../assert.ts";
import {
  Agent,
  Capabilities,
  CapabilityError,
  detectBaresip,
  type SipMessage,
  version,
} from "../../core/mod.ts";
import { encodeWav } from "../../core/audio/wav.ts";
import { call, traced } from "./calls.ts";
import { SipUdpClient } from "../pbx/sip_client.ts";

Deno.test("RFC 4733 DTMF: every digit arrives complete and in order", async (t) => {
  const [a, b] = await Promise.all([Agent.start({ name: "A" }), Agent.start({ name: "B" })]);
  try {
    await call(a, b);
    await t.step("123# arrives as 123#", async () => {
      await a.sendDtmf("123#", 80);
      await b.waitFor((s) => s.dtmfReceived.length >= 4, { description: "B receives 4 digits" });
      assertEquals(b.snapshot.dtmfReceived, "123#");
    });
    await t.step("0-9, *, # and A-D (lower case too) arrive in order", async () => {
      await a.sendDtmf("0123456789*#abcd", 80);
      const all = "123#0123456789*#ABCD";
      await b.waitFor((s) => s.dtmfReceived.length >= all.length, {
        description: "B receives 16 more",
      });
      assertEquals(b.snapshot.dtmfReceived, all);
    });
    await t.step("while a tone is being sent, DTMF still arrives", async () => {
      await a.sendAudio({ kind: "tone", hz: 1000 });
      await a.sendDtmf("9*", 80);
      await b.waitFor((s) => s.dtmfReceived.endsWith("9*"), { description: "B receives 9*" });
    });
    await t.step("while a WAV file is being sent, DTMF still arrives", async () => {
      const dir = await Deno.makeTempDir();
      try {
        const samples = Float32Array.from({ length: 8000 }, (_, i) => 0.3 * Math.sin(i / 3));
        await Deno.writeFile(`${dir}/p.wav`, encodeWav({ sampleRate: 8000, channels: [samples] }));
        await a.sendAudio({ kind: "file", path: `${dir}/p.wav` });
        await a.sendDtmf("07", 80);
        await b.waitFor((s) => s.dtmfReceived.endsWith("07"), { description: "B receives 07" });
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
    await t.step("digits outside 0-9 * # A-D are refused before anything is sent", async () => {
      await assertRejects(() => a.sendDtmf("12E"), Error, 'invalid DTMF digit "E"');
    });
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

Deno.test("SIP INFO DTMF: 123# arrives where baresip supports it, else a clear 'needs baresip ≥' error", async () => {
  const caps = new Capabilities((await detectBaresip()).version);
  const b = await Agent.start({ name: "B", sipTrace: true });
  try {
    const account = { username: "a", domain: "127.0.0.1", dtmf_mode: "info" as const, regint: 0 };
    if (!caps.has("dtmf-info")) {
      const error = await assertRejects(
        () => Agent.start({ name: "A", account }),
        CapabilityError,
        'DTMF via SIP INFO (dtmf_mode "info") needs baresip ≥ 1.1.0',
      );
      assertEquals(/this is baresip \d/.test(error.message), true);
      return;
    }
    const a = await Agent.start({ name: "A", account });
    try {
      await call(a, b);
      await a.sendDtmf("123#", 120);
      await b.waitFor((s) => s.dtmfReceived.length >= 4, { description: "B receives 4 digits" });
      assertEquals(b.snapshot.dtmfReceived, "123#");
      const isInfo = (m: SipMessage) => m.method === "INFO" && m.direction === "received";
      await traced(b, (m) => isInfo(m) && b.sipMessages.filter(isInfo).length >= 4, "4 INFOs");
      const infos = b.sipMessages.filter((m) => m.method === "INFO" && m.direction === "received");
      assertEquals(infos.length, 4, "each digit came as a SIP INFO");
    } finally {
      await a.stop();
    }
  } finally {
    await b.stop();
  }
});

Deno.test("the DTMF modes name the baresip version that introduced them", () => {
  const at = (v: string) => new Capabilities(version(v));
  assertEquals(at("1.0.0").has("dtmf-info"), false);
  assertEquals(at("1.1.0").has("dtmf-info"), true);
  assertEquals(at("1.1.0").has("dtmf-auto"), false);
  assertEquals(at("2.0.0").has("dtmf-auto"), true);
  assertEquals(
    at("1.1.0").missingReason("dtmf-auto"),
    'DTMF mode "auto" (SIP INFO when the peer has no telephone-event) needs baresip ≥ 2.0.0 (this is baresip 1.1.0)',
  );
});

Deno.test("DTMF mode auto: RFC 4733 to a peer with telephone-event, SIP INFO to one without", async (t) => {
  const caps = new Capabilities((await detectBaresip()).version);
  const account = { username: "a", domain: "127.0.0.1", dtmf_mode: "auto" as const, regint: 0 };
  if (!caps.has("dtmf-auto")) {
    await assertRejects(
      () => Agent.start({ name: "A", account }),
      CapabilityError,
      'DTMF mode "auto" (SIP INFO when the peer has no telephone-event) needs baresip ≥ 2.0.0',
    );
    return;
  }
  await using a = await Agent.start({ name: "A", account });

  await t.step("a baresip peer offers telephone-event: digits go as RTP events", async () => {
    await using b = await Agent.start({ name: "B", sipTrace: true });
    await call(a, b);
    await a.sendDtmf("12", 120);
    await b.waitFor((s) => s.dtmfReceived === "12", { description: "B receives 12" });
    assertEquals(b.sipMessages.some((m) => m.method === "INFO"), false);
    await a.hangup();
    await a.waitFor((s) => s.calls.length === 0);
  });

  await t.step("a peer without telephone-event gets SIP INFO (dtmf-relay)", async () => {
    await using peer = await SipUdpClient.open({ host: "127.0.0.1", port: 9, domain: "127.0.0.1" });
    await a.dial(`sip:peer@127.0.0.1:${peer.port}`);
    const invite = await peer.nextRequest();
    assertEquals(invite.method, "INVITE");
    const sdp = [
      "v=0",
      "o=- 1 1 IN IP4 127.0.0.1",
      "s=-",
      "c=IN IP4 127.0.0.1",
      "t=0 0",
      `m=audio ${peer.port + 2} RTP/AVP 0`,
      "a=rtpmap:0 PCMU/8000",
      "a=sendrecv",
      "",
    ].join("\r\n");
    await peer.reply(invite, 200, "OK", {
      toTag: "peer",
      headers: [`Contact: <sip:peer@127.0.0.1:${peer.port}>`, "Content-Type: application/sdp"],
      body: sdp,
    });
    const ack = await peer.nextRequest();
    assertEquals(ack.method, "ACK");
    await a.waitFor((s) => s.calls[0]?.state === "established", { description: "A established" });
    await a.sendDtmf("5#", 120);
    const signals: string[] = [];
    for (let i = 0; i < 2; i++) {
      const info = await peer.nextRequest();
      assertEquals(info.method, "INFO");
      assertEquals(info.header("content-type"), "application/dtmf-relay");
      signals.push(/Signal\s*=\s*(\S)/.exec(info.body)?.[1] ?? "?");
      await peer.reply(info, 200, "OK");
    }
    assertEquals(signals, ["5", "#"]);
  });
});
