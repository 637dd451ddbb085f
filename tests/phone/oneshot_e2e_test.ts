/**
 * One-shot calls as scripts use them, against a real kamailio: `ringo
 * phone call` exits with a code per outcome (answered, busy, declined, not
 * found, no answer, registration failed), plays a WAV and saves what it
 * heard; `ringo phone answer` answers with a tone and records; `ringo
 * phone message` reports delivery. The PBX's webhook rejects the callees
 * `busy` (486) and `declines` (603).
 */
import { join } from "node:path";
import { decodeWav, encodeWav } from "../../core/audio/wav.ts";
import { mixToMono } from "../../core/audio/resample.ts";
import { summarizeAudio } from "../../core/audio/spectrum.ts";
import { CALL_EXIT_CODES } from "../../phone/oneshot.ts";
import { readUntil } from "../flow/e2e.ts";
import { startPbx } from "../pbx/pbx.ts";
import { assertEquals, assertMatch } from "../assert.ts";
import {
  addProfiles,
  ctlJson,
  type Json,
  phoneHome,
  ringo,
  ringoCommand,
  RunningSession,
} from "./e2e.ts";

function rejectingWebhook() {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const { callee } = await req.json();
    if (callee === "busy") return Response.json({ reject: 486 });
    if (callee === "declines") return Response.json({ reject: 603 });
    return Response.json({});
  });
  return { url: `http://127.0.0.1:${server.addr.port}/hook`, close: () => server.shutdown() };
}

/** The strongest frequency of a WAV file. */
async function strongestHz(path: string): Promise<number> {
  const audio = decodeWav(await Deno.readFile(path));
  const mono = mixToMono(audio.channels);
  // Skip the first half second: the call's set-up.
  const start = Math.min(mono.length, Math.round(audio.sampleRate / 2));
  return summarizeAudio(mono.subarray(start), audio.sampleRate).peaks[0]?.hz ?? 0;
}

Deno.test("ringo phone call: an exit code per outcome, a WAV played, DTMF sent, a recording saved", async (t) => {
  const webhook = rejectingWebhook();
  await using pbx = await startPbx({ webhookUrl: webhook.url });
  await using home = await phoneHome();
  const domain = `127.0.0.1:${pbx.port}`;
  await addProfiles(home, pbx.port, { alice: [], bob: [] });
  const call = (...args: string[]) =>
    ringo(home, ["phone", "call", ...args, "--profile", "alice", "--json"]);
  try {
    await t.step(
      "busy, declined, not found and unavailable callees give 3, 4, 5 and 6",
      async () => {
        const cases: Array<[string, number, RegExp]> = [
          ["busy", CALL_EXIT_CODES.busy, /^486/],
          ["declines", CALL_EXIT_CODES.declined, /^603/],
          ["nobody", CALL_EXIT_CODES.not_found, /^404/],
          ["carol", CALL_EXIT_CODES.no_answer, /^480/],
        ];
        for (const [callee, code, reason] of cases) {
          const run = await call(callee);
          assertEquals(run.code, code, `${callee}: ${run.stdout}${run.stderr}`);
          const result = JSON.parse(run.stdout);
          assertEquals([result.answered, result.exit_code], [false, code]);
          assertMatch(result.reason, reason);
        }
      },
    );

    await t.step("nobody answering within --ring-timeout gives 6", async () => {
      await using _bob = await RunningSession.start(home, "bob");
      const run = await call("bob", "--ring-timeout", "2s");
      assertEquals(run.code, CALL_EXIT_CODES.no_answer, run.stdout + run.stderr);
      assertEquals(JSON.parse(run.stdout).outcome, "no_answer");
      const missed = await ctlJson(home, "bob", "status");
      assertEquals(missed.data.last_call.outcome, "missed");
    });

    await t.step("a wrong password gives 7 with one sentence", async () => {
      const run = await ringo(home, [
        "phone",
        "call",
        "bob",
        "--as",
        `sip:alice@${domain}`,
        "--password-env",
        "WRONG_PW",
      ], {
        env: { WRONG_PW: "not-it" },
      });
      assertEquals(run.code, CALL_EXIT_CODES.registration_failed);
      assertMatch(run.stderr, /^ringo: could not register as sip:alice@.*: 403 Forbidden/m);
    });

    await t.step(
      "an answered call plays the WAV, sends DTMF, records the answer's tone, and exits 0",
      async () => {
        const prompt = join(home.dir, "prompt.wav");
        const tone = Float32Array.from(
          { length: 8000 * 3 },
          (_, i) => 0.5 * Math.sin(2 * Math.PI * 1000 * i / 8000),
        );
        await Deno.writeFile(prompt, encodeWav({ sampleRate: 8000, channels: [tone] }));
        const answerer = ringoCommand(home, [
          "phone",
          "answer",
          "--profile",
          "bob",
          "--tone",
          "440",
          "--record",
          join(home.dir, "bob-heard.wav"),
          "--json",
        ]).spawn();
        const stdout = new Response(answerer.stdout).text();
        const { rest } = await readUntil(
          answerer.stderr,
          (line) => line.includes("waiting for calls"),
        );
        const run = await call(
          "bob",
          "--play",
          prompt,
          "--dtmf",
          "42",
          "--record",
          join(home.dir, "alice-heard.wav"),
        );
        assertEquals(run.code, 0, run.stdout + run.stderr);
        const result = JSON.parse(run.stdout);
        assertEquals([result.outcome, result.answered, result.dtmf_sent], ["answered", true, "42"]);
        assertEquals(result.recording, join(home.dir, "alice-heard.wav"));
        assertEquals((await answerer.status).code, 0, await rest);
        const theirs: Json = JSON.parse(await stdout);
        assertEquals(theirs.answered, true);
        assertEquals(
          Math.abs(await strongestHz(join(home.dir, "alice-heard.wav")) - 440) < 20,
          true,
        );
        assertEquals(
          Math.abs(await strongestHz(join(home.dir, "bob-heard.wav")) - 1000) < 20,
          true,
        );
        const history = JSON.parse(
          (await ringo(home, ["phone", "history", "alice", "--json", "--limit", "1"])).stdout,
        );
        assertEquals([history[0].outcome, history[0].number], ["answered", "bob"]);
      },
    );

    await t.step(
      "ringo phone message reports delivery, and a session shows what it received",
      async () => {
        await using _bob = await RunningSession.start(home, "bob");
        const sent = await ringo(home, [
          "phone",
          "message",
          "bob",
          "lunch at noon?",
          "--profile",
          "alice",
          "--json",
        ]);
        assertEquals(sent.code, 0, sent.stdout + sent.stderr);
        assertEquals([JSON.parse(sent.stdout).status_code, JSON.parse(sent.stdout).delivered], [
          200,
          true,
        ]);
        const status = await ctlJson(home, "bob", "status");
        assertEquals([status.data.messages.received, status.data.messages.last.body], [
          1,
          "lunch at noon?",
        ]);
        assertMatch(status.data.messages.last.from, /^sip:alice@/);
        const away = await ringo(home, [
          "phone",
          "message",
          "carol",
          "anyone?",
          "--profile",
          "alice",
        ]);
        assertEquals(away.code, CALL_EXIT_CODES.no_answer);
        assertMatch(
          away.stdout,
          /^not delivered to sip:carol@.* \(480 Temporarily Unavailable\)$/m,
        );
        const messages = JSON.parse(
          (await ringo(home, ["phone", "history", "--messages", "--json"])).stdout,
        );
        assertEquals(
          messages.map((m: { direction: string; profile: string }) => `${m.profile}:${m.direction}`)
            .sort(),
          [
            "alice:outgoing",
            "alice:outgoing",
            "bob:incoming",
          ],
        );
      },
    );
  } finally {
    await webhook.close();
  }
});
