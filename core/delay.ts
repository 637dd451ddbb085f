/**
 * A pause that an `AbortSignal` cuts short: for waits that are time by
 * design (a delayed mock answer, a pause before DTMF) and must still end
 * at once on Ctrl-C or shutdown.
 *
 * @module
 */

/**
 * Resolves after `ms`, or as soon as `signal` aborts (at once when it
 * already has). Never rejects: the caller looks at `signal.aborted` when
 * it needs to know which came first.
 *
 * @example
 * ```ts
 * const stop = new AbortController();
 * await delay(500, stop.signal); // half a second, or less if stop.abort() is called
 * ```
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
