/**
 * Synchronous `env("NAME")` for sandboxed scenarios. The layered scenario
 * environment (flow/env.ts) lives in the host, which may read the env
 * files; a scenario reads a variable in the middle of an expression
 * (`agent("A", { username: env("A_USER") })`), so the lookup cannot be a
 * promise. The worker posts `{type: "env", name}` and blocks on a
 * SharedArrayBuffer until the host writes the answer into it.
 *
 * Layout: int32[0] is the state (0 waiting, 1 answered), int32[1] the
 * answer's byte length, then the answer as UTF-8 JSON.
 *
 * @module
 */

/** The host's answer to one lookup. */
export type EnvAnswer =
  | { ok: true; value: string }
  | { ok: false; name: string; message: string; hint?: string };

const HEADER_BYTES = 8;
/** Room for one answer; a larger value is refused with a message. */
export const ENV_CHANNEL_BYTES = 1 << 20;

/**
 * Shared memory for one worker's lookups.
 *
 * @example
 * ```ts
 * const channel = createEnvChannel();
 * worker.postMessage({ type: "init", envChannel: channel, … });
 * ```
 */
export function createEnvChannel(): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + ENV_CHANNEL_BYTES);
}

/**
 * Host side: writes the answer and wakes the waiting worker.
 *
 * @example
 * ```ts
 * answerEnv(channel, { ok: true, value: "alice" });
 * ```
 */
export function answerEnv(channel: SharedArrayBuffer, answer: EnvAnswer): void {
  let bytes = new TextEncoder().encode(JSON.stringify(answer));
  if (bytes.length > ENV_CHANNEL_BYTES) {
    const name = answer.ok ? "the variable" : answer.name;
    bytes = new TextEncoder().encode(JSON.stringify({
      ok: false,
      name,
      message: `the value of ${name} is larger than ${ENV_CHANNEL_BYTES} bytes`,
    }));
  }
  new Uint8Array(channel, HEADER_BYTES).set(bytes);
  const state = new Int32Array(channel, 0, 2);
  Atomics.store(state, 1, bytes.length);
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
}

/**
 * Worker side: runs `ask` (which posts the request) and blocks until the
 * host answers, at most `timeoutMs`.
 *
 * @example
 * ```ts
 * const answer = askEnv(channel, () => postMessage({ type: "env", name: "A_USER" }));
 * ```
 */
export function askEnv(channel: SharedArrayBuffer, ask: () => void, timeoutMs = 10_000): EnvAnswer {
  const state = new Int32Array(channel, 0, 2);
  Atomics.store(state, 0, 0);
  ask();
  if (Atomics.wait(state, 0, 0, timeoutMs) === "timed-out") {
    return { ok: false, name: "", message: "the runner did not answer an env() lookup in time" };
  }
  const length = Atomics.load(state, 1);
  const bytes = new Uint8Array(channel, HEADER_BYTES, length).slice();
  return JSON.parse(new TextDecoder().decode(bytes)) as EnvAnswer;
}
