/**
 * What the scenario API throws: its own errors, and the signals the runner
 * uses to stop a scenario (listing pass, `skip()`, timeout or Ctrl-C).
 *
 * @module
 */

/**
 * Where an error thrown by the API belongs: the stack of the scenario line
 * that made the call (`new Error().stack` there), kept on the error under
 * this key. Reports show these frames instead of the error's own.
 */
export const CALL_SITE: unique symbol = Symbol.for("ringo.flow.callSite");

/**
 * What API call an error came from, as the scenario wrote it (`B.accept()`,
 * `until()`), kept on the error under this key: the report of a rejection
 * nothing awaited names it.
 */
export const CALL_WHAT: unique symbol = Symbol.for("ringo.flow.callWhat");

/** A scenario used the API wrongly, or outside `ringo flow run`. */
export class FlowError extends Error {
  /** How to fix it, when there is a fix. */
  readonly hint?: string;
  constructor(message: string, options: { hint?: string; name?: string } = {}) {
    super(message);
    this.name = options.name ?? "FlowError";
    this.hint = options.hint;
  }
}

/**
 * Thrown by `agent()`, `until()` and `wait()` while a file is only being
 * listed (`ringo flow check`, and the listing pass of a run): a plain
 * script stops there, having shown that it is one scenario.
 */
export class LoadStop extends Error {
  constructor() {
    super("this file is being listed, not run (no agents start in this pass)");
    this.name = "LoadStop";
  }
}

/** Thrown by `skip()`: the scenario ends as skipped. */
export class SkipSignal extends Error {
  readonly reason?: string;
  constructor(reason?: string) {
    super(reason ? `skipped: ${reason}` : "skipped");
    this.name = "SkipSignal";
    this.reason = reason;
  }
}

/** The running scenario was stopped: timed out, or the run was interrupted. */
export class ScenarioAbort extends Error {
  readonly hint?: string;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = "ScenarioAbort";
    this.hint = hint;
  }
}

/**
 * A call to the runner that was still waiting when its scenario ended
 * (`void b.hangup()` as the last line). It fails an awaiting caller; when
 * nobody awaits it, it is dropped, since no scenario is left to fail.
 */
export class ScenarioEnded extends FlowError {
  constructor() {
    super("the scenario ended before this call was answered");
  }
}

/**
 * A call to the API failed and nothing awaited it (`b.accept();` without
 * `await`, a `void until(…)`): it fails the scenario it belongs to, naming
 * the call and the line that made it.
 */
export class UnawaitedError extends FlowError {
  constructor(what: string, cause: Error) {
    super(`${what} failed, and nothing awaited it: ${cause.message}`, {
      name: "UnawaitedError",
      hint: [
        "put `await` before the call, so the scenario waits for it and fails at its line",
        (cause as { hint?: string }).hint,
      ].filter(Boolean).join("; "),
    });
    this.cause = cause;
  }
}
