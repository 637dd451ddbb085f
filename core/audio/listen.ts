/**
 * Listening for a tone in an agent's received audio: the live WAV dump of
 * what it decodes, read as it grows, through a {@link ToneDetector}.
 *
 * @module
 */
import { type AudioSummary, describeSummary, summarizeAudio } from "./spectrum.ts";
import { ToneDetector, type ToneDetectorOptions } from "./tone_detector.ts";
import { WavTail } from "./wav_tail.ts";
import { dirname } from "node:path";
import { watchFolder } from "../file_watch.ts";

/** Options of {@link listenForTone}. */
export interface ListenOptions extends Omit<ToneDetectorOptions, "hz" | "sampleRate"> {
  /** Longest wait in ms. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** A tone was heard. */
export interface ToneHeard {
  hz: number;
  /** Received audio analysed before the tone was found, in ms. */
  listenedMs: number;
}

/** The tone was not heard in time; `summary` says what was heard instead. */
export class ToneNotHeardError extends Error {
  readonly summary: AudioSummary;
  constructor(message: string, summary: AudioSummary) {
    super(message);
    this.name = "ToneNotHeardError";
    this.summary = summary;
  }
}

/** How often the file is re-read when no change was signalled (filesystems without inotify). */
const FALLBACK_READ_MS = 100;
/** How much of the latest audio the failure message describes. */
const SUMMARY_SECONDS = 1;

/**
 * Resolves once `hz` is heard in the audio appended to the WAV file at
 * `path` from now on; rejects with a {@link ToneNotHeardError} that
 * describes the last second heard (strongest frequencies and level) after
 * `timeoutMs`. `path` may be a function naming the newest file: audio that
 * continues in a new file (baresip 4.x starts a new dump after a re-INVITE)
 * is followed there, from that file's start.
 *
 * @example
 * ```ts
 * await listenForTone(decodedDumpPath, 1000, { timeoutMs: 5000 });
 * ```
 */
export async function listenForTone(
  path: string | (() => string),
  hz: number,
  options: ListenOptions,
): Promise<ToneHeard> {
  try {
    return await listen(path, hz, options);
  } catch (error) {
    // Once aborted (the agent stopping), its folder may be gone mid-read:
    // the abort is the reason, not the missing file.
    if (options.signal?.aborted) throw options.signal.reason;
    throw error;
  }
}

async function listen(
  path: string | (() => string),
  hz: number,
  options: ListenOptions,
): Promise<ToneHeard> {
  const newest = typeof path === "string" ? () => path : path;
  let tail = await WavTail.open(newest(), { fromEnd: true });
  let detector = new ToneDetector({ ...options, hz, sampleRate: tail.sampleRate });
  let recent = new RecentAudio(tail.sampleRate * SUMMARY_SECONDS);
  // The folder, not the file: a new segment appears beside the first.
  const watcher = watchFolder(dirname(tail.path));
  let nextEvent = watcher.next();
  const deadline = Date.now() + options.timeoutMs;
  let heardSamples = 0;
  try {
    for (;;) {
      const next = newest();
      if (next !== tail.path) {
        const rest = await tail.read(); // what the old file got before it ended
        heardSamples += rest.length;
        recent.push(rest);
        if (rest.length > 0 && detector.push(rest)) {
          return { hz, listenedMs: Math.round(heardSamples * 1000 / tail.sampleRate) };
        }
        tail.close();
        tail = await WavTail.open(next);
        if (tail.sampleRate !== detector.sampleRate) {
          detector = new ToneDetector({ ...options, hz, sampleRate: tail.sampleRate });
          recent = new RecentAudio(tail.sampleRate * SUMMARY_SECONDS);
        }
      }
      const samples = await tail.read();
      if (samples.length > 0) {
        heardSamples += samples.length;
        recent.push(samples);
        if (detector.push(samples)) {
          return { hz, listenedMs: Math.round(heardSamples * 1000 / tail.sampleRate) };
        }
      }
      options.signal?.throwIfAborted();
      const left = deadline - Date.now();
      if (left <= 0) {
        const summary = summarizeAudio(recent.samples(), tail.sampleRate);
        const heard = heardSamples === 0
          ? `received no audio at all in ${(options.timeoutMs / 1000).toFixed(1)} s`
          : `heard ${describeSummary(summary)} in the last ${summary.seconds.toFixed(1)} s ` +
            `(${(heardSamples / tail.sampleRate).toFixed(1)} s received)`;
        throw new ToneNotHeardError(`no ${hz} Hz tone: ${heard}`, summary);
      }
      const woke = await wake(nextEvent, Math.min(left, FALLBACK_READ_MS), options.signal);
      if (woke === "event") nextEvent = watcher.next();
    }
  } finally {
    watcher.close();
    tail.close();
  }
}

/** Waits for a file-system event, a timer, or an abort. */
function wake(
  event: Promise<unknown>,
  ms: number,
  signal?: AbortSignal,
): Promise<"event" | "timer"> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish("timer"), ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const finish = (why: "event" | "timer") => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(why);
    };
    event.then(() => finish("event"), () => finish("timer"));
  });
}

/** The last `capacity` samples pushed. */
class RecentAudio {
  readonly #buffer: Float32Array;
  #length = 0;

  constructor(capacity: number) {
    this.#buffer = new Float32Array(capacity);
  }

  push(samples: Float32Array): void {
    const cap = this.#buffer.length;
    if (samples.length >= cap) {
      this.#buffer.set(samples.subarray(samples.length - cap));
      this.#length = cap;
      return;
    }
    const keep = Math.min(this.#length, cap - samples.length);
    this.#buffer.copyWithin(0, this.#length - keep, this.#length);
    this.#buffer.set(samples, keep);
    this.#length = keep + samples.length;
  }

  samples(): Float32Array {
    return this.#buffer.subarray(0, this.#length);
  }
}
