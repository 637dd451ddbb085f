/**
 * The entry of a scenario file's Worker. It installs the runtime, imports
 * the scenario file (which registers scenarios, or — for a plain script —
 * is the scenario), then runs the scenarios the host asks for, one at a
 * time: setup, body, teardown, each under the scenario's abort signal.
 *
 * @module
 */
// Runs as a node:worker_threads thread under a heap limit (see relay.ts), or
// as a plain Worker: both have postMessage and message events on globalThis.
// Loaded here, before any scenario, so that a scenario's `import … from "@ringo/flow"`
// finds the API already loaded: modules a dynamic import loads anew need read
// access, which the sandbox grants only for the scenario's own folder.
import "../api/mod.ts";
import { LoadStop, ScenarioAbort, SkipSignal } from "../api/errors.ts";
import { Runtime } from "../api/runtime.ts";
import {
  type DeclaredScenario,
  type HostMessage,
  TEARDOWN_LIMIT_MS,
  type WorkerMessage,
} from "../protocol.ts";
import { describeFailure, describeLoadError, isLoadError } from "./failure.ts";
import { installImportGuard } from "./imports.ts";
import { lockDown } from "./lockdown.ts";

/** After an abort, how long to wait for the body to settle (so its error gives the line). */
const SETTLE_MS = 100;

let rt: Runtime | undefined;

interface Scope {
  postMessage(message: unknown): void;
  addEventListener(type: string, listener: (event: Event) => void): void;
}
const scope = globalThis as unknown as Scope;
// Kept here, then taken from the scenario (see hidePostMessage): only the runtime posts.
const postMessage = scope.postMessage.bind(scope);
const post = (message: WorkerMessage) => postMessage(message);

scope.addEventListener("message", (e) => onHostMessage(e as MessageEvent<HostMessage>));

function onHostMessage(event: MessageEvent<HostMessage>): void {
  const message = event.data;
  switch (message.type) {
    case "init":
      void load(message);
      return;
    case "run":
      void runDeclared(message.id, message.index, message.timeoutMs);
      return;
    case "abort":
      rt?.abort(message.id, message.reason);
      return;
    case "warm":
      return; // the relay's first message (see relay.ts)
    default:
      rt?.receive(message);
  }
}

// A promise the scenario forgot to await rejected: that fails the running scenario.
scope.addEventListener("unhandledrejection", (e) => {
  const event = e as PromiseRejectionEvent;
  if (rt?.recordStray(event.reason)) event.preventDefault();
});
// So does an exception thrown from a timer or event callback.
scope.addEventListener("error", (e) => {
  const event = e as ErrorEvent;
  if (rt?.recordStray(event.error ?? new Error(event.message))) event.preventDefault();
});

async function load(init: Extract<HostMessage, { type: "init" }>): Promise<void> {
  const runtime = new Runtime({
    mode: init.mode,
    url: init.url,
    file: init.file,
    post,
    envChannel: init.envChannel,
  });
  runtime.install();
  rt = runtime;
  lockDown((level, text) => runtime.log(text, level));
  hidePostMessage();
  await installImportGuard(init.imports);

  if (init.implicit) {
    // A plain script: importing it runs it, as one scenario.
    const { id, timeoutMs } = init.implicit;
    const outcome = await execute(runtime, id, timeoutMs, () => import(init.url));
    if (outcome.loadError) {
      post({
        type: "load-error",
        failure: describeLoadError(outcome.loadError, init.url, init.file),
      });
    } else {
      post({ type: "done", id, ...outcome.result });
    }
    return;
  }

  try {
    await import(init.url);
  } catch (error) {
    if (isLoadError(error)) {
      post({ type: "load-error", failure: describeLoadError(error, init.url, init.file) });
      return;
    }
    if (init.mode === "list") {
      // Stopped by agent()/until()/wait(), skip(), or its own code: a plain script.
      post({ type: "listed", plain: true, scenarios: [] });
    } else {
      post({ type: "load-error", failure: describeFailure(error, init.url, init.file) });
    }
    return;
  }
  const scenarios = runtime.registry.scenarios.map(declared);
  if (init.mode === "list") {
    post({ type: "listed", plain: scenarios.length === 0, scenarios });
  } else {
    post({ type: "ready", scenarios });
  }
}

async function runDeclared(id: string, index: number, timeoutMs: number): Promise<void> {
  const runtime = rt!;
  const scenario = runtime.registry.scenarios[index];
  if (!scenario) {
    post({ type: "done", id, status: "failed", failure: { message: `no scenario #${index}` } });
    return;
  }
  const { setup, teardown } = runtime.registry;
  let context: unknown;
  let setUp = false;
  const outcome = await execute(
    runtime,
    id,
    timeoutMs,
    async () => {
      context = setup ? await setup() : undefined;
      setUp = true;
      await scenario.body(context);
    },
    teardown ? () => (setUp ? teardown(context) : undefined) : undefined,
  );
  // A module the body imports that does not load (or is refused) fails this scenario.
  const failure = outcome.loadError
    ? describeFailure(outcome.loadError, runtime.url, runtime.file)
    : undefined;
  post({ type: "done", id, ...outcome.result, ...(failure ? { failure } : {}) });
}

type Result = Omit<Extract<WorkerMessage, { type: "done" }>, "type" | "id">;

/** Runs one scenario's body (and teardown) and describes how it ended. */
async function execute(
  runtime: Runtime,
  id: string,
  timeoutMs: number,
  body: () => Promise<unknown>,
  teardown?: () => unknown,
): Promise<{ result: Result; loadError?: unknown }> {
  const signal = runtime.begin(id, timeoutMs);
  let error: unknown;
  let skipped: SkipSignal | undefined;
  try {
    await settleOrAbort(body(), signal);
    // What the body started and did not await still decides the scenario.
    await settleOrAbort(runtime.settle(signal), signal);
  } catch (thrown) {
    if (thrown instanceof SkipSignal) skipped = thrown;
    else if (isLoadError(thrown)) {
      runtime.end();
      return { result: { status: "failed" }, loadError: thrown };
    } else error = thrown;
  }
  if (teardown) {
    const teardownSignal = runtime.beginTeardown(TEARDOWN_LIMIT_MS);
    post({ type: "teardown", id });
    try {
      await settleOrAbort(Promise.resolve().then(teardown), teardownSignal);
      await settleOrAbort(runtime.settle(teardownSignal), teardownSignal);
    } catch (thrown) {
      if (!(thrown instanceof SkipSignal)) error ??= thrown;
    }
  }
  const stray = runtime.end();
  if (error === undefined && stray !== undefined && !skipped) error = stray;
  if (error !== undefined) {
    if (error instanceof LoadStop) error = new Error("internal: a listing stop escaped");
    return {
      result: { status: "failed", failure: describeFailure(error, runtime.url, runtime.file) },
    };
  }
  if (skipped) return { result: { status: "skipped", reason: skipped.reason } };
  return { result: { status: "passed" } };
}

/**
 * Awaits `work`; when `signal` aborts first, waits a moment for `work` to
 * fail on its own (its error names the scenario line), else throws the
 * abort reason.
 */
async function settleOrAbort(work: Promise<unknown>, signal: AbortSignal): Promise<void> {
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<"aborted">((resolve) => {
    onAbort = () => resolve("aborted");
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  work.catch(() => {}); // handled below; keeps it from counting as unhandled
  try {
    const first = await Promise.race([work.then(() => "done" as const), aborted]);
    if (first === "done") return;
    const settled = await Promise.race([
      work.then(() => "done" as const, (error) => ({ error })),
      new Promise<"pending">((r) => setTimeout(() => r("pending"), SETTLE_MS)),
    ]);
    if (typeof settled === "object") throw settled.error;
    const reason = signal.reason;
    throw reason instanceof ScenarioAbort ? reason : new ScenarioAbort(String(reason));
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}

/** Takes `postMessage` away from scenario code: it could only send what the host refuses. */
function hidePostMessage(): void {
  for (let o: object | null = globalThis; o !== null; o = Object.getPrototypeOf(o)) {
    if (Object.hasOwn(o, "postMessage")) Reflect.deleteProperty(o, "postMessage");
  }
}

/** Whether the file called `concurrent()`. */
function runtimeConcurrent(): boolean {
  return rt?.registry.concurrent === true;
}

function declared(s: DeclaredScenario): DeclaredScenario {
  return {
    name: s.name,
    tags: s.tags,
    ...(s.skip !== undefined ? { skip: s.skip } : {}),
    ...(s.only !== undefined ? { only: s.only } : {}),
    ...(s.timeoutMs !== undefined ? { timeoutMs: s.timeoutMs } : {}),
    ...(s.concurrent || runtimeConcurrent() ? { concurrent: true } : {}),
  };
}
