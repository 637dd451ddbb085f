/**
 * The three `ringo flow` commands as functions returning exit codes, called
 * by `cli/flow.ts` after it parsed the command line:
 * - {@link runFlow}: 0 all passed (skips allowed), 1 a scenario failed,
 *   2 usage or load error (a syntax error points at file:line:column),
 *   130/143 interrupted by SIGINT/SIGTERM;
 * - {@link checkFlow}: type-checks and lists scenarios without starting agents;
 * - {@link initFlow}: writes a starter scenario and an editor config.
 *
 * @module
 */
import {
  baresipSupport,
  describeError,
  describeSource,
  detectBaresip,
  onShutdownSignal,
  SIGNAL_EXIT_CODES,
  stopAll,
} from "../core/mod.ts";
import { RingoError } from "../core/errors.ts";
import { discoverScenarios, DiscoveryError } from "./discover.ts";
import { parseDuration } from "./duration.ts";
import { EnvError, envFileList } from "./env.ts";
import { HumanReporter } from "./report/human.ts";
import { PcapSink, pcapTarget } from "./report/pcap.ts";
import { JunitReporter } from "./report/junit.ts";
import { ndjsonReporter } from "./report/ndjson.ts";
import type { Reporter, Writer } from "./report/events.ts";
import { LoadFailure } from "./listing.ts";
import { runScenarios } from "./runner.ts";
import type { SandboxGrants } from "./sandbox/permissions.ts";
import { SelectionError } from "./select.ts";
import { checkScenarios } from "./check.ts";
import { writeStarter } from "./init.ts";

/** Options of `ringo flow run`. */
export interface FlowRunOptions extends FlowGrantOptions {
  /** Files and folders; default the current folder. */
  paths?: string[];
  /** Scenario names, or `re:<regex>`. */
  scenario?: string[];
  tag?: string[];
  excludeTag?: string[];
  /** dotenv files for `env()`; the last one wins. */
  envFile?: string | string[];
  /** Per-scenario time limit: `"60s"`, `"2m"`, or seconds; default 60s. */
  timeout?: string | number;
  bail?: boolean;
  /** Print agent logs under failed scenarios. */
  logs?: boolean;
  /** NDJSON events on stdout instead of the human report. */
  json?: boolean;
  /** Write a JUnit XML report to this file. */
  junit?: string;
  quiet?: boolean;
  verbose?: boolean;
  /** ANSI colors; default: on for a terminal unless NO_COLOR is set. */
  color?: boolean;
  /** Folder for each call's audio as WAV files. */
  saveAudio?: string;
  /**
   * Write the agents' SIP signalling as pcap: a file for the whole run, or
   * a folder (ends with `/` or exists) with one file per scenario.
   */
  pcap?: string;
  /** With `json`: a `sip` event with each scenario's SIP messages before its end. */
  sipMessages?: boolean;
}

/** What scenarios may do beyond reading their own folder. */
export interface FlowGrantOptions {
  allowRead?: string[] | boolean;
  allowNet?: string[] | boolean;
  allowEnv?: string[] | boolean;
}

/** Options of `ringo flow check`. */
export interface FlowCheckOptions extends FlowGrantOptions {
  paths?: string[];
  envFile?: string | string[];
  /** One JSON object per scenario on stdout. */
  json?: boolean;
  quiet?: boolean;
  color?: boolean;
}

/** Options of `ringo flow init`. */
export interface FlowInitOptions {
  /** Folder to write into (created if missing); default the current folder. */
  dir?: string;
  /** Overwrite existing files. */
  force?: boolean;
}

const DEFAULT_TIMEOUT = "60s";

/**
 * `ringo flow run`: runs scenarios and reports them; resolves with the exit code.
 *
 * @example
 * ```ts
 * Deno.exit(await runFlow({ paths: ["examples/loopback"], junit: "reports/flow.xml" }));
 * ```
 */
export async function runFlow(options: FlowRunOptions): Promise<number> {
  let timeoutMs: number;
  let files;
  let pcap: PcapSink | undefined;
  try {
    timeoutMs = parseDuration(options.timeout ?? DEFAULT_TIMEOUT);
    if (timeoutMs <= 0) throw new RingoError("--timeout must be more than 0");
    await requireEnvFile(options.envFile);
    files = await discoverScenarios(options.paths ?? []);
    if (options.pcap) {
      pcap = new PcapSink(await pcapTarget(options.pcap));
      await pcap.open().catch((error) => {
        throw new RingoError(`--pcap ${options.pcap}: ${(error as Error).message}`);
      });
    }
  } catch (error) {
    return usageError(error);
  }

  const reporters = makeReporters(options);
  if (!options.quiet) await noteBaresipLimits();
  const interrupt = new AbortController();
  let signalName: Deno.Signal | undefined;
  onShutdownSignal(async (signal) => {
    if (signalName) {
      // A second signal: stop waiting for teardown.
      await stopAll();
      Deno.exit(SIGNAL_EXIT_CODES[signal] ?? 1);
    }
    signalName = signal;
    interrupt.abort(signal);
  });
  try {
    const summary = await runScenarios({
      files,
      scenario: options.scenario,
      tag: options.tag,
      excludeTag: options.excludeTag,
      envFile: options.envFile,
      timeoutMs,
      bail: options.bail,
      logs: options.logs,
      verbose: options.verbose,
      grants: grants(options),
      saveAudioDir: options.saveAudio,
      pcap,
      sipEvents: options.sipMessages,
      reporters,
      signal: interrupt.signal,
    });
    if (signalName) return SIGNAL_EXIT_CODES[signalName] ?? 1;
    return summary.failed > 0 ? 1 : 0;
  } catch (error) {
    if (isUserError(error)) return usageError(error);
    throw error;
  } finally {
    await Promise.all(reporters.map((r) => r.close?.()));
    onShutdownSignal(undefined);
  }
}

/**
 * `ringo flow check`: type-checks the scenario files (with `deno check`, when
 * a deno binary is available) and lists their scenarios with tags, without
 * starting any agent. Exit code 0, or 2 when a file does not check or load.
 *
 * @example
 * ```ts
 * await checkFlow({ paths: ["examples/loopback"] });
 * // examples/loopback/call.ts
 * //   two-party call [loopback, smoke]
 * ```
 */
export async function checkFlow(options: FlowCheckOptions): Promise<number> {
  try {
    await requireEnvFile(options.envFile);
    const files = await discoverScenarios(options.paths ?? []);
    const ok = await checkScenarios(files, {
      grants: grants(options),
      envFile: options.envFile,
      json: options.json,
      quiet: options.quiet,
      write: writer(Deno.stdout),
      writeError: writer(Deno.stderr),
    });
    return ok ? 0 : 2;
  } catch (error) {
    if (isUserError(error)) return usageError(error);
    throw error;
  }
}

/**
 * `ringo flow init`: writes `call.ts` (a loopback call, no PBX needed) and a
 * `deno.json` that maps `@ringo/flow` to this installation for editors.
 *
 * @example
 * ```ts
 * await initFlow({ dir: "flows" });
 * ```
 */
export async function initFlow(options: FlowInitOptions = {}): Promise<number> {
  try {
    const written = await writeStarter(options.dir ?? ".", { force: options.force });
    const say = writer(Deno.stdout);
    for (const path of written) say(`wrote ${path}\n`);
    say(`\nrun it with: ringo flow run ${options.dir ?? "."}\n`);
    return 0;
  } catch (error) {
    if (error instanceof RingoError) return usageError(error);
    throw error;
  }
}

/**
 * One line on stderr when agents will run on a baresip that works with
 * limits, naming what it lacks. A missing or too old baresip says so
 * itself, in the failure of the first scenario that starts an agent.
 */
async function noteBaresipLimits(): Promise<void> {
  let install;
  try {
    install = await detectBaresip();
  } catch {
    return;
  }
  const where = `${install.binary}, ${describeSource(install.source)}`;
  const support = baresipSupport(install.version, where);
  if (support.level === "limited") writer(Deno.stderr)(`note: ${support.sentence}\n`);
}

function makeReporters(options: FlowRunOptions): Reporter[] {
  const reporters: Reporter[] = [];
  if (options.json) {
    reporters.push(ndjsonReporter({ write: writer(Deno.stdout) }));
  } else {
    reporters.push(
      new HumanReporter({
        write: writer(Deno.stdout),
        color: options.color ?? (Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR")),
        level: options.quiet ? "quiet" : options.verbose ? "verbose" : "normal",
        logs: options.logs,
      }),
    );
  }
  if (options.junit) reporters.push(new JunitReporter({ path: options.junit }));
  return reporters;
}

function grants(options: FlowGrantOptions): SandboxGrants {
  const list = (value: string[] | boolean | undefined) =>
    value === true ? true : Array.isArray(value) ? value : undefined;
  const read = options.allowRead;
  return {
    allowRead: Array.isArray(read) ? read : read === true ? ["/"] : undefined,
    allowNet: list(options.allowNet),
    allowEnv: list(options.allowEnv),
  };
}

async function requireEnvFile(paths: string | string[] | undefined): Promise<void> {
  for (const path of envFileList(paths)) {
    try {
      await Deno.stat(path);
    } catch {
      throw new EnvError(`--env-file ${path}: no such file`, {
        hint: "check the path; it is relative to the current directory",
      });
    }
  }
}

function isUserError(error: unknown): boolean {
  return error instanceof LoadFailure || error instanceof SelectionError ||
    error instanceof EnvError || error instanceof DiscoveryError || error instanceof RingoError;
}

function usageError(error: unknown): number {
  if (error instanceof LoadFailure) {
    for (const { file, failure } of error.failures) {
      const at = failure.location
        ? `${failure.location.file}:${failure.location.line}${
          failure.location.column ? `:${failure.location.column}` : ""
        }`
        : file;
      printError(`cannot load ${at}\n${indent(failure.message)}`);
    }
    return 2;
  }
  printError(describeError(error));
  return 2;
}

function printError(message: string): void {
  writer(Deno.stderr)(`error: ${message}\n`);
}

function indent(text: string): string {
  return text.split("\n").map((line) => `  ${line}`).join("\n");
}

/** A {@link Writer} that writes everything to `stream`, even when a write is partial. */
function writer(stream: { writeSync(p: Uint8Array): number }): Writer {
  const encoder = new TextEncoder();
  return (text) => {
    let bytes = encoder.encode(text);
    while (bytes.length > 0) bytes = bytes.subarray(stream.writeSync(bytes));
  };
}
