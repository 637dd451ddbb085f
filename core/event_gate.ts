/**
 * Keeps an agent's events in step with its SIP trace. baresip writes the
 * trace to stdout and its events to ctrl_tcp; both are written in that
 * order, but ringo reads two streams, so an incoming call's event can be
 * read before the INVITE's trace. Since ctrl_tcp answers without the 40 ms
 * delayed ACK (`libc_socket.ts`) that happens on most calls. The gate holds
 * a `CALL_INCOMING` (and every event behind it, to keep their order) until
 * the call's INVITE is traced, so that whoever sees the call ring can read
 * its headers; a bounded wait, in case the trace never shows it.
 *
 * @module
 */
import type { BaresipEvent } from "./frames.ts";

/** How long an incoming call's event waits for its INVITE in the trace, at most. */
export const MAX_TRACE_WAIT_MS = 500;

/** Delivers events in their order, each incoming call's once its INVITE is traced. */
export class EventGate {
  readonly #queue: BaresipEvent[] = [];
  readonly #deliver: (event: BaresipEvent) => void;
  readonly #traced: (callId: string) => boolean;
  readonly #maxWaitMs: number;
  #timer?: ReturnType<typeof setTimeout>;

  /**
   * @param deliver receives each event, in order
   * @param traced whether the INVITE of call `callId` is in the trace yet
   *
   * @example
   * ```ts
   * const gate = new EventGate((e) => apply(e), (id) => invites.has(id));
   * gate.push(event);      // from ctrl_tcp
   * gate.traceAdvanced();  // after each traced SIP message
   * ```
   */
  constructor(
    deliver: (event: BaresipEvent) => void,
    traced: (callId: string) => boolean,
    maxWaitMs = MAX_TRACE_WAIT_MS,
  ) {
    this.#deliver = deliver;
    this.#traced = traced;
    this.#maxWaitMs = maxWaitMs;
  }

  /** Takes an event read from baresip. */
  push(event: BaresipEvent): void {
    this.#queue.push(event);
    this.#drain(false);
  }

  /** Call after a SIP message was traced: a held event may go now. */
  traceAdvanced(): void {
    if (this.#queue.length > 0) this.#drain(false);
  }

  /** Delivers everything still held (the agent's process ended). */
  flush(): void {
    this.#clearTimer();
    while (this.#queue.length > 0) this.#deliver(this.#queue.shift()!);
  }

  #drain(releaseHead: boolean): void {
    while (this.#queue.length > 0) {
      const head = this.#queue[0];
      if (!releaseHead && this.#waitsForTrace(head)) {
        if (this.#timer === undefined) {
          const timer = setTimeout(() => {
            this.#timer = undefined;
            this.#drain(true);
          }, this.#maxWaitMs);
          Deno.unrefTimer(Number(timer));
          this.#timer = timer;
        }
        return;
      }
      releaseHead = false;
      this.#clearTimer();
      this.#queue.shift();
      this.#deliver(head);
    }
  }

  #waitsForTrace(event: BaresipEvent): boolean {
    return event.type === "CALL_INCOMING" && !!event.callId && !this.#traced(event.callId);
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
