/**
 * The events of a phone session, as `ringo control … events` streams them
 * (one JSON object per line) and the TUI draws them: plain data, each with
 * its type, the time (ISO 8601) and the profile.
 *
 * @module
 */

/** The kinds of session event. */
export const SESSION_EVENT_TYPES = [
  "registering",
  "registered",
  "registration_failed",
  "unregistered",
  "call_incoming",
  "call_outgoing",
  "call_ringing",
  "call_established",
  "call_held",
  "call_resumed",
  "call_ended",
  "call_deflected",
  "dtmf_received",
  "message_received",
  "message_sent",
  "voicemail",
  "log",
  "shutdown",
] as const;
/** One of {@link SESSION_EVENT_TYPES}. */
export type SessionEventType = typeof SESSION_EVENT_TYPES[number];

/** One session event. */
export interface SessionEvent {
  type: SessionEventType;
  /** When it happened, ISO 8601. */
  time: string;
  profile: string;
  /** The event's own fields (call, peer, reason, …), snake_case as in `status --json`. */
  [field: string]: unknown;
}

/**
 * Makes an event.
 *
 * @example
 * ```ts
 * sessionEvent("registered", "work", { aor: "sip:alice@pbx" });
 * // { type: "registered", time: "2025-…Z", profile: "work", aor: "sip:alice@pbx" }
 * ```
 */
export function sessionEvent(
  type: SessionEventType,
  profile: string,
  fields: Record<string, unknown> = {},
  now = Date.now(),
): SessionEvent {
  return { type, time: new Date(now).toISOString(), profile, ...fields };
}
