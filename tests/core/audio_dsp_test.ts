import { assertEquals } from "../assert.ts";
import { toneShare, windowLength } from "../../core/audio/goertzel.ts";
import { dbfs, SILENCE_DBFS } from "../../core/audio/level.ts";
import { describeSummary, summarizeAudio } from "../../core/audio/spectrum.ts";
import { ToneDetector } from "../../core/audio/tone_detector.ts";
import { mixToMono, resample, toChannels } from "../../core/audio/resample.ts";

const RATE = 8000;

function sine(hz: number, seconds: number, rate = RATE, amplitude = 0.5): Float32Array {
  return Float32Array.from(
    { length: Math.round(seconds * rate) },
    (_, i) => amplitude * Math.sin(2 * Math.PI * hz * i / rate),
  );
}

/** Deterministic white noise (a linear congruential generator). */
function noise(seconds: number, amplitude = 0.5, rate = RATE): Float32Array {
  let x = 12345;
  return Float32Array.from({ length: Math.round(seconds * rate) }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return amplitude * (2 * x / 2147483648 - 1);
  });
}

function mix(...signals: Float32Array[]): Float32Array {
  const out = new Float32Array(signals[0].length);
  for (const s of signals) for (let i = 0; i < out.length; i++) out[i] += s[i];
  return out;
}

function detects(hz: number, signal: Float32Array, rate = RATE): boolean {
  return new ToneDetector({ hz, sampleRate: rate }).push(signal);
}

Deno.test("Goertzel share: a whole-cycle sine is all at its frequency and nothing elsewhere", () => {
  const n = windowLength(1000, RATE, 25);
  const tone = sine(1000, n / RATE);
  assertEquals(Math.abs(toneShare(tone, 0, n, 1000, RATE) - 1) < 1e-6, true);
  assertEquals(toneShare(tone, 0, n, 1400, RATE) < 0.01, true);
  assertEquals(toneShare(new Float32Array(n), 0, n, 1000, RATE), 0);
});

Deno.test("window lengths hold a whole number of cycles near the asked length", () => {
  assertEquals(windowLength(440, 8000, 25), 200); // 11 cycles
  assertEquals(windowLength(1000, 8000, 25), 200); // 25 cycles
  const n = windowLength(697, 8000, 25);
  assertEquals(n >= 150 && n <= 250, true);
});

Deno.test("the tone detector finds the tone and rejects what is not it", async (t) => {
  await t.step("a tone at the asked frequency is detected, at any phase and chunking", () => {
    const detector = new ToneDetector({ hz: 1000, sampleRate: RATE });
    const tone = sine(1000, 0.3).subarray(37);
    for (let i = 0; i < tone.length; i += 97) detector.push(tone.subarray(i, i + 97));
    assertEquals(detector.detected, true);
  });
  await t.step("a tone 50 Hz or more away is rejected", () => {
    assertEquals(detects(1000, sine(1050, 1)), false);
    assertEquals(detects(1000, sine(950, 1)), false);
    assertEquals(detects(1000, sine(1500, 1)), false);
  });
  await t.step("a tone a few Hz off (codec and clock drift) is still detected", () => {
    assertEquals(detects(1000, sine(1005, 1)), true);
  });
  await t.step("silence, white noise and a quiet tone (< -50 dBFS) are rejected", () => {
    assertEquals(detects(1000, new Float32Array(RATE)), false);
    assertEquals(detects(1000, noise(1)), false);
    assertEquals(detects(1000, sine(1000, 1, RATE, 0.002)), false);
  });
  await t.step(
    "a tone with noise 10 dB below it is detected; buried under equal noise it is not",
    () => {
      assertEquals(
        detects(1000, mix(sine(1000, 1, RATE, 0.5), noise(1, 0.5 * 0.3 * Math.sqrt(1.5)))),
        true,
      );
      assertEquals(detects(1000, mix(sine(1000, 1, RATE, 0.3), noise(1, 0.9))), false);
    },
  );
  await t.step(
    "a tone that dominates another is detected, one weaker than another is not",
    () => {
      assertEquals(detects(1000, mix(sine(1000, 1, RATE, 0.3), sine(1400, 1, RATE, 0.15))), true);
      assertEquals(detects(1000, mix(sine(1000, 1, RATE, 0.2), sine(1400, 1, RATE, 0.4))), false);
    },
  );
  await t.step("a short blip (one window) is not enough", () => {
    const blip = mix(new Float32Array(RATE), new Float32Array(RATE));
    blip.set(sine(1000, 0.03), 4000);
    assertEquals(detects(1000, blip), false);
  });
  await t.step("frequencies outside (0, rate/2) are refused", () => {
    let error: unknown;
    try {
      new ToneDetector({ hz: 5000, sampleRate: RATE });
    } catch (e) {
      error = e;
    }
    assertEquals(error instanceof RangeError, true);
  });
});

Deno.test("levels are RMS in dBFS", () => {
  assertEquals(Math.abs(dbfs(Float32Array.of(0.5, -0.5)) - -6.0206) < 1e-3, true);
  assertEquals(Math.abs(dbfs(sine(1000, 1, RATE, 1)) - -3.0103) < 1e-2, true);
  assertEquals(dbfs(new Float32Array(100)), SILENCE_DBFS);
});

Deno.test("a summary names the strongest frequencies and the level", () => {
  const summary = summarizeAudio(mix(sine(440, 1, RATE, 0.5), sine(1200, 1, RATE, 0.25)), RATE);
  assertEquals(Math.abs(summary.peaks[0].hz - 440) <= 2, true);
  assertEquals(Math.abs(summary.peaks[1].hz - 1200) <= 2, true);
  assertEquals(summary.peaks[0].share > 0.7, true);
  assertEquals(describeSummary(summary).startsWith("strongest 44"), true);
  assertEquals(describeSummary(summarizeAudio(new Float32Array(0), RATE)), "no audio at all");
  assertEquals(summarizeAudio(noise(1), RATE).peaks.length, 0);
});

Deno.test("resampling keeps a tone's frequency and removes what the new rate cannot carry", () => {
  const up = resample(sine(1000, 0.5), 8000, 48000);
  assertEquals(up.length, 24000);
  assertEquals(detects(1000, up, 48000), true);
  const down = resample(sine(1000, 0.5, 44100), 44100, 8000);
  assertEquals(detects(1000, down, 8000), true);
  const tooHigh = resample(sine(6000, 0.5, 48000), 48000, 8000);
  assertEquals(dbfs(tooHigh.subarray(200, -200)) < -40, true); // would alias to 2000 Hz
  assertEquals(detects(2000, tooHigh, 8000), false);
});

Deno.test("channels: mono is copied, stereo is averaged", () => {
  const left = Float32Array.of(1, 0);
  const right = Float32Array.of(0, 1);
  assertEquals([...mixToMono([left, right])], [0.5, 0.5]);
  const [a, b] = toChannels([left], 2);
  assertEquals([...a], [...b]);
});
