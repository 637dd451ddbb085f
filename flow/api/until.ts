/**
 * Waiting in scenarios: `until` re-checks a condition whenever an agent's
 * state changes (and on a slow fallback tick, for conditions on anything
 * else); `wait` sleeps but fails as soon as an established call drops.
 *
 * @module
 */
import { formatSeconds, parseDuration } from "../duration.ts";
import { AssertionError } from "../expect.ts";
import type { CallView } from "../protocol.ts";
import type { Duration } from "./agent.ts";
import { LoadStop, ScenarioAbort, SkipSignal } from "./errors.ts";
import { runtime, withSite } from "./runtime.ts";

/** How often `until` re-checks when nothing announced a change. */
const FALLBACK_TICK_MS = 250;

/** `until` gave up before its condition held. */
export class TimeoutError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TimeoutError";
  }
}

/**
 * A call that was established when `wait()` started ended (or its agent's
 * baresip died) before the wait was over.
 */
export class CallDroppedError extends Error {
  /** The agent whose call dropped. */
  readonly agent: string;
  /** How it ended (`bye`, `rtp-timeout`, …), when the engine knows. */
  readonly endCause?: string;
  constructor(message: string, details: { agent: string; endCause?: string }) {
    super(message);
    this.name = "CallDroppedError";
    this.agent = details.agent;
    this.endCause = details.endCause;
  }
}

/**
 * Runs `fn` until it stops throwing (and does not return `false`), and
 * returns its value. It re-runs on
 * every agent state change, and every 250ms in case the condition depends on
 * something else. After `within` (default 10s, see {@link defaultTimeout}) it
 * fails with the last error, e.g.
 * `timed out after 15s: A state: expected established, got ringing`.
 * Only the last attempt's assertions are reported. A predicate written as
 * `() => a.registered` works too: `false` means "not yet".
 *
 * @example
 * ```ts
 * await until(() => expect(b.state).toBe(State.Ringing), "15s");
 * const peer = await until(() => {
 *   expect(b.peer).toBeDefined();
 *   return b.peer!;
 * });
 * ```
 */
export function until<T>(
  fn: () => T | PromiseLike<T>,
  within?: Duration,
): Promise<Awaited<T>> {
  const site = new Error();
  const run = untilHolds(fn, within, site);
  const rt = (globalThis as Record<symbol, unknown>)[Symbol.for("ringo.flow.runtime")];
  return rt ? runtime().track(run, "until()", site) : run;
}

async function untilHolds<T>(
  fn: () => T | PromiseLike<T>,
  within: Duration | undefined,
  site: Error,
): Promise<Awaited<T>> {
  const rt = runtime();
  if (typeof fn !== "function") {
    throw new TypeError(`until() needs a function to re-run, got ${typeof fn}`);
  }
  const limitMs = within === undefined ? rt.defaultTimeoutMs : parseDuration(within);
  rt.requireRun("until()");
  const deadline = Date.now() + limitMs;
  for (;;) {
    const version = rt.version;
    const attempt = await rt.captureAssertions(async () => {
      const value = await fn();
      if (value === false) throw new NotYet();
      return value;
    });
    if (!attempt.failed) {
      rt.reportAssertions(attempt.reports);
      return attempt.value as Awaited<T>;
    }
    const error = attempt.error;
    if (
      error instanceof LoadStop || error instanceof SkipSignal || error instanceof ScenarioAbort
    ) {
      throw error;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      rt.reportAssertions(attempt.reports);
      throw withSite(
        new TimeoutError(`timed out after ${formatSeconds(limitMs)}: ${describe(error)}`, {
          cause: error,
        }),
        site,
      );
    }
    try {
      await rt.changedSince(version, Math.min(remaining, FALLBACK_TICK_MS));
    } catch (abort) {
      throw withSite(abort as Error, site);
    }
  }
}

/**
 * Waits `duration`. Calls that are established when it starts must stay so:
 * if one ends (or its agent's process dies) meanwhile, `wait` fails at once
 * naming the agent and the reason.
 *
 * @example
 * ```ts
 * await wait("3s"); // the call must hold for 3 seconds
 * ```
 */
export function wait(duration: Duration): Promise<void> {
  const site = new Error();
  const run = waitWatching(duration, site);
  const rt = (globalThis as Record<symbol, unknown>)[Symbol.for("ringo.flow.runtime")];
  return rt ? runtime().track(run, "wait()", site) : run;
}

async function waitWatching(duration: Duration, site: Error): Promise<void> {
  const rt = runtime();
  const ms = parseDuration(duration);
  rt.requireRun("wait()");
  const watched = [...rt.views].flatMap(([handle, view]) =>
    view.calls.filter((c) => c.state === "established").map((call) => ({ handle, call }))
  );
  const started = Date.now();
  const deadline = started + ms;
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return;
    const version = rt.version;
    try {
      await rt.changedSince(version, remaining);
    } catch (abort) {
      throw withSite(abort as Error, site);
    }
    for (const { handle, call } of watched) {
      const view = rt.views.get(handle);
      const still = view?.alive === true &&
        view.calls.some((c) => sameCall(c, call) && c.state === "established");
      if (still) continue;
      // A call handed on by a transfer did not drop: its successor carries on.
      const ended = view?.alive === true && view.ended.findLast((c) => sameCall(c, call));
      if (ended && ended.close.cause === "transfer") continue;
      const name = rt.names.get(handle) ?? `agent ${handle}`;
      const close = view?.alive === true
        ? (ended || undefined)?.close ?? view.lastClose
        : undefined;
      const why = view?.alive === false
        ? "its baresip process ended"
        : close
        ? `${close.cause}${close.by ? ` by the ${close.by} side` : ""}: ${close.reason}`
        : "the call ended";
      throw withSite(
        new CallDroppedError(
          `the call of ${name} with ${call.peer.uri} dropped during wait(${
            JSON.stringify(duration)
          }) after ${formatSeconds(Date.now() - started)} (${why})`,
          { agent: name, ...(close ? { endCause: close.cause } : {}) },
        ),
        site,
      );
    }
  }
}

/**
 * Sets `until`'s default time limit: for the whole file when called at the
 * top level, else for the rest of the running scenario.
 *
 * @example
 * ```ts
 * defaultTimeout("30s");
 * ```
 */
export function defaultTimeout(duration: Duration): void {
  runtime().setDefaultTimeout(parseDuration(duration));
}

/** A predicate returned `false`. */
class NotYet extends Error {
  constructor() {
    super("the condition stayed false");
    this.name = "NotYet";
  }
}

function sameCall(
  a: Pick<CallView, "id" | "direction" | "peer" | "startedAt">,
  b: CallView,
): boolean {
  if (a.id !== undefined && b.id !== undefined) return a.id === b.id;
  return a.direction === b.direction && a.peer.uri === b.peer.uri && a.startedAt === b.startedAt;
}

function describe(error: unknown): string {
  if (error instanceof AssertionError || error instanceof NotYet) return error.message;
  if (error instanceof Error) {
    return error.name === "Error" || error.name === "FlowError"
      ? error.message
      : `${error.name}: ${error.message}`;
  }
  return String(error);
}
