/**
 * The runner's handle on one scenario file's Worker: starts it with the
 * sandbox permissions, answers its calls (agents, env), forwards its
 * assertions and log lines, runs its scenarios one at a time with a
 * timeout backstop, and always stops the agents a scenario started.
 *
 * @module
 */
import { dirname, isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { AgentError, type SipMessage } from "../../core/mod.ts";
import { answerEnv, createEnvChannel } from "../env_channel.ts";
import { EnvError, type ScenarioEnv } from "../env.ts";
import { formatSeconds } from "../duration.ts";
import {
  type DeclaredScenario,
  type HostMessage,
  implicitScenarioName,
  TEARDOWN_LIMIT_MS,
  type WireError,
  type WireFailure,
  type WorkerMessage,
} from "../protocol.ts";
import { NetRegistry } from "../net/registry.ts";
import type { AgentReport } from "../report/events.ts";
import { AgentPool } from "./agents.ts";
import { importPolicy } from "./imports.ts";
import { ForgedMessage, parseWorkerMessage } from "./messages.ts";
import { outputSegments } from "../output_paths.ts";
import {
  isReadable,
  readablePaths,
  RINGO_SANDBOX_MODULES,
  type SandboxGrants,
  workerPermissions,
} from "./permissions.ts";

/** What loading a file in the Worker gave. */
export type LoadResult =
  | { kind: "listed"; plain: boolean; scenarios: DeclaredScenario[] }
  | { kind: "ready"; scenarios: DeclaredScenario[] }
  | { kind: "done"; outcome: ScenarioOutcome }
  | { kind: "load-error"; failure: WireFailure };

/** How one scenario ended, with its agents' logs. */
export interface ScenarioOutcome {
  status: "passed" | "failed" | "skipped" | "interrupted";
  failure?: WireFailure;
  reason?: string;
  logs: Record<string, string>;
  /** The agents' SIP messages by agent name (with `keepSip`). */
  sip?: Record<string, SipMessage[]>;
  /** How the scenario's agents ended up (absent when it started none). */
  agents?: AgentReport[];
}

/** Assertions and log lines of running scenarios. */
export type ScenarioMessage = Extract<WorkerMessage, { type: "assertion" | "log" | "metric" }>;

/** Options of {@link ScenarioWorker.open}. */
export interface ScenarioWorkerOptions {
  /** Absolute path of the scenario file. */
  path: string;
  /** The file as reports show it. */
  file: string;
  /** The folder the scenario may read besides its own (see ScenarioFile.root). */
  root?: string;
  mode: "list" | "run";
  /** Run mode, plain script: the import is scenario `id`. */
  implicit?: { id: string; timeoutMs: number };
  grants: SandboxGrants;
  env: ScenarioEnv;
  /** Receives assertions and log lines. */
  onMessage?(message: ScenarioMessage): void;
  /** `--save-audio` folder. */
  saveAudioDir?: string;
  /** Return each scenario's SIP messages with its outcome (`--pcap`). */
  keepSip?: boolean;
  /** Report each agent's figures as `metric` messages (`--metrics`). */
  metrics?: boolean;
  /** Longest wait for the file's top-level code to finish in the Worker (`--timeout`); default 30 s. */
  loadTimeoutMs?: number;
  /**
   * Heap limit of the scenario thread in MiB (`--memory-limit`); default
   * {@link DEFAULT_MEMORY_LIMIT_MB}; 0 for none (`--memory-limit none`).
   * Applies when ringo's modules are files (not when ringo runs from a URL).
   * The limited thread takes about half a second longer to start: Deno
   * starts a node:worker_threads thread slowly from inside a Worker.
   */
  memoryLimitMb?: number;
}

/** Default heap limit of a scenario file's thread, in MiB. */
export const DEFAULT_MEMORY_LIMIT_MB = 512;

/**
 * Extra time a Worker gets past its timeout (or its teardown's) to answer.
 * The worker enforces both limits itself; a worker that misses them is
 * stuck in a loop that never yields, and is terminated.
 */
const BACKSTOP_GRACE_MS = 2_000;
/** After an interrupt, how long teardown may run before the Worker is terminated. */
const INTERRUPT_GRACE_MS = 3_000;

const WORKER_URL = new URL("./worker.ts", import.meta.url);
const RELAY_URL = new URL("./relay.ts", import.meta.url);
/** ringo's own module folder: what `@ringo/flow` resolves to. */
const RINGO_FLOW_URL = new URL("../", import.meta.url).href;

/** See the module documentation. */
export class ScenarioWorker {
  /** Settles once the file is loaded (or failed to load, or — plain script in run mode — ran). */
  readonly loaded: Promise<LoadResult>;
  readonly #options: ScenarioWorkerOptions;
  readonly #worker: Worker;
  readonly #envChannel = createEnvChannel();
  readonly #pool: AgentPool;
  /** HTTP requests, mock servers and WebSockets of the scenarios (flow/net/). */
  readonly #net: NetRegistry;
  readonly #readable: string[];
  readonly #runs = new Map<string, (done: Extract<WorkerMessage, { type: "done" }>) => void>();
  /** Re-arms a running scenario's backstop when its teardown starts (once). */
  readonly #teardowns = new Map<string, () => void>();
  /** Scenario names by id, for `--save-audio` folder names. */
  readonly #names = new Map<string, string>();
  #resolveLoaded!: (result: LoadResult) => void;
  #terminated = false;
  #crash?: string;

  get #memoryLimitMb(): number {
    return this.#options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
  }

  private constructor(options: ScenarioWorkerOptions) {
    this.#options = options;
    const dirs = [...new Set([dirname(options.path), options.root ?? dirname(options.path)])];
    this.#readable = readablePaths(dirs, options.grants).map((p) => resolve(p));
    this.loaded = new Promise((r) => (this.#resolveLoaded = r));
    this.#pool = new AgentPool({
      push: (handle, view) => this.#post({ type: "agent", handle, view }),
      saveAudioDir: options.saveAudioDir,
      keepSip: options.keepSip,
      resolveReadable: (path) => this.#resolveReadable(path, "file"),
      onAgentEvent: (scenarioId, agent, { message, level }) =>
        this.#options.onMessage?.({ type: "log", scenarioId, agent, message, level }),
      metrics: options.metrics,
      onMetric: (scenarioId, agent, metric) =>
        this.#options.onMessage?.({ type: "metric", scenarioId, agent, ...metric }),
    });
    this.#net = new NetRegistry({
      push: (owner, event) => this.#post({ type: "net", owner, event }),
      log: (scenarioId, message, level) =>
        this.#options.onMessage?.({ type: "log", scenarioId, message, level }),
    });
    // The heap limit needs the relay (relay.ts), which starts worker.ts as a
    // node:worker_threads thread: that needs file URLs, and read access to them.
    const limited = WORKER_URL.protocol === "file:" && options.memoryLimitMb !== 0;
    const moduleDirs = limited ? RINGO_SANDBOX_MODULES : [];
    this.#worker = new Worker(limited ? RELAY_URL : WORKER_URL, {
      type: "module",
      name: `ringo flow: ${options.file}`,
      deno: { permissions: workerPermissions(dirs, options.grants, moduleDirs) },
    });
    if (limited) {
      this.#worker.postMessage({
        type: "relay",
        heapMb: this.#memoryLimitMb,
      });
    }
    this.#worker.onmessage = (e: MessageEvent<unknown>) => this.#receive(e.data);
    this.#worker.onerror = (e) => {
      e.preventDefault();
      this.#onCrash(e.message ?? "the scenario worker failed");
    };
    this.#worker.onmessageerror = () => this.#onCrash("a message from the scenario was unreadable");
  }

  /** Starts the Worker and sends it the file to load. */
  static open(options: ScenarioWorkerOptions): ScenarioWorker {
    const worker = new ScenarioWorker(options);
    const url = pathToFileURL(options.path).href;
    worker.#post({
      type: "init",
      url,
      file: options.file,
      mode: options.mode,
      ...(options.implicit ? { implicit: options.implicit } : {}),
      imports: importPolicy(options.grants.allowImport, [RINGO_FLOW_URL]),
      envChannel: worker.#envChannel,
    });
    if (options.implicit) worker.#watchImplicit(options.implicit);
    else worker.#watchLoad(options.loadTimeoutMs ?? 30_000);
    return worker;
  }

  /** False once the Worker was terminated (or crashed): open a new one for further scenarios. */
  get usable(): boolean {
    return !this.#terminated;
  }

  /**
   * Runs declared scenario `index` as `id`. Resolves when it ended; if it
   * does not answer within its timeout plus a grace period, the Worker is
   * terminated and the scenario fails.
   */
  async run(
    id: string,
    scenario: { index: number; name: string; timeoutMs: number },
    signal?: AbortSignal,
  ): Promise<ScenarioOutcome> {
    const { index, name, timeoutMs } = scenario;
    this.#names.set(id, name);
    if (this.#terminated) {
      return this.#finish(id, {
        status: "failed",
        failure: { message: this.#crash ?? "the scenario worker is gone" },
      });
    }
    const done = this.#awaitDone(id);
    this.#post({ type: "run", id, index, timeoutMs });
    return await this.#settle(id, done, timeoutMs, signal);
  }

  /** Waits for the plain script started with `implicit` to finish (see {@link open}). */
  async runImplicit(signal?: AbortSignal): Promise<ScenarioOutcome> {
    const implicit = this.#options.implicit!;
    const done = this.#implicitDone!;
    return await this.#settle(implicit.id, done, implicit.timeoutMs, signal);
  }

  /** Stops every agent and terminates the Worker. */
  async close(): Promise<void> {
    this.#terminate();
    await Promise.all([this.#pool.releaseAll(), this.#net.releaseAll()]);
  }

  #implicitDone?: Promise<Extract<WorkerMessage, { type: "done" }> | LoadResult>;

  #watchImplicit(implicit: { id: string }): void {
    const done = this.#awaitDone(implicit.id);
    this.#implicitDone = Promise.race([done, this.loaded]);
  }

  #watchLoad(timeoutMs: number): void {
    const timer = setTimeout(() => {
      this.#resolveLoaded({
        kind: "load-error",
        failure: {
          message: `its top-level code did not finish within ${formatSeconds(timeoutMs)} ` +
            "(--timeout), and was stopped: a loop that never ends, or a wait for something " +
            "other than agents",
          location: { file: this.#options.file, line: 1 },
        },
      });
      this.#terminate();
    }, timeoutMs);
    this.loaded.finally(() => clearTimeout(timer));
  }

  /** Waits for `done` (or a crash, or the backstop, or an interrupt) and releases the agents. */
  async #settle(
    id: string,
    done: Promise<Extract<WorkerMessage, { type: "done" }> | LoadResult>,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<ScenarioOutcome> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    // The host's own limits: the body's timeout, then the teardown's, never
    // more in all — whatever the Worker says (it may only say "teardown" once).
    const started = performance.now();
    const hardLimitMs = timeoutMs + TEARDOWN_LIMIT_MS + 2 * BACKSTOP_GRACE_MS;
    const backstop = new Promise<"backstop">((r) => {
      const arm = (ms: number) => {
        clearTimeout(timer);
        timer = setTimeout(() => r("backstop"), ms);
      };
      arm(timeoutMs + BACKSTOP_GRACE_MS);
      this.#teardowns.set(id, () => {
        this.#teardowns.delete(id);
        const left = hardLimitMs - (performance.now() - started);
        arm(Math.min(TEARDOWN_LIMIT_MS + BACKSTOP_GRACE_MS, Math.max(0, left)));
      });
    });
    const interrupted = new Promise<"interrupted">((r) => {
      onAbort = () => r("interrupted");
      if (signal?.aborted) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
    });
    try {
      const first = await Promise.race([done, backstop, interrupted]);
      if (first === "interrupted") {
        this.#post({ type: "abort", id, reason: "interrupted" });
        const grace = new Promise<"gone">((r) => setTimeout(() => r("gone"), INTERRUPT_GRACE_MS));
        await Promise.race([done, grace]);
        this.#terminate();
        return await this.#finish(id, { status: "interrupted" });
      }
      if (first === "backstop") {
        this.#terminate();
        return await this.#finish(id, {
          status: "failed",
          failure: {
            message: `scenario timed out after ${formatSeconds(timeoutMs)} and did not stop: ` +
              "a loop that never awaits, or it reached its memory limit " +
              `(${this.#memoryLimitMb} MiB, --memory-limit); its worker was terminated`,
          },
        });
      }
      if ("kind" in first) {
        // The file failed to load (or the worker crashed) instead of finishing the scenario.
        const failure = first.kind === "load-error"
          ? first.failure
          : { message: this.#crash ?? "the scenario worker stopped" };
        return await this.#finish(id, { status: "failed", failure });
      }
      return await this.#finish(id, {
        status: first.status,
        ...(first.failure ? { failure: first.failure } : {}),
        ...(first.reason !== undefined ? { reason: first.reason } : {}),
      });
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener("abort", onAbort);
      this.#runs.delete(id);
      this.#teardowns.delete(id);
      this.#names.delete(id);
    }
  }

  async #finish(id: string, outcome: Omit<ScenarioOutcome, "logs">): Promise<ScenarioOutcome> {
    const [logs] = await Promise.all([this.#pool.release(id), this.#net.release(id)]);
    const sip = this.#pool.takeSipMessages(id);
    const agents = this.#pool.takeReports(id);
    return { ...outcome, logs, ...(sip ? { sip } : {}), ...(agents ? { agents } : {}) };
  }

  #awaitDone(id: string): Promise<Extract<WorkerMessage, { type: "done" }>> {
    return new Promise((resolve) => this.#runs.set(id, resolve));
  }

  /** Checks a Worker's message (see messages.ts) before acting on it. */
  #receive(data: unknown): void {
    if (this.#terminated) return;
    let message: WorkerMessage;
    try {
      message = parseWorkerMessage(data);
    } catch (error) {
      if (!(error instanceof ForgedMessage)) throw error;
      this.#onCrash(
        `the scenario sent ${error.message}, which ringo does not accept; its worker was stopped`,
      );
      return;
    }
    this.#onMessage(message);
  }

  #onMessage(message: WorkerMessage): void {
    switch (message.type) {
      case "env":
        this.#answerEnv(message.name);
        return;
      case "call":
        void this.#answerCall(message);
        return;
      case "assertion":
      case "log":
      case "metric":
        this.#options.onMessage?.(message);
        return;
      case "listed":
        this.#resolveLoaded({ kind: "listed", plain: message.plain, scenarios: message.scenarios });
        return;
      case "ready":
        this.#resolveLoaded({ kind: "ready", scenarios: message.scenarios });
        return;
      case "load-error":
        this.#resolveLoaded({ kind: "load-error", failure: message.failure });
        return;
      case "done":
        this.#runs.get(message.id)?.(message);
        return;
      case "teardown":
        this.#teardowns.get(message.id)?.();
        return;
      case "exited":
        this.#onCrash(
          message.reason === "memory"
            ? `the scenario file ${
              message.message.replace(/^it /, "")
            } and was stopped; raise it with --memory-limit`
            : message.reason === "exit"
            ? "the scenario's thread exited (close(), Deno.exit() or process.exit()) before it finished"
            : `the scenario's thread died: ${message.message}`,
        );
        return;
    }
  }

  #answerEnv(name: string): void {
    try {
      answerEnv(this.#envChannel, { ok: true, value: this.#options.env.get(name) });
    } catch (error) {
      const e = error as EnvError;
      answerEnv(this.#envChannel, { ok: false, name, message: e.message, hint: e.hint });
    }
  }

  async #answerCall(message: Extract<WorkerMessage, { type: "call" }>): Promise<void> {
    const { callId, scenarioId, method, params } = message;
    try {
      const value = await this.#perform(scenarioId, method, params);
      this.#post({ type: "reply", callId, ok: true, value });
    } catch (error) {
      this.#post({ type: "reply", callId, ok: false, error: wireError(error) });
    }
  }

  async #perform(scenarioId: string, method: string, params: unknown[]): Promise<unknown> {
    if (NetRegistry.handles(method)) return await this.#net.perform(scenarioId, method, params);
    switch (method) {
      case "agent.start": {
        if (!this.#runs.has(scenarioId)) throw new Error("no scenario is running");
        const [name, config] = params as [string, Record<string, unknown> | null];
        const scenario = this.#names.get(scenarioId) ?? implicitScenarioName(this.#options.file);
        return await this.#pool.start(
          scenarioId,
          name,
          config,
          outputSegments(this.#options.file, scenario),
        );
      }
      case "agent.verb": {
        const [handle, verb, args] = params as [number, string, unknown[]];
        return await this.#pool.verb(scenarioId, handle, verb, args);
      }
      case "env.load":
        return await this.#loadEnv(String(params[0]));
      default:
        throw new Error(`unknown call ${method}`);
    }
  }

  /** `loadEnv(path)`, allowed for files the scenario itself may read. */
  async #loadEnv(path: string): Promise<void> {
    const full = isAbsolute(path) ? path : resolve(dirname(this.#options.path), path);
    if (!isReadable(full, this.#readable)) {
      throw new EnvError(
        `loadEnv(${JSON.stringify(path)}): a scenario may only read its own folder`,
        { hint: `grant more with \`ringo flow run --allow-read=${full}\`` },
      );
    }
    await this.#options.env.loadEnv(full);
  }

  /** A path a scenario gave (relative to its file), checked against what it may read. */
  #resolveReadable(path: string, verb: string): string {
    const full = isAbsolute(path) ? path : resolve(dirname(this.#options.path), path);
    if (!isReadable(full, this.#readable)) {
      throw new AgentError(
        `${verb}(${JSON.stringify(path)}): a scenario may only read its own folder`,
        { hint: `grant more with \`ringo flow run --allow-read=${full}\`` },
      );
    }
    return full;
  }

  #post(message: HostMessage): void {
    if (this.#terminated) return;
    this.#worker.postMessage(message);
  }

  #onCrash(message: string): void {
    this.#crash = message;
    this.#terminate();
    this.#resolveLoaded({
      kind: "load-error",
      failure: { message, location: { file: this.#options.file, line: 1 } },
    });
  }

  #terminate(): void {
    if (this.#terminated) return;
    this.#terminated = true;
    this.#worker.terminate();
    const message = this.#crash ?? "the scenario worker was terminated";
    for (const resolveRun of this.#runs.values()) {
      resolveRun({ type: "done", id: "", status: "failed", failure: { message } });
    }
  }
}

function wireError(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const hint = (error as { hint?: unknown }).hint;
  return {
    name: error.name,
    message: error.message,
    ...(typeof hint === "string" ? { hint } : {}),
  };
}
