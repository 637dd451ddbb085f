/**
 * Call set-up for engine tests.
 *
 * @module
 */
import { type Agent, CallState, type SipMessage } from "../../core/mod.ts";

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

/**
 * Resolves once `agent`'s SIP trace has (or gets) a message matching
 * `predicate`. baresip writes its trace to stdout and its events to
 * ctrl_tcp, so an event can be read before the trace lines that precede
 * it: a test about what went on the wire waits for it here.
 *
 * @example
 * ```ts
 * await traced(b, (m) => m.statusCode === 486, "B's 486 in its trace");
 * ```
 */
export function traced(
  agent: Agent,
  predicate: (m: SipMessage) => boolean,
  description: string,
  timeoutMs = 5000,
): Promise<void> {
  if (agent.sipMessages.some(predicate)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      agent.removeEventListener("sip", onSip);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${description}`));
    }, timeoutMs);
    const onSip: EventListener = (e) => {
      if (!predicate((e as CustomEvent<SipMessage>).detail)) return;
      clearTimeout(timer);
      agent.removeEventListener("sip", onSip);
      resolve();
    };
    agent.addEventListener("sip", onSip);
  });
}
