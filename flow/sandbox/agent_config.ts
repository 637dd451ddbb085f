/**
 * An agent's config as a scenario gives it (`agent(name, config)`), made
 * into what the engine takes: account or loopback settings, call handling,
 * deflection, header pairs.
 *
 * @module
 */
import {
  type AccountSettings,
  AgentError,
  type CallHandling,
  type LoopbackSettings,
} from "../../core/mod.ts";
import { parseDuration } from "../duration.ts";

/**
 * Splits an agent config from a scenario into the SIP account (none without
 * `username` and `domain`: a loopback agent, with its own settings), how
 * the agent handles calls, and where it deflects them; `metadata` stays
 * with the scenario. Bad values throw an {@link AgentError} naming them.
 *
 * @example
 * ```ts
 * splitConfig("B", { headers: { "X-A": ["1", "2"] }, max_calls: 2 });
 * // { loopbackSettings: { headers: [["X-A", "1"], ["X-A", "2"]] }, calls: { maxCalls: 2 } }
 * ```
 */
export function splitConfig(
  name: string,
  config: Record<string, unknown> | null,
): {
  account?: AccountSettings;
  loopbackSettings?: LoopbackSettings;
  calls: CallHandling;
  deflectTo?: string;
} {
  const given = Object.fromEntries(
    Object.entries(config ?? {}).filter(([, v]) => v !== undefined),
  );
  // `metadata` is the scenario's own (kept by its Agent); it never reaches baresip.
  const { max_calls, auto_hold, rtp_timeout, deflect_to, metadata: _metadata, ...rest } = given;
  if (deflect_to !== undefined && (typeof deflect_to !== "string" || deflect_to.trim() === "")) {
    throw new AgentError(
      `agent "${name}": deflect_to must be a SIP URI or a number, got ${
        JSON.stringify(deflect_to)
      }`,
    );
  }
  if (rest.headers !== undefined) rest.headers = headerPairs(name, rest.headers);
  const calls: CallHandling = {};
  if (max_calls !== undefined) {
    if (!Number.isInteger(max_calls) || (max_calls as number) < 1) {
      throw new AgentError(
        `agent "${name}": max_calls must be a whole number ≥ 1, got ${JSON.stringify(max_calls)}`,
      );
    }
    calls.maxCalls = max_calls as number;
  }
  if (auto_hold !== undefined) {
    if (typeof auto_hold !== "boolean") {
      throw new AgentError(
        `agent "${name}": auto_hold must be true or false, got ${JSON.stringify(auto_hold)}`,
      );
    }
    calls.autoHold = auto_hold;
  }
  if (rtp_timeout !== undefined) {
    try {
      calls.rtpTimeoutS = Math.ceil(parseDuration(rtp_timeout as string | number) / 1000);
    } catch (error) {
      throw new AgentError(`agent "${name}": rtp_timeout: ${(error as Error).message}`);
    }
  }
  const loopback = rest.username === undefined && rest.domain === undefined;
  if (loopback) {
    const registrarOnly = Object.keys(rest).filter((key) => !LOOPBACK_KEYS.has(key));
    if (registrarOnly.length > 0) {
      throw new AgentError(
        `agent "${name}": ${registrarOnly.join(", ")} needs an account (username and domain); ` +
          "without them the agent is a loopback agent with no registrar",
      );
    }
  }
  return {
    ...(loopback
      ? Object.keys(rest).length > 0 ? { loopbackSettings: rest as LoopbackSettings } : {}
      : { account: rest as AccountSettings }),
    calls,
    ...(deflect_to !== undefined ? { deflectTo: deflect_to as string } : {}),
  };
}

/** Config keys that apply to a loopback agent too. */
const LOOPBACK_KEYS = new Set([
  "display_name",
  "dtmf_mode",
  "media_enc",
  "audio_codecs",
  "headers",
]);

/**
 * The `headers` of an agent config as ordered pairs: a record's array value
 * (`{ "History-Info": [a, b] }`) gives one header per element, in order.
 */
function headerPairs(name: string, headers: unknown): unknown {
  if (Array.isArray(headers) || typeof headers !== "object" || headers === null) return headers;
  const pairs: Array<[string, string | number]> = [];
  for (const [header, value] of Object.entries(headers)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (typeof one !== "string" && typeof one !== "number") {
        throw new AgentError(
          `agent "${name}": header ${header} needs a string or number (or an array of them), got ${
            JSON.stringify(one)
          }`,
        );
      }
      pairs.push([header, one]);
    }
  }
  return pairs;
}
