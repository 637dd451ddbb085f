/**
 * Streaming tone detection: is a sine at one frequency present in the audio
 * being fed in? Goertzel over short windows, with a relative-energy
 * threshold (the tone's share of each window's energy) and a minimum level,
 * so that silence, noise and other tones are all rejected.
 *
 * @module
 */
import { toneShare, windowLength } from "./goertzel.ts";
import { dbfs } from "./level.ts";

/** Options of {@link ToneDetector}. */
export interface ToneDetectorOptions {
  /** The frequency to find. */
  hz: number;
  sampleRate: number;
  /** Window length aimed at, in ms (adjusted to whole cycles of `hz`); default {@link DEFAULT_WINDOW_MS}. */
  windowMs?: number;
  /** Least share of a window's energy at `hz`; default {@link DEFAULT_TONE_SHARE}. */
  minShare?: number;
  /** Least window level in dBFS; default {@link DEFAULT_MIN_LEVEL_DBFS}. */
  minLevelDbfs?: number;
  /** Windows in a row that must pass; default {@link DEFAULT_CONSECUTIVE}. */
  consecutive?: number;
}

/** Default window length: 25 ms (bins 40 Hz wide at 8 kHz). */
export const DEFAULT_WINDOW_MS = 25;
/** Default share of a window's energy that must lie at the tone's frequency: half (−3 dB). */
export const DEFAULT_TONE_SHARE = 0.5;
/** Default least level of a window: −50 dBFS (G.711's idle noise and ringo's "silence" are below). */
export const DEFAULT_MIN_LEVEL_DBFS = -50;
/** Default number of passing windows in a row: 3 (75 ms at the default window). */
export const DEFAULT_CONSECUTIVE = 3;

/**
 * Feed received audio in any chunk sizes; {@link detected} turns true once
 * `consecutive` windows in a row carried the tone.
 *
 * @example
 * ```ts
 * const detector = new ToneDetector({ hz: 1000, sampleRate: 8000 });
 * detector.push(chunk);
 * if (detector.detected) console.log("heard 1000 Hz");
 * ```
 */
export class ToneDetector {
  readonly hz: number;
  readonly sampleRate: number;
  /** Samples per window. */
  readonly windowSize: number;
  readonly #minShare: number;
  readonly #minLevel: number;
  readonly #consecutive: number;
  readonly #window: Float32Array;
  #filled = 0;
  #run = 0;
  #windows = 0;
  #detected = false;

  constructor(options: ToneDetectorOptions) {
    if (!(options.hz > 0 && options.hz < options.sampleRate / 2)) {
      throw new RangeError(
        `cannot detect ${options.hz} Hz in audio at ${options.sampleRate} Hz (needs 0 < hz < ${
          options.sampleRate / 2
        })`,
      );
    }
    this.hz = options.hz;
    this.sampleRate = options.sampleRate;
    this.windowSize = windowLength(
      options.hz,
      options.sampleRate,
      options.windowMs ?? DEFAULT_WINDOW_MS,
    );
    this.#minShare = options.minShare ?? DEFAULT_TONE_SHARE;
    this.#minLevel = options.minLevelDbfs ?? DEFAULT_MIN_LEVEL_DBFS;
    this.#consecutive = options.consecutive ?? DEFAULT_CONSECUTIVE;
    this.#window = new Float32Array(this.windowSize);
  }

  /** True once the tone was found (it stays true). */
  get detected(): boolean {
    return this.#detected;
  }

  /** Windows analysed so far. */
  get windows(): number {
    return this.#windows;
  }

  /** Feeds samples; returns {@link detected}. */
  push(samples: Float32Array): boolean {
    let i = 0;
    while (i < samples.length && !this.#detected) {
      const take = Math.min(samples.length - i, this.windowSize - this.#filled);
      this.#window.set(samples.subarray(i, i + take), this.#filled);
      this.#filled += take;
      i += take;
      if (this.#filled === this.windowSize) {
        this.#filled = 0;
        this.#windows++;
        this.#run = this.#passes(this.#window) ? this.#run + 1 : 0;
        if (this.#run >= this.#consecutive) this.#detected = true;
      }
    }
    return this.#detected;
  }

  #passes(window: Float32Array): boolean {
    if (dbfs(window) < this.#minLevel) return false;
    return toneShare(window, 0, window.length, this.hz, this.sampleRate) >= this.#minShare;
  }
}
