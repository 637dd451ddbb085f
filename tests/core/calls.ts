/**
 * Call set-up for engine tests.
 *
 * @module
 */
import { type Agent, CallState } from "../../core/mod.ts";

/** True when the agent's first call is established (for `waitFor`). */
export const established = (s: { calls: { state: string }[] }): boolean =>
  s.calls[0]?.state === CallState.Established;

/**
 * A calls B directly (loopback agents), B answers; resolves once both ends
 * are established.
 *
 * @example
 * ```ts
 * await call(a, b);
 * ```
 */
export async function call(a: Agent, b: Agent): Promise<void> {
  await a.dial(b.contactUri);
  await b.waitFor((s) => s.calls[0]?.state === CallState.Ringing, { description: "B ringing" });
  await b.accept();
  await Promise.all([a.waitFor(established), b.waitFor(established)]);
}
