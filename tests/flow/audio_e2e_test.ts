/**
 * Audio, DTMF and call quality in scenarios, end to end: `ringo flow run`
 * on real scenario files with real baresip agents and real audio.
 */
import { deepStrictEqual as assertEquals, match as assertMatch } from "node:assert/strict";
import { join } from "node:path";
import { encodeWav } from "../../core/audio/wav.ts";
import { Capabilities, detectBaresip } from "../../core/mod.ts";
import { lastLine, ringoFlow, scenarioDir } from "./e2e.ts";

const CONNECT = `
async function connect(a: Agent, b: Agent) {
  await a.dial(b);
  await until(() => expect(b.state).toBe(State.Ringing));
  await b.accept();
  await until(() => expect(a.state).toBe(State.Established));
  await until(() => expect(b.state).toBe(State.Established));
}
`;

const AUDIO = `import {
  type Agent, agent, expect, file, scenario, silent, State, tone, until, verifyAudioConnection,
} from "@ringo/flow";
${CONNECT}
scenario("B hears A's tone, and the call's quality is good", async () => {
  const a = await agent("A");
  const b = await agent("B");
  await connect(a, b);
  await a.sendAudio(tone(1000));
  expect(a.sending).toEqual({ kind: "tone", hz: 1000 });
  await b.verifyAudio(1000, "5s");
  expect(b.quality).toBeUndefined(); // no RTCP report yet
  await until(() => expect(b.quality?.packetLoss).toBe(0), "15s");
  expect(b.quality!.mos).toBeGreaterThan(4);
  expect(await b.recording()).toMatch(/call1-A-received\\.wav$/);
});

scenario("both directions at once", async () => {
  const a = await agent("A");
  const b = await agent("B");
  await connect(a, b);
  await Promise.all([a.sendAudio(tone(600)), b.sendAudio(tone(1800))]);
  await Promise.all([b.verifyAudio(600, "5s"), a.verifyAudio(1800, "5s")]);
});

scenario("verifyAudioConnection checks both ways and restores what was sent", async () => {
  const a = await agent("A");
  const b = await agent("B");
  await a.sendAudio(tone(700));
  await connect(a, b);
  await verifyAudioConnection(a, b, { within: "5s" });
  expect(a.sending).toEqual(tone(700));
  expect(b.sending).toEqual(silent());
  await b.verifyAudio(700, "5s");
});

scenario("a WAV prompt beside the scenario is heard", async () => {
  const a = await agent("A");
  const b = await agent("B");
  await connect(a, b);
  await a.sendAudio(file("prompt.wav"));
  await b.verifyAudio(900, "5s");
});

scenario("RFC 4733 DTMF 123# arrives in order", async () => {
  const a = await agent("A");
  const b = await agent("B");
  await connect(a, b);
  await a.dtmf("123#", "80ms");
  await until(() => expect(b.dtmfReceived).toBe("123#"));
});
`;

const FAILING = `import { agent, expect, scenario, State, tone, file, until } from "@ringo/flow";

scenario("a wrong frequency is not heard", async () => {
  const a = await agent("A");
  const b = await agent("B");
  await a.dial(b);
  await until(() => expect(b.state).toBe(State.Ringing));
  await b.accept();
  await until(() => expect(a.state).toBe(State.Established));
  await a.sendAudio(tone(1000));
  await b.verifyAudio(1234, "1s");
});

scenario("a file outside the sandbox is refused", async () => {
  const a = await agent("A");
  await a.sendAudio(file("/etc/hostname"));
});

scenario("SIP INFO DTMF where this baresip has it", async () => {
  await agent("A", { username: "a", domain: "127.0.0.1", dtmf_mode: "info", regint: 0 });
});
`;

/** A 0.5 s 900 Hz prompt at 22.05 kHz, mono, 16-bit. */
function prompt(): string {
  const rate = 22050;
  const samples = Float32Array.from(
    { length: rate / 2 },
    (_, i) => 0.4 * Math.sin(2 * Math.PI * 900 * i / rate),
  );
  const bytes = encodeWav({ sampleRate: rate, channels: [samples] });
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return text;
}

Deno.test("scenarios send, hear and measure audio; failures say what was heard", async (t) => {
  await using dir = await scenarioDir({ "audio.ts": AUDIO, "failing.ts": FAILING });
  await Deno.writeFile(
    join(dir.path, "prompt.wav"),
    Uint8Array.from(prompt(), (c) => c.charCodeAt(0)),
  );
  const saved = join(dir.path, "saved");
  const run = await ringoFlow(["run", dir.path, "--save-audio", saved]);
  // The SIP INFO scenario fails where baresip lacks it (1.0.0) and passes where it has it.
  const infoDtmf = new Capabilities((await detectBaresip()).version).has("dtmf-info");

  await t.step("the audio scenarios pass and the deliberate failures fail", () => {
    assertEquals(
      lastLine(run.stdout),
      infoDtmf ? "6 passed, 2 failed, 0 skipped" : "5 passed, 3 failed, 0 skipped",
      run.stdout + run.stderr,
    );
    assertEquals(run.code, 1);
  });

  await t.step("a tone not heard names what was heard instead", () => {
    assertMatch(
      run.stdout,
      /agent "B" did not hear 1234 Hz within 1\.0 s: heard strongest 1000 Hz \(\d+%\), level -\d+\.\d dBFS/,
    );
  });

  await t.step("a file the scenario may not read is refused with the grant that fixes it", () => {
    assertMatch(run.stdout, /file\("\/etc\/hostname"\): a scenario may only read its own folder/);
  });

  await t.step("SIP INFO DTMF fails with the version it needs where baresip lacks it", () => {
    const refused = /DTMF via SIP INFO \(dtmf_mode "info"\) needs baresip ≥ 1\.1\.0/;
    assertEquals(refused.test(run.stdout), !infoDtmf, run.stdout);
  });

  await t.step("--save-audio keeps each agent's sent and received WAVs per scenario", async () => {
    // One folder per scenario file (named after the file as reports show it), then per scenario.
    const fileFolder = [...Deno.readDirSync(saved)].find((e) => e.name.endsWith("audio.ts"));
    const folder = join(saved, fileFolder!.name, "B-hears-A-s-tone-and-the-call-s-quality-is-good");
    const b = [...Deno.readDirSync(join(folder, "B"))].map((e) => e.name).sort();
    const a = [...Deno.readDirSync(join(folder, "A"))].map((e) => e.name).sort();
    assertEquals(b, ["call1-A-received.wav", "call1-A-sent.wav"]);
    assertEquals(a, ["call1-B-received.wav", "call1-B-sent.wav"]);
    const received = await Deno.stat(join(folder, "B", "call1-A-received.wav"));
    assertEquals(received.size > 8000, true); // more than half a second of 8 kHz audio
  });
});
