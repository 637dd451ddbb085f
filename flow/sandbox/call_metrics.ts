/**
 * The figures `ringo flow run --metrics` reports for each agent of a
 * scenario, read from what the engine already records: its SIP trace
 * (always on for scenario agents) for registration time, post-dial delay
 * and setup time; its ended calls for durations; the RTCP of each call,
 * kept as it arrives, for MOS, jitter, packet loss and round-trip time.
 *
 * @module
 */
import {
  type Agent as CoreAgent,
  type CallSnapshot,
  type EndedCall,
  headerValue,
  type SipMessage,
} from "../../core/mod.ts";
import { type CallQuality, callQuality } from "../../core/audio/emodel.ts";

/** One figure about an agent. */
export interface AgentMetric {
  name: string;
  value: number;
  /** `ms`, `s`, `%`; absent for a score (MOS). */
  unit?: string;
  /** Which of the agent's calls (1 for its first), for per-call figures. */
  call?: number;
}

/**
 * Watches one agent's calls for the quality each had when it ended; then
 * {@link AgentMetrics.collect} gives the agent's figures.
 *
 * @example
 * ```ts
 * const metrics = new AgentMetrics(agent);
 * // … the scenario runs …
 * for (const m of metrics.collect()) console.log(m.name, m.value, m.unit);
 * metrics.close();
 * ```
 */
export class AgentMetrics {
  readonly #agent: CoreAgent;
  /** The latest quality of each call, by call id. */
  readonly #quality = new Map<string, CallQuality>();
  readonly #onChange = () => this.#note(this.#agent.snapshot.calls);

  constructor(agent: CoreAgent) {
    this.#agent = agent;
    agent.addEventListener("change", this.#onChange);
  }

  /** The agent's figures so far: its registration, then each call in the order it started. */
  collect(): AgentMetric[] {
    const s = this.#agent.snapshot;
    this.#note(s.calls);
    return agentMetrics(this.#agent.sipMessages, s.ended, s.calls, this.#quality);
  }

  /** Stops watching. */
  close(): void {
    this.#agent.removeEventListener("change", this.#onChange);
  }

  #note(calls: readonly CallSnapshot[]): void {
    for (const call of calls) {
      const quality = call.rtcp ? callQuality(call.rtcp) : undefined;
      if (call.id && quality) this.#quality.set(call.id, quality);
    }
  }
}

/**
 * An agent's figures from its SIP messages, ended and live calls, and the
 * quality each call had last.
 *
 * - `register_time` (ms): first REGISTER sent → its first 200 (challenges included);
 * - per outgoing call, `post_dial_delay` (ms): INVITE sent → first 18x;
 *   `setup_time` (ms): INVITE sent → 200;
 * - per established call that ended, `call_duration` (s);
 * - per call with RTCP, `mos`, `jitter` (ms), `packet_loss` (%), `rtt` (ms).
 *
 * @example
 * ```ts
 * agentMetrics(agent.sipMessages, agent.snapshot.ended, agent.snapshot.calls, new Map());
 * // [{ name: "post_dial_delay", value: 3.2, unit: "ms", call: 1 }, …]
 * ```
 */
export function agentMetrics(
  messages: readonly SipMessage[],
  ended: readonly EndedCall[],
  live: readonly CallSnapshot[],
  quality: ReadonlyMap<string, CallQuality>,
): AgentMetric[] {
  const out: AgentMetric[] = [];
  const registered = registerTime(messages);
  if (registered !== undefined) out.push({ name: "register_time", value: registered, unit: "ms" });
  type Call = { id?: string; direction: string; startedAt: number; durationS?: number };
  const calls: Call[] = [
    ...ended.map((c) => ({ ...c, id: c.id ?? c.close.callId })),
    ...live,
  ].sort((a, b) => a.startedAt - b.startedAt);
  calls.forEach((c, i) => {
    const call = i + 1;
    if (c.direction === "outgoing" && c.id) {
      const invite = inviteTimes(messages, c.id);
      if (invite.ringing !== undefined) {
        out.push({ name: "post_dial_delay", value: invite.ringing, unit: "ms", call });
      }
      if (invite.answered !== undefined) {
        out.push({ name: "setup_time", value: invite.answered, unit: "ms", call });
      }
    }
    if (c.durationS !== undefined) {
      out.push({ name: "call_duration", value: round(c.durationS, 3), unit: "s", call });
    }
    const q = c.id ? quality.get(c.id) : undefined;
    if (q) {
      out.push(
        { name: "mos", value: round(q.mos, 2), call },
        { name: "jitter", value: round(q.jitter, 2), unit: "ms", call },
        { name: "packet_loss", value: round(q.packetLoss, 2), unit: "%", call },
        { name: "rtt", value: round(q.rtt, 2), unit: "ms", call },
      );
    }
  });
  return out;
}

/** ms from the first REGISTER sent to the first 200 answering a REGISTER. */
function registerTime(messages: readonly SipMessage[]): number | undefined {
  const sent = messages.find((m) => m.direction === "sent" && m.method === "REGISTER");
  if (!sent) return undefined;
  const ok = messages.find((m) =>
    m.direction === "received" && m.statusCode === 200 && m.timestamp >= sent.timestamp &&
    cseqMethod(m) === "REGISTER"
  );
  return ok ? round(ok.timestamp - sent.timestamp, 1) : undefined;
}

/** ms from call `callId`'s first INVITE to its first 18x and to its 200. */
function inviteTimes(
  messages: readonly SipMessage[],
  callId: string,
): { ringing?: number; answered?: number } {
  const ofCall = messages.filter((m) => m.callId === callId);
  const invite = ofCall.find((m) => m.direction === "sent" && m.method === "INVITE");
  if (!invite) return {};
  const answers = ofCall.filter((m) =>
    m.direction === "received" && m.statusCode !== undefined && cseqMethod(m) === "INVITE"
  );
  const ringing = answers.find((m) => m.statusCode! >= 180 && m.statusCode! < 200);
  const ok = answers.find((m) => m.statusCode === 200);
  return {
    ...(ringing ? { ringing: round(ringing.timestamp - invite.timestamp, 1) } : {}),
    ...(ok ? { answered: round(ok.timestamp - invite.timestamp, 1) } : {}),
  };
}

function cseqMethod(message: SipMessage): string | undefined {
  return headerValue(message.headers, "CSeq")?.trim().split(/\s+/)[1]?.toUpperCase();
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
