/**
 * What a stretch of audio sounds like, for messages: its level and its
 * strongest frequencies (a Hann-windowed FFT of the whole stretch).
 *
 * @module
 */
import { dbfs } from "./level.ts";

/** One spectral peak and the share of the audio's energy around it. */
export interface SpectralPeak {
  hz: number;
  /** 0..1 of the total energy. */
  share: number;
}

/** A summary of a stretch of audio. */
export interface AudioSummary {
  seconds: number;
  levelDbfs: number;
  /** Strongest first; peaks under 5% of the energy are left out. */
  peaks: SpectralPeak[];
}

/** Energy within this many bins of a peak counts as the peak's (a Hann main lobe is ±2 bins). */
const PEAK_BINS = 3;

/**
 * Summarises `samples`: level and up to `maxPeaks` strongest frequencies.
 *
 * @example
 * ```ts
 * summarizeAudio(toneAt440Hz, 8000).peaks[0].hz; // ≈ 440
 * ```
 */
export function summarizeAudio(
  samples: Float32Array,
  sampleRate: number,
  maxPeaks = 3,
): AudioSummary {
  const summary: AudioSummary = {
    seconds: samples.length / sampleRate,
    levelDbfs: dbfs(samples),
    peaks: [],
  };
  if (samples.length < 16) return summary;
  const size = 2 ** Math.ceil(Math.log2(samples.length));
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < samples.length; i++) {
    re[i] = samples[i] * (0.5 - 0.5 * Math.cos(2 * Math.PI * i / (samples.length - 1)));
  }
  fft(re, im);
  const half = size / 2;
  const power = new Float64Array(half);
  let total = 0;
  for (let k = 1; k < half; k++) {
    power[k] = re[k] * re[k] + im[k] * im[k];
    total += power[k];
  }
  if (total === 0) return summary;
  const peaks: SpectralPeak[] = [];
  const taken = new Uint8Array(half);
  const byPower = [...power.keys()].filter((k) => k > 0).sort((a, b) => power[b] - power[a]);
  for (const k of byPower) {
    if (peaks.length >= maxPeaks) break;
    if (taken[k]) continue;
    let energy = 0;
    for (let j = Math.max(1, k - PEAK_BINS); j <= Math.min(half - 1, k + PEAK_BINS); j++) {
      if (!taken[j]) energy += power[j];
      taken[j] = 1;
    }
    const share = energy / total;
    if (share < 0.05) break;
    peaks.push({ hz: Math.round(k * sampleRate / size), share });
  }
  return { ...summary, peaks };
}

/**
 * Describes a summary in words: `strongest 440 Hz (97%), level -12.3 dBFS`.
 */
export function describeSummary(summary: AudioSummary): string {
  if (summary.seconds === 0) return "no audio at all";
  const level = `level ${summary.levelDbfs.toFixed(1)} dBFS`;
  if (summary.peaks.length === 0) return `no clear frequency, ${level}`;
  const peaks = summary.peaks.map((p) => `${p.hz} Hz (${Math.round(p.share * 100)}%)`).join(", ");
  return `strongest ${peaks}, ${level}`;
}

/** In-place iterative radix-2 FFT; `re.length` must be a power of two. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = -2 * Math.PI / len;
    const wr = Math.cos(angle);
    const wi = Math.sin(angle);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const tr = re[b] * cr - im[b] * ci;
        const ti = re[b] * ci + im[b] * cr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
        [cr, ci] = [cr * wr - ci * wi, cr * wi + ci * wr];
      }
    }
  }
}
