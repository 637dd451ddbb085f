/**
 * What happened to the calls between two agent snapshots — a call
 * appeared, rang, was answered, ended — and how an ended call is told to a
 * user (answered, missed, busy, declined…). Pure functions, so the rules
 * are tested without processes.
 *
 * A call is followed by its key: direction, start time and peer URI, which
 * the engine never changes during a call (its id may arrive later).
 *
 * @module
 */
import type { AgentSnapshot, CallSnapshot, CloseInfo } from "../core/agent_state.ts";
import type { CallOutcome } from "./history.ts";

/** One change to the calls. */
export type CallChange =
  | { kind: "started"; call: CallSnapshot }
  | { kind: "ringing"; call: CallSnapshot }
  | { kind: "established"; call: CallSnapshot }
  | { kind: "held" | "resumed"; call: CallSnapshot }
  | { kind: "ended"; call: CallSnapshot; close?: CloseInfo };

/**
 * The stable key of a call within one agent.
 *
 * @example
 * ```ts
 * callKey({ direction: "outgoing", startedAt: 1700000000000, peer: { uri: "sip:b@x", number: "b" } } as CallSnapshot);
 * // "outgoing:1700000000000:sip:b@x"
 * ```
 */
export function callKey(call: Pick<CallSnapshot, "direction" | "startedAt" | "peer">): string {
  return `${call.direction}:${call.startedAt}:${call.peer.uri}`;
}

/**
 * The changes from `before` to `after`, in the order they happened to each
 * call (a call can start and end within one step).
 *
 * @example
 * ```ts
 * diffCalls(idle, ringing); // [{ kind: "started", call }]
 * ```
 */
export function diffCalls(before: AgentSnapshot, after: AgentSnapshot): CallChange[] {
  const changes: CallChange[] = [];
  const old = new Map(before.calls.map((c) => [callKey(c), c]));
  const closed = after.lastClose && after.lastClose !== before.lastClose
    ? after.lastClose
    : undefined;
  for (const call of after.calls) {
    const previous = old.get(callKey(call));
    if (!previous) {
      changes.push({ kind: "started", call });
      if (call.direction === "outgoing" && call.state === "ringing") {
        changes.push({ kind: "ringing", call });
      }
      if (call.state === "established") changes.push({ kind: "established", call });
      continue;
    }
    if (previous.state !== "ringing" && call.state === "ringing") {
      changes.push({ kind: "ringing", call });
    }
    if (previous.state !== "established" && call.state === "established") {
      changes.push({ kind: "established", call });
    }
    if (!previous.held && call.held) changes.push({ kind: "held", call });
    if (previous.held && !call.held) changes.push({ kind: "resumed", call });
  }
  const now = new Set(after.calls.map(callKey));
  for (const [key, call] of old) {
    if (now.has(key)) continue;
    const close =
      closed && (closed.callId === undefined || call.id === undefined || closed.callId === call.id)
        ? closed
        : undefined;
    changes.push({ kind: "ended", call, ...(close ? { close } : {}) });
  }
  return changes;
}

/** What the session itself did to a call, which the close reason alone does not tell. */
export type LocalAction = "rejected" | "deflected" | "cancelled" | "hung_up";

/**
 * How an ended call is told: answered, or why not — from the engine's end
 * cause where it gave one, else from the status code.
 *
 * @example
 * ```ts
 * callOutcome({ direction: "outgoing", establishedAt: undefined }, { reason: "486 Busy Here", statusCode: 486, cause: "busy" });
 * // "busy"
 * callOutcome({ direction: "incoming", establishedAt: undefined }, { reason: "Request Terminated", cause: "cancel" });
 * // "missed"
 * ```
 */
export function callOutcome(
  call: Pick<CallSnapshot, "direction" | "establishedAt">,
  close: Pick<CloseInfo, "reason" | "statusCode"> & { cause?: CloseInfo["cause"] } | undefined,
  local?: LocalAction,
): CallOutcome {
  if (local === "deflected") return "deflected";
  if (call.establishedAt !== undefined) return "answered";
  if (call.direction === "incoming") return local === "rejected" ? "rejected" : "missed";
  const code = close?.statusCode;
  switch (close?.cause) {
    case "busy":
      return "busy";
    case "rejected":
      return code === 480 || code === 487 ? "no_answer" : "rejected";
    case "timeout":
    case "cancel":
      return "no_answer";
    case "not-found":
    case "error":
    case "rtp-timeout":
      return "failed";
  }
  if (code === 486 || code === 600) return "busy";
  if (code === 603 || code === 403) return "rejected";
  if (code === undefined || code === 487 || code === 408 || code === 480) return "no_answer";
  return "failed";
}

/** Seconds from answer to end (0 for an unanswered call). */
export function talkSeconds(call: Pick<CallSnapshot, "establishedAt">, endedAt: number): number {
  return call.establishedAt === undefined
    ? 0
    : Math.max(0, Math.round((endedAt - call.establishedAt) / 1000));
}
