/**
 * `[[hooks]]`: shell commands run on session events. Each runs with
 * `sh -c` in its own process group, never awaited by the session, with
 *
 * - `RINGO_EVENT` — the event name (`call_incoming`);
 * - `RINGO_PROFILE` — the profile's name;
 * - `RINGO_PROFILE_JSON` — the profile without any password field;
 * - `RINGO_EVENT_DATA` — the event's data as JSON.
 *
 * The rest of the environment is ringo's own, minus any variable whose
 * value is the profile's password and minus the variables named in
 * `hiddenVariables` (`--password-env`). Its output and exit status go to
 * the session log; one still running after its timeout (30 s unless the
 * hook sets `timeout`) is killed with its children.
 *
 * @module
 */
import { DEFAULT_HOOK_TIMEOUT_MS, type HookConfig, type HookEvent } from "./global_config.ts";
import type { PublicProfile } from "./profile.ts";
import type { SessionLog } from "./session_log.ts";

/** The most output of one hook kept for the log, per stream. */
const MAX_OUTPUT_CHARS = 4000;
/** How long a hook gets after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 2000;

/** What {@link HookRunner} needs. */
export interface HookRunnerOptions {
  hooks: readonly HookConfig[];
  profile: PublicProfile;
  log: SessionLog;
  /** The resolved password: a variable holding it is never passed on. */
  password?: string;
  /** Variables never passed on (e.g. the one `--password-env` named). */
  hiddenVariables?: readonly string[];
  /** The environment hooks start from; default ringo's own. */
  env?: Record<string, string | undefined>;
}

/** How one hook run ended. */
export interface HookResult {
  event: HookEvent;
  command: string;
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs the configured hooks of each event.
 *
 * @example
 * ```ts
 * const hooks = new HookRunner({ hooks: config.hooks, profile: publicProfile(p), log });
 * hooks.fire("call_incoming", { call_id: "…", number: "4711", display_name: "Bob" });
 * await hooks.settle(2000); // at shutdown
 * ```
 */
export class HookRunner {
  readonly #options: HookRunnerOptions;
  readonly #running = new Set<{ done: Promise<HookResult>; kill(): void }>();

  constructor(options: HookRunnerOptions) {
    this.#options = options;
  }

  /** True when at least one hook listens to `event`. */
  has(event: HookEvent): boolean {
    return this.#options.hooks.some((h) => h.event === event);
  }

  /** Starts every hook of `event` and returns at once; results go to the log (and are returned). */
  fire(event: HookEvent, data: Record<string, unknown>): Promise<HookResult>[] {
    return this.#options.hooks.filter((h) => h.event === event).map((hook) => {
      const run = this.#start(hook, event, data);
      this.#running.add(run);
      run.done.finally(() => this.#running.delete(run));
      return run.done;
    });
  }

  /** Waits up to `ms` for running hooks, then kills the rest (session shutdown). */
  async settle(ms: number): Promise<void> {
    const all = Promise.all([...this.#running].map((r) => r.done));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), ms))),
    ]);
    clearTimeout(timer);
    if (late) { for (const run of this.#running) run.kill(); }
    await all;
  }

  /** The environment a hook of `event` gets. */
  environment(event: HookEvent, data: Record<string, unknown>): Record<string, string> {
    const base = this.#options.env ?? Deno.env.toObject();
    const hidden = new Set(this.#options.hiddenVariables ?? []);
    const password = this.#options.password;
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(base)) {
      if (value === undefined || hidden.has(key)) continue;
      if (password && value.includes(password)) continue;
      env[key] = value;
    }
    env.RINGO_EVENT = event;
    env.RINGO_PROFILE = this.#options.profile.name;
    env.RINGO_PROFILE_JSON = JSON.stringify(this.#options.profile);
    env.RINGO_EVENT_DATA = JSON.stringify(data);
    return env;
  }

  #start(hook: HookConfig, event: HookEvent, data: Record<string, unknown>) {
    const log = this.#options.log;
    const started = performance.now();
    const timeoutMs = hook.timeout ?? DEFAULT_HOOK_TIMEOUT_MS;
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command("sh", {
        args: ["-c", hook.command],
        env: this.environment(event, data),
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        detached: true,
      }).spawn();
    } catch (error) {
      log.error(`hook ${event} (${hook.command}) could not start: ${(error as Error).message}`);
      const failed: HookResult = {
        event,
        command: hook.command,
        code: null,
        signal: null,
        timedOut: false,
        stdout: "",
        stderr: (error as Error).message,
        ms: 0,
      };
      return { done: Promise.resolve(failed), kill: () => {} };
    }
    let timedOut = false;
    const killGroup = (signal: Deno.Signal) => {
      try {
        Deno.kill(-child.pid, signal);
      } catch {
        // the group is gone
      }
    };
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    const kill = () => {
      killGroup("SIGTERM");
      graceTimer ??= setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    const done = (async (): Promise<HookResult> => {
      const [status, stdout, stderr] = await Promise.all([
        child.status,
        readCapped(child.stdout),
        readCapped(child.stderr),
      ]);
      clearTimeout(timer);
      clearTimeout(graceTimer);
      // Whatever the hook left running in its group goes with it.
      killGroup("SIGKILL");
      const result: HookResult = {
        event,
        command: hook.command,
        code: status.signal ? null : status.code,
        signal: status.signal,
        timedOut,
        stdout,
        stderr,
        ms: Math.round(performance.now() - started),
      };
      log.info(describeHookResult(result, timeoutMs));
      return result;
    })();
    return { done, kill };
  }
}

/** One log line (or a few) for a finished hook. */
export function describeHookResult(result: HookResult, timeoutMs: number): string {
  const how = result.timedOut
    ? `killed after its timeout of ${timeoutMs / 1000} s`
    : result.signal
    ? `ended by ${result.signal}`
    : `exited with code ${result.code}`;
  const parts = [`hook ${result.event} (${result.command}) ${how} in ${result.ms} ms`];
  if (result.stdout.trim()) {
    parts.push(`  stdout: ${result.stdout.trimEnd().replaceAll("\n", "\n  stdout: ")}`);
  }
  if (result.stderr.trim()) {
    parts.push(`  stderr: ${result.stderr.trimEnd().replaceAll("\n", "\n  stderr: ")}`);
  }
  return parts.join("\n");
}

async function readCapped(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  try {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      if (text.length < MAX_OUTPUT_CHARS) text += chunk;
    }
  } catch {
    // the stream ends with the process
  }
  return text.length > MAX_OUTPUT_CHARS ? `${text.slice(0, MAX_OUTPUT_CHARS)}…` : text;
}
