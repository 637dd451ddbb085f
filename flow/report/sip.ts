/**
 * `--sip-messages`: a scenario's SIP signalling as one `sip` run event,
 * for tools that draw it (the SIP ladder of `ringo flow serve`'s
 * dashboard): the same merged, de-duplicated messages as `--pcap` writes,
 * plus which agent owns each address.
 *
 * @module
 */
import { endpointText, type SipMessage } from "../../core/mod.ts";
import type { SipEvent } from "./events.ts";
import { captureMessages } from "./pcap.ts";

/**
 * The `sip` event of scenario `scenarioId` from its agents' traces.
 *
 * @example
 * ```ts
 * const event = sipEvent("s1", { A: a.sipMessages, B: b.sipMessages });
 * event.endpoints; // { "127.0.0.1:21364": "A", "127.0.0.1:24868": "B" }
 * ```
 */
export function sipEvent(
  scenarioId: string,
  byAgent: Record<string, readonly SipMessage[]>,
): SipEvent {
  const endpoints: Record<string, string> = {};
  for (const [agent, messages] of Object.entries(byAgent)) {
    for (const m of messages) {
      endpoints[endpointText(m.direction === "sent" ? m.source : m.destination)] = agent;
    }
  }
  const messages = captureMessages(byAgent).map((m) => ({
    transport: m.transport,
    source: endpointText(m.source),
    destination: endpointText(m.destination),
    timestamp: m.timestamp,
    startLine: m.startLine,
    ...(m.method ? { method: m.method } : {}),
    ...(m.statusCode ? { statusCode: m.statusCode } : {}),
    ...(m.callId ? { callId: m.callId } : {}),
    raw: m.raw,
  }));
  return { type: "sip", scenarioId, endpoints, messages };
}
