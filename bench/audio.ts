/**
 * Audio benchmarks: how long `verifyAudio` (the engine's `waitForTone`)
 * takes to hear a tone. Two figures per run, alternating 1000/1500 Hz in
 * one loopback call:
 * - wall clock from the tone being switched on (`sendAudio` answered) to
 *   the listener resolving: source switch, encoding, RTP, jitter buffer,
 *   sndfile's write, ringo's read and the detector together;
 * - audio time from the first received sample of the tone to the sample at
 *   which the detector resolved (its windows and their alignment), read
 *   back from the received-audio dump.
 *
 * @module
 */
import { Agent, CallState } from "../core/mod.ts";
import { toneShare } from "../core/audio/goertzel.ts";
import { decodeWav } from "../core/audio/wav.ts";
import type { Figure } from "./stats.ts";

/** Runs the audio benchmarks on the baresip `env` selects and returns their figures. */
export async function benchAudio(
  runs: number,
  env: Record<string, string | undefined>,
): Promise<Figure[]> {
  const [a, b] = await Promise.all([
    Agent.start({ name: "A", env }),
    Agent.start({ name: "B", env }),
  ]);
  const wallMs: number[] = [];
  const audioMs: number[] = [];
  try {
    await a.dial(b.contactUri);
    await b.waitFor((s) => s.calls[0]?.state === CallState.Ringing);
    await b.accept();
    await a.waitFor((s) => s.calls[0]?.state === CallState.Established);
    await b.waitFor((s) => s.calls[0]?.state === CallState.Established);
    for (let i = 0; i < runs; i++) {
      const hz = i % 2 === 0 ? 1000 : 1500;
      await a.sendAudio({ kind: "silence" });
      await new Promise((r) => setTimeout(r, 300)); // let the previous tone drain
      const path = b.callAudio.at(-1)?.receivedPath;
      if (!path) throw new Error("B has no received-audio dump");
      const startBytes = (await Deno.stat(path)).size;
      const heard = b.waitForTone(hz, { timeoutMs: 5000 });
      await a.sendAudio({ kind: "tone", hz });
      const t0 = performance.now();
      const { listenedMs } = await heard;
      wallMs.push(performance.now() - t0);
      const onset = await toneOnsetMs(path, startBytes, hz);
      if (onset !== undefined) audioMs.push(listenedMs - onset);
    }
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
  return [
    { name: "tone on → verifyAudio resolves (wall clock)", values: wallMs, unit: "ms" },
    { name: "first tone sample → detected (audio time)", values: audioMs, unit: "ms" },
  ];
}

/** Where (ms after `startBytes`) the received dump first carries `hz`, in 5 ms steps. */
async function toneOnsetMs(path: string, startBytes: number, hz: number) {
  const audio = decodeWav(await Deno.readFile(path));
  const rate = audio.sampleRate;
  const samples = audio.channels[0];
  const start = Math.max(0, Math.floor((startBytes - 44) / 2));
  const window = Math.round(rate * 0.01);
  for (let i = start; i + window <= samples.length; i += Math.round(rate * 0.005)) {
    if (toneShare(samples, i, window, hz, rate) > 0.5) return ((i - start) * 1000) / rate;
  }
  return undefined;
}
