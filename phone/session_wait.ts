/**
 * `wait <registered|ringing|established|idle>`: resolves when the session
 * gets there, woken by the session's `change` events (never by polling),
 * and fails with a sentence when it cannot any more — the session stops,
 * registration fails, or the call waited on ends first.
 *
 * @module
 */
import type { AgentSnapshot } from "../core/agent_state.ts";
import { SessionError } from "./errors.ts";

/** The conditions `wait` can wait for. */
export const WAIT_CONDITIONS = ["registered", "ringing", "established", "idle"] as const;
/** One of {@link WAIT_CONDITIONS}. */
export type WaitCondition = typeof WAIT_CONDITIONS[number];

/** What {@link waitForCondition} watches. */
export interface WaitSource<T> {
  /** Dispatches `change` whenever the snapshot may have changed. */
  changes: EventTarget;
  snapshot(): AgentSnapshot;
  stopping(): boolean;
  /** An error when the call waited on ended just before the wait began. */
  endedJustBefore(): SessionError | undefined;
  /** What the wait resolves with. */
  status(): T;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** True when `condition` holds in `s`. */
export function conditionHolds(condition: WaitCondition, s: AgentSnapshot): boolean {
  switch (condition) {
    case "registered":
      return s.registration.state === "registered";
    case "ringing":
      return s.calls.some((c) => c.state === "ringing");
    case "established":
      return s.calls.some((c) => c.state === "established");
    case "idle":
      return s.calls.length === 0;
  }
}

/**
 * Resolves with `source.status()` once `condition` holds (at once when it
 * does already); rejects with a {@link SessionError} otherwise.
 */
export function waitForCondition<T>(condition: WaitCondition, source: WaitSource<T>): Promise<T> {
  if (conditionHolds(condition, source.snapshot())) return Promise.resolve(source.status());
  if (source.stopping()) return Promise.reject(new SessionError("the session is stopping"));
  const early = source.endedJustBefore();
  if (early) return Promise.reject(early);
  const timeoutMs = source.timeoutMs ?? 30_000;
  const closeBefore = source.snapshot().lastClose;
  return new Promise((resolve, reject) => {
    const finish = (error?: Error) => {
      clearTimeout(timer);
      source.changes.removeEventListener("change", onChange);
      source.signal?.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve(source.status());
    };
    const onChange = () => {
      const s = source.snapshot();
      if (conditionHolds(condition, s)) return finish();
      if (source.stopping()) {
        return finish(new SessionError(`the session stopped while waiting for ${condition}`));
      }
      if (condition === "registered" && s.registration.state === "failed") {
        return finish(
          new SessionError(
            `registration failed while waiting for it: ${
              s.registration.reason ?? "no reason given"
            }`,
          ),
        );
      }
      if ((condition === "ringing" || condition === "established") && s.calls.length === 0) {
        const close = s.lastClose;
        if (close && close !== closeBefore) {
          finish(
            new SessionError(
              `the call ended before it was ${condition}: ${close.reason || "no reason given"}`,
            ),
          );
        }
      }
    };
    const onAbort = () => finish(new SessionError(`stopped waiting for ${condition}`));
    const timer = setTimeout(
      () =>
        finish(
          new SessionError(
            `timed out after ${timeoutMs / 1000} s waiting for ${condition} (${
              describeState(source.snapshot())
            })`,
          ),
        ),
      timeoutMs,
    );
    source.changes.addEventListener("change", onChange);
    source.signal?.addEventListener("abort", onAbort);
  });
}

/** `registration: registered; outgoing established held` for timeout messages. */
export function describeState(s: AgentSnapshot): string {
  const calls =
    s.calls.map((c) => `${c.direction} ${c.state}${c.held ? " held" : ""}`).join(", ") ||
    "no calls";
  return `registration: ${s.registration.state}; ${calls}`;
}
