/**
 * The notable events of an agent as lines of its scenario's report: calls
 * coming and going, holds by the peer, DTMF digits received, registrations
 * (received SIP MESSAGEs are described by {@link describeMessage}). They are `log`
 * events with the agent's name (in `--json` output, under a failed
 * scenario, and with `-v`), so a report tells what each agent saw, in order.
 * SDP, RTCP and other chatter are left out.
 *
 * @module
 */
import { type BaresipEvent, explainNetworkReason } from "../../core/mod.ts";

/** One line for the report. */
export interface AgentEventLine {
  message: string;
  level: "info" | "warn";
}

/**
 * The report line for `event`, or undefined for events not worth one.
 *
 * @example
 * ```ts
 * describeAgentEvent({ type: "CALL_DTMF_START", param: "5", raw: {} });
 * // { message: "DTMF received: 5", level: "info" }
 * ```
 */
export function describeAgentEvent(event: BaresipEvent): AgentEventLine | undefined {
  const peer = event.peerUri ? ` ${event.peerUri}` : "";
  const param = event.param?.trim();
  switch (event.type) {
    case "CALL_INCOMING":
      return info(`incoming call from${peer || " an unknown caller"}`);
    case "CALL_RINGING":
      return info(`ringing at${peer || " the callee"}`);
    case "CALL_PROGRESS":
      return info(`call in progress (early media) with${peer || " the callee"}`);
    case "CALL_ESTABLISHED":
      return info(`call established with${peer || " the peer"}`);
    case "CALL_CLOSED": {
      const reason = param ? explainNetworkReason(param, event.peerUri) : undefined;
      return info(`call with${peer || " the peer"} closed${reason ? `: ${reason}` : ""}`);
    }
    case "TRANSFER":
    case "CALL_TRANSFER":
      return info(`asked to transfer the call${param ? ` to ${param}` : ""}`);
    case "TRANSFER_FAILED":
    case "CALL_TRANSFER_FAILED":
      return { message: `transfer failed${param ? `: ${param}` : ""}`, level: "warn" };
    case "CALL_HOLD":
      return info(`the peer${peer} put the call on hold`);
    case "CALL_RESUME":
      return info(`the peer${peer} resumed the call`);
    case "CALL_DTMF_START":
      return param ? info(`DTMF received: ${param}`) : undefined;
    case "REGISTER_OK":
      return info(`registered${event.accountAor ? ` as ${event.accountAor}` : ""}`);
    case "REGISTER_FAIL": {
      const reason = param ? explainNetworkReason(param, event.accountAor) : undefined;
      return { message: `registration failed${reason ? `: ${reason}` : ""}`, level: "warn" };
    }
    case "UNREGISTERING":
      return info("unregistering");
    case "MWI_NOTIFY":
      return info("message-waiting notification");
    case "AUDIO_ERROR":
      return { message: `audio error${param ? `: ${param}` : ""}`, level: "warn" };
    default:
      return undefined;
  }
}

function info(message: string): AgentEventLine {
  return { message, level: "info" };
}

/**
 * The report line for a SIP MESSAGE the agent received.
 *
 * @example
 * ```ts
 * describeMessage({ from: "sip:A@127.0.0.1:5060", contentType: "text/plain", body: "hi", at: 0 });
 * // { message: 'MESSAGE received from sip:A@127.0.0.1:5060: "hi"', level: "info" }
 * ```
 */
export function describeMessage(
  message: { from: string; contentType: string; body: string },
): AgentEventLine {
  const body = message.body.length > 200 ? `${message.body.slice(0, 200)}…` : message.body;
  const type = message.contentType.startsWith("text/plain") ? "" : ` (${message.contentType})`;
  return info(`MESSAGE received from ${message.from}${type}: ${JSON.stringify(body)}`);
}
