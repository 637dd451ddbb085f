/**
 * What a session shows: its calls, its last closed call and its whole
 * status as plain JSON-ready values (snake_case, as `status --json` and the
 * events print them), built from the engine's snapshot; and `status` as
 * text for people. Pure functions, so the TUI draws the same values.
 *
 * @module
 */
import type { AgentSnapshot, CallSnapshot } from "../core/agent_state.ts";
import type { ReceivedMessage } from "../core/agent_message.ts";
import { callQuality } from "../core/audio/emodel.ts";
import type { SipMessage } from "../core/sip_trace.ts";
import type { CloseInfo } from "../core/agent_state.ts";
import { callOutcome, type LocalAction, talkSeconds } from "./call_tracker.ts";
import type { CallOutcome, CallRecord } from "./history.ts";
import { negotiatedCodec } from "./sdp.ts";
import type { HeaderView } from "./templates.ts";

/** One call as the session shows it. */
export interface SessionCallView {
  /** The session's number of the call (1, 2, …): stable while it lasts. */
  index: number;
  id?: string;
  direction: "incoming" | "outgoing";
  state: CallSnapshot["state"];
  peer: string;
  number: string;
  display_name?: string;
  contact?: string;
  held: boolean;
  /** The other side holds the call (not reported by baresip 1.0.0). */
  remote_held?: boolean;
  muted: boolean;
  started_at: string;
  duration_secs: number;
  quality?: { mos: number; jitter_ms: number; packet_loss_percent: number; rtt_ms: number };
  codec?: string;
  header_views?: HeaderView[];
}

/** The last closed call. */
export interface LastCallView {
  index: number;
  direction: "incoming" | "outgoing";
  peer: string;
  number: string;
  contact?: string;
  reason: string;
  status_code?: number;
  /** Why it ended, the same on every baresip version (`bye`, `busy`, `cancel`, `transfer`…). */
  cause?: string;
  /** Which side ended it, when known. */
  by?: "local" | "remote";
  answered: boolean;
  outcome: CallOutcome;
  duration_secs: number;
  ended_at: string;
}

/** What `status` shows. */
export interface SessionStatus {
  profile: string;
  aor: string;
  pid: number;
  headless: boolean;
  baresip: string;
  audio: string;
  started_at: string;
  registration: { state: string; status_code?: number; reason?: string };
  calls: SessionCallView[];
  last_call: LastCallView | null;
  mwi: { waiting: boolean; new?: number; old?: number } | null;
  messages: {
    received: number;
    last?: { from: string; contact?: string; body: string; at: string };
  };
  dtmf_received: string;
  /** True while an attended transfer waits for `atransfer complete` or `atransfer abort`. */
  transfer_pending: boolean;
}

/** What the session knows of a call besides the engine's snapshot. */
export interface CallInfo {
  index: number;
  contact?: string;
  headerViews?: HeaderView[];
}

/**
 * A call as the session shows it; `messages` (the SIP trace) give its codec.
 *
 * @example
 * ```ts
 * callView(agent.snapshot.calls[0], { index: 1, contact: "Bob" }, agent.sipMessages).state; // "ringing"
 * ```
 */
export function callView(
  call: CallSnapshot,
  info: CallInfo | undefined,
  messages: readonly SipMessage[],
  now = Date.now(),
): SessionCallView {
  const quality = call.rtcp ? callQuality(call.rtcp) : undefined;
  const from = call.establishedAt ?? call.startedAt;
  return compact({
    index: info?.index ?? 0,
    id: call.id,
    direction: call.direction,
    state: call.state,
    peer: call.peer.uri,
    number: call.peer.number,
    display_name: call.peer.name,
    contact: info?.contact,
    held: call.held,
    remote_held: call.remoteHeld,
    muted: call.muted,
    started_at: new Date(call.startedAt).toISOString(),
    duration_secs: Math.max(0, Math.round((now - from) / 1000)),
    quality: quality
      ? {
        mos: quality.mos,
        jitter_ms: quality.jitter,
        packet_loss_percent: quality.packetLoss,
        rtt_ms: quality.rtt,
      }
      : undefined,
    codec: call.id ? negotiatedCodec(messages, call.id) : undefined,
    header_views: info?.headerViews?.length ? info.headerViews : undefined,
  });
}

/** What {@link sessionStatus} is made of. */
export interface StatusParts {
  profile: string;
  aor: string;
  headless: boolean;
  baresip: string;
  audio: string;
  startedAt: number;
  snapshot: AgentSnapshot;
  calls: SessionCallView[];
  lastCall?: LastCallView;
  messages: readonly ReceivedMessage[];
  contactOf(uri: string): string | undefined;
  /** An attended transfer waits to be completed or aborted. */
  transferPending: boolean;
}

/** The whole status of a session. */
export function sessionStatus(parts: StatusParts): SessionStatus {
  const s = parts.snapshot;
  const mwi = s.messageWaiting;
  const last = parts.messages.at(-1);
  return {
    profile: parts.profile,
    aor: parts.aor,
    pid: Deno.pid,
    headless: parts.headless,
    baresip: parts.baresip,
    audio: parts.audio,
    started_at: new Date(parts.startedAt).toISOString(),
    registration: compact({
      state: s.registration.state,
      status_code: s.registration.statusCode,
      reason: s.registration.reason,
    }),
    calls: parts.calls,
    last_call: parts.lastCall ?? null,
    mwi: mwi ? compact({ waiting: mwi.waiting, new: mwi.newMessages, old: mwi.oldMessages }) : null,
    messages: {
      received: parts.messages.length,
      ...(last
        ? {
          last: compact({
            from: last.from,
            contact: parts.contactOf(last.from),
            body: last.body,
            at: new Date(last.at).toISOString(),
          }),
        }
        : {}),
    },
    dtmf_received: s.dtmfReceived,
    transfer_pending: parts.transferPending,
  };
}

/** The human text of `status`. */
export function formatStatus(status: SessionStatus): string {
  const r = status.registration;
  const lines = [
    `profile: ${status.profile} (${status.aor})`,
    `registration: ${r.state}${
      r.reason ? ` (${r.reason})` : r.status_code ? ` (${r.status_code})` : ""
    }`,
    `calls: ${status.calls.length}`,
  ];
  for (const c of status.calls) {
    const quality = c.quality ? `, MOS ${c.quality.mos}` : "";
    const codec = c.codec ? `, ${c.codec}` : "";
    lines.push(
      `  [${c.index}] ${c.direction} ${c.contact ? `${c.contact} ` : ""}${c.peer} ${c.state}${
        c.held ? " held" : ""
      }${c.muted ? " muted" : ""} ${c.duration_secs}s${codec}${quality}`,
    );
    for (const view of c.header_views ?? []) lines.push(`      ${view.label}: ${view.value}`);
  }
  const last = status.last_call;
  if (last) {
    lines.push(
      `last call: ${last.direction} ${
        last.contact ?? last.peer
      }: ${last.reason} (${last.outcome}, ${last.duration_secs}s)`,
    );
  }
  if (status.mwi) {
    lines.push(
      `voicemail: ${status.mwi.waiting ? "waiting" : "none"}${
        status.mwi.new !== undefined ? `, ${status.mwi.new} new` : ""
      }`,
    );
  }
  if (status.messages.last) {
    lines.push(
      `messages: ${status.messages.received}, last from ${
        status.messages.last.contact ?? status.messages.last.from
      }: ${status.messages.last.body}`,
    );
  }
  return lines.join("\n");
}

/** How a call that ended is told: its last-call view, its history record, its hook data. */
export function describeEnd(
  call: CallSnapshot,
  close:
    | Pick<CloseInfo, "reason" | "statusCode" | "at" | "by"> & { cause?: CloseInfo["cause"] }
    | undefined,
  info: CallInfo & { local?: LocalAction },
  profile: string,
): { last: LastCallView; record: CallRecord; hookData: Record<string, unknown> } {
  const endedAt = close?.at ?? Date.now();
  const reason = close?.reason ||
    (call.id === undefined ? "the call was not placed" : "no reason given");
  const outcome = callOutcome(call, close, info.local);
  const duration = talkSeconds(call, endedAt);
  const last: LastCallView = compact({
    index: info.index,
    direction: call.direction,
    peer: call.peer.uri,
    number: call.peer.number,
    contact: info.contact,
    reason,
    status_code: close?.statusCode,
    cause: close?.cause,
    by: close?.by,
    answered: call.establishedAt !== undefined,
    outcome,
    duration_secs: duration,
    ended_at: new Date(endedAt).toISOString(),
  });
  const record: CallRecord = compact({
    id: crypto.randomUUID(),
    profile,
    direction: call.direction,
    peer: call.peer.uri,
    number: call.peer.number,
    contact: info.contact,
    displayName: call.peer.name,
    startedAt: call.startedAt,
    answeredAt: call.establishedAt,
    endedAt,
    durationSecs: duration,
    outcome,
    reason,
    statusCode: close?.statusCode,
    headerViews: info.headerViews?.length ? info.headerViews : undefined,
    callId: call.id,
  });
  const hookData = {
    call_id: call.id ?? null,
    number: call.peer.number,
    direction: call.direction,
    duration_secs: duration,
    reason,
    outcome,
    error: outcome === "answered" || outcome === "deflected" ? null : reason,
    ...(close?.statusCode ? { status_code: close.statusCode } : {}),
  };
  return { last, record, hookData };
}

/** A peer as people read it: `Bob (4711)`, or the number alone. */
export function describePeer(
  view: Pick<SessionCallView, "contact" | "display_name" | "number">,
): string {
  const name = view.contact ?? view.display_name;
  return name ? `${name} (${view.number})` : view.number;
}

/** The event data of a call's hooks (`call_incoming`, `call_outgoing`). */
export function hookCall(view: SessionCallView): Record<string, unknown> {
  return compact({
    call_id: view.id ?? null,
    number: view.number,
    display_name: view.display_name ?? null,
    peer: view.peer,
    contact: view.contact,
    header_views: view.header_views,
  });
}

/** `value` without its undefined fields (so JSON shows only what is known). */
export function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
