import { assertEquals, assertRejects } from "../assert.ts";
import { Agent, Capabilities, CapabilityError, detectBaresip, version } from "../../core/mod.ts";
import { encodeWav } from "../../core/audio/wav.ts";
import { call } from "./calls.ts";

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
  const b = await Agent.start({ name: "B" });
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
