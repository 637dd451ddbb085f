/**
 * The agent model as a pure reducer: baresip events (and the agent's own
 * accepted commands) in, a new immutable snapshot out. Pure so it can be
 * unit-tested without processes.
 *
 * @module
 */
import { type CallEndCause, classifyClose } from "./dialect.ts";
import type { BaresipEvent, RtcpStats } from "./frames.ts";

export type { CallEndCause } from "./dialect.ts";

/** States of a call, and `Idle` when an agent has none. */
export const CallState = {
  Idle: "idle",
  /** Outgoing, no provisional response yet. */
  Calling: "calling",
  /** Incoming and not answered, or outgoing with 180/183 received. */
  Ringing: "ringing",
  Established: "established",
} as const;
/** One of {@link CallState}'s values. */
export type CallState = typeof CallState[keyof typeof CallState];

/** The remote party of a call. */
export interface Peer {
  /** SIP URI, e.g. `sip:bob@pbx.example.com`. */
  uri: string;
  /** User part of the URI (usually the number). */
  number: string;
  /** Display name, when the baresip version reports it. */
  name?: string;
}

/** One call of an agent. */
export interface CallSnapshot {
  /** baresip's call id (the SIP Call-ID for incoming calls); unknown for a fresh outgoing call on 1.0.0. */
  id?: string;
  direction: "incoming" | "outgoing";
  state: Exclude<CallState, "idle">;
  peer: Peer;
  held: boolean;
  muted: boolean;
  startedAt: number;
  establishedAt?: number;
  rtcp?: RtcpStats;
  /** This agent asked baresip to end the call (hang up, cancel, decline with `code`). */
  ending?: { code?: number };
  /** The call was handed on by a transfer (a REFER received or sent, or a Replaces). */
  transferred?: boolean;
  /** The peer holds the call (its re-INVITE offered sendonly or inactive); not reported by 1.0.0. */
  remoteHeld?: boolean;
}

/** Registration state of the agent's account. */
export interface RegistrationSnapshot {
  state: "unregistered" | "registering" | "registered" | "failed";
  statusCode?: number;
  reason?: string;
}

/** How a call ended. */
export interface CloseInfo {
  /** baresip's own words, as this version prints them. */
  reason: string;
  /** The SIP status code that ended it, when one did (received, or sent when declining). */
  statusCode?: number;
  /** Why, the same on every baresip version. */
  cause: CallEndCause;
  /** Which side ended it, where that is known. */
  by?: "local" | "remote";
  callId?: string;
  peer?: Peer;
  at: number;
}

/** A call that has ended: how it went and how it ended. */
export interface EndedCall {
  id?: string;
  direction: "incoming" | "outgoing";
  peer: Peer;
  startedAt: number;
  establishedAt?: number;
  /** Seconds from established to close; undefined for a call never established. */
  durationS?: number;
  close: CloseInfo;
}

/** Ended calls kept per agent, newest last. */
export const MAX_ENDED_CALLS = 100;

/** Message-waiting indication (RFC 3842) from the last NOTIFY. */
export interface MessageWaiting {
  waiting: boolean;
  newMessages?: number;
  oldMessages?: number;
  raw: string;
}

/** Everything an agent knows, as one immutable value. */
export interface AgentSnapshot {
  registration: RegistrationSnapshot;
  calls: CallSnapshot[];
  lastClose?: CloseInfo;
  /** The agent's ended calls, oldest first, at most {@link MAX_ENDED_CALLS}. */
  ended: EndedCall[];
  dtmfReceived: string;
  messageWaiting?: MessageWaiting;
  /** Statistics of the last RTCP report of any call. */
  lastRtcp?: RtcpStats;
}

/** The snapshot of a fresh agent. */
export function initialSnapshot(): AgentSnapshot {
  return { registration: { state: "unregistered" }, calls: [], ended: [], dtmfReceived: "" };
}

/** The call verbs act on: the newest one. */
export function currentCall(snapshot: AgentSnapshot): CallSnapshot | undefined {
  return snapshot.calls.at(-1);
}

/** The agent's state: its current call's, or `idle`. */
export function agentCallState(snapshot: AgentSnapshot): CallState {
  return currentCall(snapshot)?.state ?? CallState.Idle;
}

/**
 * Builds a {@link Peer} from a SIP URI and an optional display name.
 *
 * @example
 * ```ts
 * peerFromUri("sip:+4930123@pbx.example.com;user=phone"); // { uri, number: "+4930123" }
 * ```
 */
export function peerFromUri(uri: string, name?: string): Peer {
  const match = /^(?:sips?|tel):([^@;>]+)/.exec(uri.replace(/^<|>$/g, ""));
  return { uri, number: match ? decodeURIComponent(match[1]) : uri, ...(name ? { name } : {}) };
}

/**
 * Reads a SIP status code from the start of a reason (`486 Busy Here`).
 *
 * @example
 * ```ts
 * statusCodeOf("404 Not Found"); // 404
 * statusCodeOf("Connection reset by user"); // undefined
 * ```
 */
export function statusCodeOf(reason: string | undefined): number | undefined {
  const match = /^\s*([1-6]\d\d)\b/.exec(reason ?? "");
  return match ? Number(match[1]) : undefined;
}

/** Records a dial the agent's baresip accepted, before any event names it. */
export function dialStarted(s: AgentSnapshot, peerUri: string, now: number): AgentSnapshot {
  const call: CallSnapshot = {
    direction: "outgoing",
    state: CallState.Calling,
    peer: peerFromUri(peerUri),
    held: false,
    muted: false,
    startedAt: now,
  };
  return { ...s, calls: [...s.calls, call] };
}

/** Forgets a dial baresip refused (the call it recorded never started). */
export function dialFailed(s: AgentSnapshot, peerUri: string): AgentSnapshot {
  const call = s.calls.findLast((c) =>
    c.id === undefined && c.direction === "outgoing" && c.peer.uri === peerUri
  );
  return call ? { ...s, calls: s.calls.filter((c) => c !== call) } : s;
}

/** Applies a change to the current call (hold, resume, mute toggle). */
export function updateCurrentCall(
  s: AgentSnapshot,
  change: Partial<Pick<CallSnapshot, "held" | "muted">>,
): AgentSnapshot {
  const call = currentCall(s);
  return call ? updateCall(s, call, change) : s;
}

/**
 * Applies a change to one call (by identity, as found in `s.calls`).
 *
 * @example
 * ```ts
 * const next = updateCall(s, s.calls[0], { ending: { code: 603 } });
 * ```
 */
export function updateCall(
  s: AgentSnapshot,
  call: CallSnapshot,
  change: Partial<Omit<CallSnapshot, "direction" | "startedAt">>,
): AgentSnapshot {
  if (!s.calls.includes(call)) return s;
  return { ...s, calls: s.calls.map((c) => (c === call ? { ...c, ...change } : c)) };
}

/** Marks the registration as under way (after `register()` was accepted). */
export function registrationStarted(s: AgentSnapshot): AgentSnapshot {
  return { ...s, registration: { state: "registering" } };
}

/** Marks the account as not registered (after `unregister()` was accepted). */
export function registrationStopped(s: AgentSnapshot): AgentSnapshot {
  return { ...s, registration: { state: "unregistered" } };
}

/**
 * Applies one baresip event. Events of unknown types return the same
 * snapshot (callers still see them as raw events).
 */
export function applyEvent(s: AgentSnapshot, e: BaresipEvent, now: number): AgentSnapshot {
  switch (e.type) {
    case "REGISTER_OK":
      return { ...s, registration: { state: "registered", statusCode: 200, reason: e.param } };
    case "REGISTER_FAIL":
      return {
        ...s,
        registration: { state: "failed", statusCode: statusCodeOf(e.param), reason: e.param },
      };
    case "UNREGISTERING":
      return { ...s, registration: { state: "unregistered" } };
    case "MWI_NOTIFY":
      return { ...s, messageWaiting: parseMessageSummary(e.param ?? "") };
    case "CALL_OUTGOING":
      return upsertCall(s, e, now, { state: CallState.Calling });
    case "CALL_INCOMING":
      return upsertCall(s, e, now, { state: CallState.Ringing, direction: "incoming" });
    case "CALL_RINGING":
    case "CALL_PROGRESS":
      return upsertCall(s, e, now, { state: CallState.Ringing });
    case "CALL_ESTABLISHED":
    case "CALL_ANSWERED":
      return upsertCall(s, e, now, { state: CallState.Established, establishedAt: now });
    case "CALL_DTMF_START":
      return e.param ? { ...s, dtmfReceived: s.dtmfReceived + e.param } : s;
    case "CALL_RTCP": {
      if (!e.rtcp) return s;
      const next = { ...s, lastRtcp: e.rtcp };
      const call = findCall(s, e);
      return call
        ? { ...next, calls: s.calls.map((c) => (c === call ? { ...c, rtcp: e.rtcp } : c)) }
        : next;
    }
    case "TRANSFER": {
      // A REFER for this call: the new call replaces it, so its end is the transfer's.
      const call = findCall(s, e);
      return call ? updateCall(s, call, { transferred: true }) : s;
    }
    case "TRANSFER_FAILED": {
      const call = findCall(s, e);
      return call ? updateCall(s, call, { transferred: false }) : s;
    }
    case "CALL_LOCAL_SDP": {
      // Our own offer says whether we hold the call, whoever asked for it
      // (a hold, baresip's auto-hold, an attended transfer): 3.x and later.
      if (e.param !== "offer" || !e.localAudioDir) return s;
      const call = findCall(s, e);
      const held = e.localAudioDir === "sendonly" || e.localAudioDir === "inactive";
      return call && call.state === CallState.Established ? updateCall(s, call, { held }) : s;
    }
    case "CALL_HOLD":
    case "CALL_RESUME": {
      const call = findCall(s, e);
      return call ? updateCall(s, call, { remoteHeld: e.type === "CALL_HOLD" }) : s;
    }
    case "CALL_CLOSED": {
      const call = findCall(s, e);
      const reason = e.param ?? "";
      const { cause, by, statusCode } = classifyClose(reason, {
        direction: call?.direction ?? e.direction ?? "outgoing",
        established: call?.state === CallState.Established,
        ending: call?.ending,
        transferred: call?.transferred ?? false,
      });
      const close: CloseInfo = {
        reason,
        ...(statusCode !== undefined ? { statusCode } : {}),
        cause,
        ...(by ? { by } : {}),
        callId: e.callId ?? call?.id,
        peer: call?.peer ?? (e.peerUri ? peerFromUri(e.peerUri, e.peerDisplayName) : undefined),
        at: now,
      };
      const ended: EndedCall[] = call
        ? [...s.ended, {
          id: close.callId,
          direction: call.direction,
          peer: call.peer,
          startedAt: call.startedAt,
          ...(call.establishedAt !== undefined
            ? { establishedAt: call.establishedAt, durationS: (now - call.establishedAt) / 1000 }
            : {}),
          close,
        }].slice(-MAX_ENDED_CALLS)
        : s.ended;
      return {
        ...s,
        calls: call ? s.calls.filter((c) => c !== call) : s.calls,
        lastClose: close,
        ended,
      };
    }
    default:
      return s;
  }
}

/**
 * Parses an RFC 3842 message summary (`Messages-Waiting: yes`,
 * `Voice-Message: 2/8`).
 */
export function parseMessageSummary(body: string): MessageWaiting {
  const waiting = /messages-waiting\s*:\s*yes/i.test(body);
  const voice = /voice-message\s*:\s*(\d+)\s*\/\s*(\d+)/i.exec(body);
  return {
    waiting,
    ...(voice ? { newMessages: Number(voice[1]), oldMessages: Number(voice[2]) } : {}),
    raw: body,
  };
}

function findCall(s: AgentSnapshot, e: BaresipEvent): CallSnapshot | undefined {
  if (e.callId) {
    const byId = s.calls.find((c) => c.id === e.callId);
    if (byId) return byId;
  }
  // A dial accepted before baresip named the call (1.0.0 names it on 180).
  return s.calls.find((c) =>
    c.id === undefined && c.direction === (e.direction ?? "outgoing") &&
    (!e.peerUri || sameUri(c.peer.uri, e.peerUri))
  ) ?? s.calls.find((c) => c.id === undefined && c.direction === "outgoing");
}

function upsertCall(
  s: AgentSnapshot,
  e: BaresipEvent,
  now: number,
  change: Partial<CallSnapshot> & { state: CallSnapshot["state"] },
): AgentSnapshot {
  const existing = findCall(s, e);
  if (existing) {
    const updated: CallSnapshot = {
      ...existing,
      ...change,
      id: existing.id ?? e.callId,
      peer: e.peerDisplayName && !existing.peer.name
        ? { ...existing.peer, name: e.peerDisplayName }
        : existing.peer,
    };
    if (existing.establishedAt && change.establishedAt) {
      updated.establishedAt = existing.establishedAt;
    }
    return { ...s, calls: s.calls.map((c) => (c === existing ? updated : c)) };
  }
  const call: CallSnapshot = {
    id: e.callId,
    direction: e.direction ?? "outgoing",
    peer: peerFromUri(e.peerUri ?? "", e.peerDisplayName),
    held: false,
    muted: false,
    startedAt: now,
    ...change,
  };
  return { ...s, calls: [...s.calls, call] };
}

function sameUri(a: string, b: string): boolean {
  const norm = (u: string) => u.replace(/^<|>$/g, "").split(";")[0].toLowerCase();
  return norm(a) === norm(b);
}
