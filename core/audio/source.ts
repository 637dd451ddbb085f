/**
 * What an agent sends, as a baresip audio source: a sine (`ausine`), a WAV
 * file (`aufile`, after conversion to the rate and channels baresip reads),
 * or "silence".
 *
 * @module
 */
import { join } from "node:path";
import { AUDIO_SAMPLE_RATE, SILENT_SOURCE, SOURCE_CHANNELS } from "../config.ts";
import { decodeWav, encodeWav, WavError } from "./wav.ts";
import { resample, toChannels } from "./resample.ts";

/** What to send: built by `tone(hz)`, `file(path)` and `silent()` in scenarios. */
export type AudioSpec =
  | { kind: "tone"; hz: number }
  | { kind: "file"; path: string }
  | { kind: "silence" };

/** A source ready for baresip's `ausrc` command. */
export interface PreparedSource {
  spec: AudioSpec;
  /** `module,device`, e.g. `ausine,440` or `aufile,/tmp/…/send-1.wav`. */
  device: string;
  /**
   * For files: re-issue the source this often (ms) so it never reaches its
   * end (baresip 1.0.0's aufile does not loop, and its end ends the call).
   */
  restartMs?: number;
}

/** Rate and channels of every agent's audio source, as core/config.ts sets them. */
export const SOURCE_FORMAT = { sampleRate: AUDIO_SAMPLE_RATE, channels: SOURCE_CHANNELS } as const;

/** The lowest and highest tone baresip's ausine plays. */
export const TONE_RANGE = { min: 10, max: 20_000 } as const;

/** A converted file holds at least this much audio (the prompt repeated). */
const MIN_FILE_MS = 20_000;
/** A file is restarted this long before its end. */
const RESTART_MARGIN_MS = 1_000;

/**
 * Checks `spec` and turns it into a baresip source; a file is read,
 * resampled to {@link SOURCE_FORMAT}, repeated to at least 20 s and written
 * as `send-<n>.wav` into `workDir`.
 *
 * @throws {RangeError} a tone outside 10–20000 Hz.
 * @throws {WavError} a file that is not a readable WAV.
 * @example
 * ```ts
 * await prepareSource({ kind: "tone", hz: 440 }, dir, 1); // { device: "ausine,440", … }
 * ```
 */
export async function prepareSource(
  spec: AudioSpec,
  workDir: string,
  serial: number,
): Promise<PreparedSource> {
  switch (spec.kind) {
    case "silence":
      return { spec, device: SILENT_SOURCE };
    case "tone": {
      const hz = spec.hz;
      if (!Number.isInteger(hz) || hz < TONE_RANGE.min || hz > TONE_RANGE.max) {
        throw new RangeError(
          `tone(${hz}): baresip plays whole frequencies from ${TONE_RANGE.min} to ${TONE_RANGE.max} Hz`,
        );
      }
      return { spec, device: `ausine,${hz}` };
    }
    case "file": {
      let bytes: Uint8Array;
      try {
        bytes = await Deno.readFile(spec.path);
      } catch (error) {
        throw new WavError(`cannot read ${spec.path}: ${(error as Error).message}`);
      }
      const { wav, promptMs } = convertForSource(bytes, spec.path);
      const out = join(workDir, `send-${serial}.wav`);
      await Deno.writeFile(out, wav, { mode: 0o600 });
      const loops = Math.max(1, Math.floor((wavMs(wav) - RESTART_MARGIN_MS) / promptMs));
      return { spec, device: `aufile,${out}`, restartMs: loops * promptMs };
    }
  }
}

/**
 * Converts a WAV file to 16-bit {@link SOURCE_FORMAT}, repeated to at least
 * 20 s and followed by one extra second (the restart margin).
 */
export function convertForSource(
  bytes: Uint8Array,
  name = "the file",
): { wav: Uint8Array; promptMs: number } {
  let audio;
  try {
    audio = decodeWav(bytes);
  } catch (error) {
    throw new WavError(`${name}: ${(error as Error).message}`);
  }
  const frames = audio.channels[0]?.length ?? 0;
  if (frames === 0) throw new WavError(`${name}: the WAV file holds no audio`);
  const channels = toChannels(audio.channels, 1).map((c) =>
    resample(c, audio.sampleRate, SOURCE_FORMAT.sampleRate)
  );
  const prompt = channels[0];
  const promptMs = prompt.length * 1000 / SOURCE_FORMAT.sampleRate;
  const repeats = Math.max(1, Math.ceil(MIN_FILE_MS / promptMs));
  const margin = SOURCE_FORMAT.sampleRate * RESTART_MARGIN_MS / 1000;
  const looped = new Float32Array(prompt.length * repeats + margin);
  for (let i = 0; i < repeats; i++) looped.set(prompt, i * prompt.length);
  looped.set(prompt.subarray(0, Math.min(margin, prompt.length)), prompt.length * repeats);
  const wav = encodeWav({
    sampleRate: SOURCE_FORMAT.sampleRate,
    channels: toChannels([looped], SOURCE_FORMAT.channels),
  });
  return { wav, promptMs };
}

function wavMs(wav: Uint8Array): number {
  const frames = (wav.length - 44) / (2 * SOURCE_FORMAT.channels);
  return frames * 1000 / SOURCE_FORMAT.sampleRate;
}
