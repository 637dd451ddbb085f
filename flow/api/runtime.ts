/**
 * The scenario side of the sandbox: the one object, inside a scenario's
 * Worker, that talks to the runner. It sends calls (`agent()`, verbs,
 * `loadEnv`) and awaits their replies, keeps the agent states the host
 * pushes (so getters are synchronous), wakes `until` on every change,
 * answers `env()` synchronously, forwards assertions and log lines, and
 * owns the running scenario's abort signal (timeout, Ctrl-C).
 *
 * The runtime is found through a registered global symbol rather than a
 * module variable, so a second copy of `@ringo/flow` (another URL of the
 * same files) still finds it; outside `ringo flow run` there is none and
 * every API call says so.
 *
 * @module
 */
import { formatSeconds } from "../duration.ts";
import { askEnv } from "../env_channel.ts";
import {
  CALL_SITE,
  CALL_WHAT,
  FlowError,
  LoadStop,
  ScenarioAbort,
  ScenarioEnded,
  UnawaitedError,
} from "./errors.ts";
import { type AssertionReport, onAssertion } from "../expect.ts";
import type {
  AgentView,
  DeclaredScenario,
  HostMessage,
  HostMethod,
  WorkerMessage,
} from "../protocol.ts";
import type { NetEvent } from "../net/wire.ts";

/** One scenario registered with `scenario()` (or `scenario.each`). */
export interface RegisteredScenario extends DeclaredScenario {
  // deno-lint-ignore no-explicit-any
  body: (context: any) => unknown;
}

/** What a file registered while it was imported. */
export interface Registry {
  /** Every scenario of the file may run beside the others (`concurrent()`). */
  concurrent?: boolean;
  setup?: () => unknown;
  // deno-lint-ignore no-explicit-any
  teardown?: (context: any) => unknown;
  scenarios: RegisteredScenario[];
}

/** Default of `until`'s time limit. */
export const DEFAULT_UNTIL_MS = 10_000;

interface PendingCall {
  resolve(value: unknown): void;
  reject(error: Error): void;
  site: Error;
}

/** An API call or wait of the running scenario that has not settled yet. */
interface Operation {
  /** As the scenario wrote it: `B.accept()`, `until()`. */
  what: string;
  site: Error;
  settled: Promise<unknown>;
}

interface Running {
  id: string;
  controller: AbortController;
  defaultTimeoutMs?: number;
  stray?: unknown;
  /** The body is over and its teardown runs. */
  tearingDown?: boolean;
}

const RUNTIME = Symbol.for("ringo.flow.runtime");

/**
 * The runtime of this Worker; throws a {@link FlowError} outside one.
 *
 * @example
 * ```ts
 * const rt = runtime();
 * rt.log("hello", "info");
 * ```
 */
export function runtime(): Runtime {
  const rt = (globalThis as Record<symbol, unknown>)[RUNTIME];
  if (rt instanceof Object) return rt as Runtime;
  throw new FlowError("@ringo/flow only works inside a scenario run by ringo", {
    hint: "run the file with `ringo flow run <file>` (or `ringo flow check <file>`)",
  });
}

/** Options of {@link Runtime}. */
export interface RuntimeInit {
  mode: "list" | "run";
  /** The scenario module's URL, to find its frames in stack traces. */
  url: string;
  /** The file as reports show it. */
  file: string;
  post(message: WorkerMessage): void;
  envChannel: SharedArrayBuffer;
}

/** See the module documentation. */
export class Runtime {
  readonly mode: "list" | "run";
  readonly url: string;
  readonly file: string;
  readonly registry: Registry = { scenarios: [] };
  /** Agent states by handle, as last pushed by the host. */
  readonly views = new Map<number, AgentView>();
  /** Agent names by handle. */
  readonly names = new Map<number, string>();
  /** Incremented on every pushed change. */
  version = 0;
  /** `until`'s default limit outside scenarios (set by `defaultTimeout` at the top level). */
  fileDefaultTimeoutMs = DEFAULT_UNTIL_MS;
  readonly #post: (message: WorkerMessage) => void;
  readonly #envChannel: SharedArrayBuffer;
  readonly #calls = new Map<number, PendingCall>();
  readonly #changes = new EventTarget();
  /** Receivers of network events by owner, see {@link attachNet}. */
  readonly #net = new Map<string, (event: NetEvent) => void>();
  readonly #captures: AssertionReport[][] = [];
  /** API calls and waits not settled yet, see {@link track} and {@link settle}. */
  readonly #operations = new Set<Operation>();
  #nextCall = 1;
  #running?: Running;
  /** Clears the running scenario's (or its teardown's) timer. */
  #endTimer: () => void = () => {};

  constructor(init: RuntimeInit) {
    this.mode = init.mode;
    this.url = init.url;
    this.file = init.file;
    this.#post = init.post;
    this.#envChannel = init.envChannel;
    onAssertion((report) => this.#onAssertion(report));
  }

  /** Makes this the runtime `runtime()` returns. */
  install(): void {
    (globalThis as Record<symbol, unknown>)[RUNTIME] = this;
  }

  /** The running scenario's id, or undefined between scenarios. */
  get scenarioId(): string | undefined {
    return this.#running?.id;
  }

  /** The running scenario's abort signal (a signal that never aborts between scenarios). */
  get signal(): AbortSignal {
    return this.#running?.controller.signal ?? NEVER;
  }

  /** True while the running scenario's teardown runs. */
  get inTeardown(): boolean {
    return this.#running?.tearingDown === true;
  }

  /** `until`'s default limit right now. */
  get defaultTimeoutMs(): number {
    return this.#running?.defaultTimeoutMs ?? this.fileDefaultTimeoutMs;
  }

  /** Sets `until`'s default: for the running scenario, or for the file at the top level. */
  setDefaultTimeout(ms: number): void {
    if (this.#running) this.#running.defaultTimeoutMs = ms;
    else this.fileDefaultTimeoutMs = ms;
  }

  /** Throws {@link LoadStop} in list mode: `what` needs a running scenario. */
  requireRun(what: string): void {
    if (this.mode === "list") throw new LoadStop();
    if (!this.#running) {
      throw new FlowError(`${what} can only be used while a scenario runs`, {
        hint: "call it inside scenario(), setup() or teardown() — or at the top level of a file " +
          "without scenario() calls",
      });
    }
  }

  /**
   * Starts a scenario: its id tags calls and events; it is aborted with a
   * timeout error after `timeoutMs`.
   */
  begin(id: string, timeoutMs: number): AbortSignal {
    const controller = new AbortController();
    this.#running = { id, controller };
    const timer = setTimeout(() => {
      controller.abort(
        new ScenarioAbort(
          `scenario timed out after ${formatSeconds(timeoutMs)}`,
          "give it more time with --timeout or the scenario's timeout option",
        ),
      );
    }, timeoutMs);
    controller.signal.addEventListener("abort", () => clearTimeout(timer));
    this.#endTimer = () => clearTimeout(timer);
    return controller.signal;
  }

  /** Gives the running scenario's teardown its own signal and time limit. */
  beginTeardown(limitMs: number): AbortSignal {
    const running = this.#running;
    if (!running) return NEVER;
    this.#endTimer();
    const controller = new AbortController();
    running.controller = controller;
    running.tearingDown = true;
    const timer = setTimeout(
      () =>
        controller.abort(new ScenarioAbort(`teardown timed out after ${formatSeconds(limitMs)}`)),
      limitMs,
    );
    this.#endTimer = () => clearTimeout(timer);
    return controller.signal;
  }

  /** Ends the running scenario; returns an error that escaped it unawaited, if any. */
  end(): unknown {
    this.#endTimer();
    this.#operations.clear();
    const stray = this.#running?.stray;
    this.#running = undefined;
    // The scenario's agents are stopped now; the next scenario starts with none.
    this.views.clear();
    this.names.clear();
    // So are its mock servers and sockets.
    this.#net.clear();
    for (const [id, call] of this.#calls) {
      this.#calls.delete(id);
      call.reject(withSite(new ScenarioEnded(), call.site));
    }
    return stray;
  }

  /** Aborts scenario `id` (Ctrl-C). */
  abort(id: string, reason: string): void {
    if (this.#running?.id !== id) return;
    this.#running.controller.abort(new ScenarioAbort(reason));
  }

  /**
   * Records an error nobody awaited (an unhandled rejection) against the
   * running scenario; true when it was dealt with. An API call's error is
   * reported as an {@link UnawaitedError} naming the call and its line.
   */
  recordStray(error: unknown): boolean {
    if (this.mode === "list" && error instanceof LoadStop) return true;
    if (!this.#running) {
      // Calls its scenario left unanswered settle after it ended: nothing to fail.
      return error instanceof ScenarioEnded || error instanceof ScenarioAbort;
    }
    this.#running.stray ??= asUnawaited(error);
    return true;
  }

  /**
   * Keeps `promise` (an API call or a wait, made at `site`) among the
   * running scenario's operations until it settles, so that the scenario
   * cannot end while it runs (see {@link settle}); its error is marked with
   * `what` and the site. Returns a promise of the same outcome.
   */
  track<T>(promise: Promise<T>, what: string, site: Error): Promise<T> {
    const operation: Operation = { what, site, settled: promise };
    this.#operations.add(operation);
    const done = () => this.#operations.delete(operation);
    return promise.then(
      (value) => {
        done();
        return value;
      },
      (error) => {
        done();
        throw markCall(error, what, site);
      },
    );
  }

  /**
   * Waits until every operation the scenario started has settled (or
   * `signal` aborts), so that a verb, `until` or `wait` nothing awaited
   * still decides the scenario: its rejection is an unhandled one, recorded
   * by {@link recordStray} while the scenario still runs. One that succeeds
   * is logged as a warning: it was not awaited.
   */
  async settle(signal: AbortSignal): Promise<void> {
    const warned = new Set<Operation>();
    while (this.#operations.size > 0 && !signal.aborted) {
      const pending = [...this.#operations];
      for (const op of pending) {
        if (warned.has(op)) continue;
        warned.add(op);
        void op.settled.then(() =>
          this.log(
            `${op.what} (${callLine(op.site, this.url, this.file)}) was still running when the ` +
              "scenario ended: it is not awaited; put `await` before it",
            "warn",
          ), () => {});
      }
      await Promise.race([
        Promise.allSettled(pending.map((op) => op.settled)),
        new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true })),
      ]);
    }
    // Unhandled rejections are reported after the task that settled them.
    for (let i = 0; i < 2; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  }

  /**
   * Calls the host and resolves with its answer. The error of a refused call
   * carries the caller's stack, so it points at the scenario line.
   */
  call(method: HostMethod, params: unknown[]): Promise<unknown> {
    const site = new Error();
    const id = this.#running?.id ?? "";
    const signal = this.signal;
    const what = describeCall(method, params, this.names);
    if (signal.aborted) return Promise.reject(markCall(abortError(signal), what, site));
    const callId = this.#nextCall++;
    const answer = new Promise<unknown>((resolve, reject) => {
      const onAbort = () => {
        this.#calls.delete(callId);
        reject(withSite(abortError(signal), site));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#calls.set(callId, {
        resolve: (value) => {
          signal.removeEventListener("abort", onAbort);
          resolve(value);
        },
        reject: (error) => {
          signal.removeEventListener("abort", onAbort);
          reject(error);
        },
        site,
      });
      this.#post({ type: "call", callId, scenarioId: id, method, params });
    });
    // A mock's answer is ringo's own call (the responder is what the scenario wrote).
    return this.#running && method !== "net.mock.reply" ? this.track(answer, what, site) : answer;
  }

  /**
   * Routes the host's network events for `owner` (a key the caller chose and
   * sent with `net.mock.start` / `net.ws.open`) to `receive` until the returned function is called or the scenario
   * ends. Each event also wakes `until`.
   */
  attachNet(owner: string, receive: (event: NetEvent) => void): () => void {
    this.#net.set(owner, receive);
    return () => {
      if (this.#net.get(owner) === receive) this.#net.delete(owner);
    };
  }

  /** Handles a host message meant for the runtime (replies, agent states, network events). */
  receive(message: HostMessage): void {
    if (message.type === "net") {
      const receiver = this.#net.get(message.owner);
      if (!receiver) return;
      receiver(message.event);
      this.version++;
      this.#changes.dispatchEvent(new Event("change"));
      return;
    }
    if (message.type === "agent") {
      // Only agents this scenario knows (`agent()` resolved); the reply carries the latest state.
      if (!this.names.has(message.handle)) return;
      this.views.set(message.handle, message.view);
      this.version++;
      this.#changes.dispatchEvent(new Event("change"));
      return;
    }
    if (message.type !== "reply") return;
    const call = this.#calls.get(message.callId);
    if (!call) return;
    this.#calls.delete(message.callId);
    if (message.ok) {
      call.resolve(message.value);
    } else {
      const error = new FlowError(message.error.message, {
        name: message.error.name,
        hint: message.error.hint,
      });
      call.reject(withSite(error, call.site));
    }
  }

  /**
   * Resolves once an agent state changed after `since` (a {@link version}),
   * or after `ms`; rejects when the scenario is aborted.
   */
  changedSince(since: number, ms: number): Promise<void> {
    const signal = this.signal;
    if (signal.aborted) return Promise.reject(abortError(signal));
    if (this.version > since) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.#changes.removeEventListener("change", onChange);
        signal.removeEventListener("abort", onAbort);
        if (error) reject(error);
        else resolve();
      };
      const onChange = () => done();
      const onAbort = () => done(abortError(signal));
      const timer = setTimeout(() => done(), ms);
      this.#changes.addEventListener("change", onChange);
      signal.addEventListener("abort", onAbort);
    });
  }

  /**
   * Looks a variable up in the layered scenario environment. While a file is
   * only listed an unset variable reads as "", so listing never fails on it.
   */
  env(name: string): string {
    const answer = askEnv(this.#envChannel, () => this.#post({ type: "env", name }));
    if (answer.ok) return answer.value;
    if (this.mode === "list") return "";
    throw new FlowError(answer.message, { name: "EnvError", hint: answer.hint });
  }

  /** Sends a log line of the running scenario. */
  log(message: string, level: "debug" | "info" | "warn" | "error"): void {
    if (this.mode === "list" || !this.#running) return;
    this.#post({ type: "log", scenarioId: this.#running.id, message, level });
  }

  /** Sends a measured value of the running scenario (see `metric()`). */
  metric(name: string, value: number, unit?: string): void {
    if (this.mode === "list" || !this.#running) return;
    this.#post({
      type: "metric",
      scenarioId: this.#running.id,
      name,
      value,
      ...(unit !== undefined ? { unit } : {}),
    });
  }

  /** Registers what a file declares. */
  declare(scenario: RegisteredScenario): void {
    if (this.#running && this.mode === "run") {
      throw new FlowError("scenario() must be called at the top level of a file", {
        hint: "declare every scenario when the file loads, not inside another scenario",
      });
    }
    if (this.registry.scenarios.some((s) => s.name === scenario.name)) {
      throw new FlowError(`two scenarios are named ${JSON.stringify(scenario.name)} in this file`, {
        hint: "give each scenario of a file its own name",
      });
    }
    this.registry.scenarios.push(scenario);
  }

  /**
   * Runs `fn` with the assertions it makes held back instead of reported;
   * returns them with its outcome. `until` reports only its last attempt.
   */
  async captureAssertions<T>(
    fn: () => Promise<T>,
  ): Promise<{ reports: AssertionReport[]; value?: T; error?: unknown; failed: boolean }> {
    const reports: AssertionReport[] = [];
    this.#captures.push(reports);
    try {
      return { reports, value: await fn(), failed: false };
    } catch (error) {
      return { reports, error, failed: true };
    } finally {
      this.#captures.splice(this.#captures.lastIndexOf(reports), 1);
    }
  }

  /** Reports assertions held back by {@link captureAssertions}. */
  reportAssertions(reports: AssertionReport[]): void {
    for (const report of reports) this.#onAssertion(report);
  }

  #onAssertion(report: AssertionReport): void {
    const capture = this.#captures.at(-1);
    if (capture) {
      capture.push(report);
      return;
    }
    if (this.mode === "list" || !this.#running) return;
    this.#post({ type: "assertion", scenarioId: this.#running.id, ...report });
  }
}

const NEVER = new AbortController().signal;

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof ScenarioAbort) return new ScenarioAbort(reason.message, reason.hint);
  return new ScenarioAbort(String(reason ?? "aborted"));
}

/**
 * Tells the report that `error` belongs to the call site `site` (the
 * scenario line that called the API), whatever its own stack says.
 *
 * The site is kept beside the error (see {@link CALL_SITE}) rather than
 * written over its `stack`: Deno replaces an error with a customised stack
 * by a plain `Error` when it ends a module's top-level await, and a plain
 * script would lose the error's name and line.
 */
export function withSite<E extends Error>(error: E, site: Error): E {
  Object.defineProperty(error, CALL_SITE, { value: site.stack ?? "", configurable: true });
  return error;
}

/** Marks `error` as coming from API call `what` at `site`, unless it already names one. */
function markCall(error: unknown, what: string, site: Error): unknown {
  if (!(error instanceof Error)) return error;
  if (!Object.hasOwn(error, CALL_SITE)) withSite(error, site);
  if (!Object.hasOwn(error, CALL_WHAT)) {
    Object.defineProperty(error, CALL_WHAT, { value: what, configurable: true });
  }
  return error;
}

/** An unhandled rejection as the scenario's failure: an API call's names the call. */
function asUnawaited(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof ScenarioAbort) return error;
  const what = (error as { [CALL_WHAT]?: string })[CALL_WHAT];
  if (what === undefined) return error;
  const unawaited = new UnawaitedError(what, error);
  const site = (error as { [CALL_SITE]?: string })[CALL_SITE];
  if (site !== undefined) {
    Object.defineProperty(unawaited, CALL_SITE, { value: site, configurable: true });
  }
  return unawaited;
}

/** How the scenario wrote the call that became `method`: `B.accept()`, `http(GET …)`. */
function describeCall(method: HostMethod, params: unknown[], names: Map<number, string>): string {
  switch (method) {
    case "agent.start":
      return `agent(${JSON.stringify(params[0])})`;
    case "agent.verb":
      return `${names.get(params[0] as number) ?? "agent"}.${String(params[1])}()`;
    case "env.load":
      return `loadEnv(${JSON.stringify(params[0])})`;
    case "net.http": {
      const request = params[0] as { method?: string; url?: string } | undefined;
      return `http(${JSON.stringify(request?.method)}, ${JSON.stringify(request?.url)})`;
    }
    case "net.mock.start":
      return "mockServer()";
    case "net.mock.route":
      return "a mock route (respond()/on()/websocket())";
    case "net.mock.stop":
      return "mock.stop()";
    case "net.ws.open":
      return "websocket()";
    default:
      return method;
  }
}

/** `file:line` of the scenario frame of `site`, or the file. */
function callLine(site: Error, url: string, file: string): string {
  const escaped = url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`${escaped}:(\\d+):\\d+`).exec(site.stack ?? "");
  return match ? `${file}:${match[1]}` : file;
}
