/**
 * Calls an agent refused because it already had `call_max_calls` calls
 * (baresip answers them `486 Max Calls` and only logs it; no ctrl_tcp
 * event says so). Every version from 1.0.0 to 4.10.0 logs the same line:
 * `ua: rejected call from sip:sipp@127.0.0.1:5060 (maximum 16 calls)`.
 *
 * @module
 */

/** One call refused for the limit, as {@link Agent} dispatches it (`refused`). */
export interface MaxCallsRefusal {
  /** Who called (the From URI baresip logged). */
  from: string;
  /** The agent's limit of calls at once. */
  limit: number;
  /** One sentence naming the limit and how to raise it. */
  message: string;
}

/**
 * The refusal a baresip log line reports, or undefined for any other line.
 *
 * @example
 * ```ts
 * maxCallsRefusal('B', "ua: rejected call from sip:x@127.0.0.1:5060 (maximum 16 calls)");
 * // { from: "sip:x@127.0.0.1:5060", limit: 16, message: 'agent "B" refused a call from … ' }
 * ```
 */
export function maxCallsRefusal(agent: string, line: string): MaxCallsRefusal | undefined {
  const found = /rejected call from (\S+) \(maximum (\d+) calls\)/.exec(line);
  if (!found) return undefined;
  const limit = Number(found[2]);
  return {
    from: found[1],
    limit,
    message: `agent "${agent}" refused a call from ${found[1]} with 486 Max Calls: it takes ` +
      `${limit} call${limit === 1 ? "" : "s"} at once (raise max_calls in the agent's options)`,
  };
}
