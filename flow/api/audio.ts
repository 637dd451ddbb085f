/**
 * Audio in scenarios: what an agent sends (`tone`, `file`, `silent`, given
 * to `agent.sendAudio`) and a two-way check that two agents hear each
 * other (`verifyAudioConnection`).
 *
 * @module
 */
import type { AudioSource } from "../protocol.ts";
import type { Agent, Duration } from "./agent.ts";
import { FlowError } from "./errors.ts";

/**
 * A sine at `hz` (10–20000 Hz, whole numbers).
 *
 * @example
 * ```ts
 * await a.sendAudio(tone(1000));
 * await b.verifyAudio(1000, "5s");
 * ```
 */
export function tone(hz: number): AudioSource {
  if (!Number.isInteger(hz) || hz < 10 || hz > 20_000) {
    throw new FlowError(`tone() needs a whole frequency from 10 to 20000 Hz, got ${hz}`);
  }
  return { kind: "tone", hz };
}

/**
 * A WAV file (any common rate, bit depth and channel count), played in a
 * loop. A relative path is relative to the scenario file; the file must be
 * one the scenario may read.
 *
 * @example
 * ```ts
 * await a.sendAudio(file("prompts/welcome.wav"));
 * ```
 */
export function file(path: string): AudioSource {
  if (typeof path !== "string" || path.trim() === "") {
    throw new FlowError(`file() needs the path of a WAV file, got ${JSON.stringify(path)}`);
  }
  return { kind: "file", path };
}

/**
 * Silence. The agent keeps sending RTP (a 20 kHz sine that the codec
 * removes), so RFC 4733 DTMF still flows.
 *
 * @example
 * ```ts
 * await a.sendAudio(silent());
 * ```
 */
export function silent(): AudioSource {
  return { kind: "silence" };
}

/** Options of {@link verifyAudioConnection}. */
export interface AudioConnectionOptions {
  /** Tone sent by `a` (default 1000 Hz) and by `b` (default 1500 Hz). */
  tones?: [number, number];
  /** Longest wait per direction (default: the scenario's default timeout). */
  within?: Duration;
}

/**
 * Checks that `b` hears `a` and then that `a` hears `b`, each with a tone,
 * and puts back what each was sending before. Fails naming the direction
 * that is silent and what was heard there instead.
 *
 * @example
 * ```ts
 * await a.dial(b);
 * await until(() => expect(b.state).toBe(State.Ringing));
 * await b.accept();
 * await until(() => expect(a.state).toBe(State.Established));
 * await verifyAudioConnection(a, b);
 * ```
 */
export async function verifyAudioConnection(
  a: Agent,
  b: Agent,
  options: AudioConnectionOptions = {},
): Promise<void> {
  const [toB, toA] = options.tones ?? [1000, 1500];
  const before: [AudioSource, AudioSource] = [a.sending, b.sending];
  let failure: unknown;
  try {
    await a.sendAudio(tone(toB));
    await direction(a, b, toB, options.within);
    await b.sendAudio(tone(toA));
    await direction(b, a, toA, options.within);
  } catch (error) {
    failure = error;
  }
  try {
    await Promise.all([a.sendAudio(before[0]), b.sendAudio(before[1])]);
  } catch (error) {
    failure ??= error;
  }
  if (failure) throw failure;
}

async function direction(from: Agent, to: Agent, hz: number, within?: Duration): Promise<void> {
  try {
    await to.verifyAudio(hz, within);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    error.message = `no audio from ${from.name} to ${to.name}: ${error.message}`;
    throw error;
  }
}
