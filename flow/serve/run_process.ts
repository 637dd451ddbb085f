/**
 * One attempt of a monitor's run: a real `ringo flow run` child process
 * writing its NDJSON events, JUnit, pcap and WAV files into the run's
 * folder. Its events are handed on line by line as they come; a child that
 * overruns the monitor's timeout gets SIGTERM (ringo stops its agents),
 * then SIGKILL after a grace period, and the attempt ends `timeout`.
 * Whatever the child does — crash, hang, fill its memory — only this
 * attempt fails.
 *
 * @module
 */
import { isAbsolute, join, relative } from "node:path";
import { formatSeconds } from "../duration.ts";
import type { RunEvent } from "../report/events.ts";
import type { MonitorConfig } from "./config.ts";
import { ringoInvocation } from "./ringo_command.ts";

/** How an attempt ended. */
export type AttemptStatus = "passed" | "failed" | "timeout" | "error" | "interrupted";

/** Options of {@link runAttempt}. */
export interface AttemptOptions {
  monitor: MonitorConfig;
  /** The run folder; the child writes its files below it. */
  dir: string;
  /** The child's working directory (the config file's folder). */
  cwd: string;
  /** The child's environment. */
  env: Record<string, string>;
  /** Each NDJSON line as written, and the event it holds. */
  onLine(line: string, event: RunEvent | undefined): void;
  /** Aborting stops the child as a shutdown does (SIGTERM, then SIGKILL): `interrupted`. */
  signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL; default 10 s. */
  killGraceMs?: number;
}

/** What {@link runAttempt} found. */
export interface AttemptResult {
  status: AttemptStatus;
  exitCode: number | null;
  signal: Deno.Signal | null;
  durationMs: number;
  /** Why, when the events do not say it: the child's error line, the timeout, the signal. */
  message?: string;
  /** The child's stderr (the last 64 KiB). */
  stderr: string;
}

const STDERR_LIMIT = 64 * 1024;

/** Heap the runner itself may use beyond its scenarios' limit, before the backstop ends the run. */
const RUNNER_HEAP_MB = 256;

/**
 * The `ringo flow run` arguments for `monitor`, writing below `dir`.
 *
 * @example
 * ```ts
 * flowRunArgs(monitor, "/var/lib/ringo/runs/0mio0t1xsk3j2q");
 * // ["flow", "run", "/etc/ringo/flows", "--json", "--sip-messages", "--no-color", "--logs", "--junit", "…/junit.xml", "--pcap", "…/sip.pcap", …]
 * ```
 */
export function flowRunArgs(monitor: MonitorConfig, dir: string, cwd?: string): string[] {
  // Relative to the child's folder where they can be: reports then name `flows/call.ts`.
  const shown = (path: string) => {
    const rel = cwd === undefined ? path : relative(cwd, path);
    return rel === "" ? "." : isAbsolute(rel) ? path : rel;
  };
  const args = [
    "flow",
    "run",
    ...monitor.paths.map(shown),
    "--json",
    "--sip-messages",
    "--no-color",
  ];
  args.push("--logs", "--junit", join(dir, "junit.xml"), "--pcap", join(dir, "sip.pcap"));
  if (monitor.saveAudio) args.push("--save-audio", join(dir, "audio"));
  for (const file of monitor.envFiles) args.push("--env-file", file);
  for (const name of monitor.scenario) args.push("--scenario", name);
  if (monitor.tags.length > 0) args.push("--tag", monitor.tags.join(","));
  if (monitor.excludeTags.length > 0) args.push("--exclude-tag", monitor.excludeTags.join(","));
  if (monitor.scenarioTimeoutMs !== undefined) {
    args.push("--timeout", `${monitor.scenarioTimeoutMs}ms`);
  }
  // Each scenario file's sandbox stops in a sentence at this limit.
  args.push("--memory-limit", `${monitor.memoryLimitMb}MB`);
  const grant = (flag: string, value: string[] | true | undefined) => {
    if (value === true) args.push(`${flag}=*`);
    else if (value && value.length > 0) args.push(`${flag}=${value.join(",")}`);
  };
  grant("--allow-read", monitor.allowRead);
  grant("--allow-net", monitor.allowNet);
  grant("--allow-env", monitor.allowEnv);
  return args;
}

/**
 * Runs one attempt to its end; never throws for anything the child does.
 *
 * @example
 * ```ts
 * const result = await runAttempt({ monitor, dir, cwd: "/etc/ringo", env: {}, onLine: console.log });
 * result.status; // "passed"
 * ```
 */
export async function runAttempt(options: AttemptOptions): Promise<AttemptResult> {
  const started = performance.now();
  const { program, args } = ringoInvocation(flowRunArgs(options.monitor, options.dir, options.cwd));
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(program, {
      args,
      cwd: options.cwd,
      env: {
        ...options.env,
        NO_COLOR: "1",
        // A backstop beside the sandbox's own limit (--memory-limit): whatever
        // fills the run's heap ends that run only.
        DENO_V8_FLAGS: [
          options.env.DENO_V8_FLAGS,
          `--max-old-space-size=${options.monitor.memoryLimitMb + RUNNER_HEAP_MB}`,
        ]
          .filter(Boolean).join(","),
      },
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    return {
      status: "error",
      exitCode: null,
      signal: null,
      durationMs: performance.now() - started,
      message: `cannot start ringo flow run (${program}): ${(error as Error).message}`,
      stderr: "",
    };
  }

  let stoppedFor: "timeout" | "interrupted" | undefined;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const stop = (why: "timeout" | "interrupted") => {
    if (stoppedFor) return;
    stoppedFor = why;
    signalChild(child, "SIGTERM");
    killTimer = setTimeout(() => signalChild(child, "SIGKILL"), options.killGraceMs ?? 10_000);
  };
  const timeoutTimer = setTimeout(() => stop("timeout"), options.monitor.timeoutMs);
  const onAbort = () => stop("interrupted");
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });

  const [, stderr, status] = await Promise.all([
    readEvents(child.stdout, options.onLine),
    readTail(child.stderr, STDERR_LIMIT),
    child.status,
  ]);
  clearTimeout(timeoutTimer);
  clearTimeout(killTimer);
  options.signal?.removeEventListener("abort", onAbort);

  const durationMs = performance.now() - started;
  const base = {
    exitCode: status.signal ? null : status.code,
    signal: status.signal,
    durationMs,
    stderr,
  };
  if (stoppedFor === "timeout") {
    return {
      ...base,
      status: "timeout",
      message:
        `the run took longer than the monitor's timeout of ${
          formatSeconds(options.monitor.timeoutMs)
        } and was stopped` +
        (status.signal === "SIGKILL" ? " (it ignored SIGTERM and was killed)" : ""),
    };
  }
  if (stoppedFor === "interrupted") {
    return {
      ...base,
      status: "interrupted",
      message: "stopped because ringo flow serve shut down",
    };
  }
  if (status.signal) {
    return {
      ...base,
      status: "error",
      message: `ringo flow run was ended by ${status.signal}${lastError(stderr)}`,
    };
  }
  switch (status.code) {
    case 0:
      return { ...base, status: "passed" };
    case 1:
      return { ...base, status: "failed" };
    case 130:
    case 143:
      return {
        ...base,
        status: "interrupted",
        message: "ringo flow run was interrupted by a signal",
      };
    case 2:
      return {
        ...base,
        status: "error",
        message: errorLines(stderr) ?? "ringo flow run could not start the scenarios",
      };
    default:
      return {
        ...base,
        status: "error",
        message: `ringo flow run exited with code ${status.code}${lastError(stderr)}`,
      };
  }
}

async function readEvents(
  stream: ReadableStream<Uint8Array>,
  onLine: AttemptOptions["onLine"],
): Promise<void> {
  const handle = (line: string) => {
    if (line.trim() === "") return;
    let event: RunEvent | undefined;
    try {
      event = JSON.parse(line) as RunEvent;
    } catch {
      event = undefined;
    }
    onLine(line, event);
  };
  let buffer = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      handle(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
    }
  }
  handle(buffer);
}

async function readTail(stream: ReadableStream<Uint8Array>, limit: number): Promise<string> {
  let text = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    text += chunk;
    if (text.length > 2 * limit) text = text.slice(-limit);
  }
  return text.length > limit ? text.slice(-limit) : text;
}

function signalChild(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    child.kill(signal);
  } catch {
    // already gone
  }
}

/** The `error: …` lines ringo printed (usage and load errors), joined. */
function errorLines(stderr: string): string | undefined {
  const start = stderr.indexOf("error: ");
  if (start < 0) return undefined;
  return stderr.slice(start + "error: ".length).trim().split("\n").slice(0, 12).join("\n");
}

function lastError(stderr: string): string {
  const lines = stderr.trim().split("\n").filter((l) => l.trim() !== "");
  return lines.length > 0 ? ` (last stderr line: ${lines.at(-1)!.trim()})` : "";
}
