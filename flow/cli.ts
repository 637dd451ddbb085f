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
import { discoverScenarios, DiscoveryError, type ScenarioFile, withRoot } from "./discover.ts";
import { parseDuration } from "./duration.ts";
import { EnvError, envFileList } from "./env.ts";
import { HumanReporter } from "./report/human.ts";
import { PcapSink, pcapTarget } from "./report/pcap.ts";
import { JunitReporter } from "./report/junit.ts";
import { ndjsonReporter } from "./report/ndjson.ts";
import { ringoFlowNdjsonReporter } from "./report/ringo_flow_ndjson.ts";
import type { Reporter, Writer } from "./report/events.ts";
import { LoadFailure } from "./listing.ts";
import { runPool, runScenarios } from "./runner.ts";
import type { SandboxPool } from "./sandbox/pool.ts";
import type { SandboxGrants } from "./sandbox/permissions.ts";
import { SelectionError } from "./select.ts";
import { parseJobs } from "./schedule.ts";
import { parseShard, type ShardSpec } from "./shard.ts";
import { readJunitTimings } from "./report/junit_timings.ts";
import { checkScenarios } from "./check.ts";
import { checkOutputFile, checkOutputFolder, fallbackPath, reason } from "./output_paths.ts";
import { parseMebibytes } from "./size.ts";
import { typeCheck } from "./typecheck.ts";
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
  /** Start no scenario after the first failure. */
  bail?: boolean;
  /** Scenario files (and concurrent scenarios) at a time: a number, or `auto` (one per CPU); default 1. */
  jobs?: string | number;
  /** This machine's share of the selected scenarios, `i/n`. */
  shard?: string;
  /** JUnit reports (files or folders) of an earlier run, to balance `shard` by duration. */
  shardTimings?: string[];
  /** Print agent logs under failed scenarios. */
  logs?: boolean;
  /** NDJSON events on stdout instead of the human report. */
  json?: boolean;
  /** The shape of those events: ringo's own (default) or ringo-flow's (implies `json`). */
  jsonFormat?: "ringo" | "ringo-flow";
  /** Report each agent's figures (registration and setup times, durations, MOS…) as metrics. */
  metrics?: boolean;
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
  /** Heap limit of each scenario file's thread: `"512MB"`, `"2GB"`; default 512MB. */
  memoryLimit?: string;
  /** Type-check the files before running them (default true; `--no-typecheck`). */
  typecheck?: boolean;
}

/** What scenarios may do beyond reading their own folder. */
export interface FlowGrantOptions {
  /**
   * The folder scenarios may read and import helpers from (it must hold
   * them all), instead of the folder each was found in.
   */
  root?: string;
  allowRead?: string[] | boolean;
  allowNet?: string[] | boolean;
  allowEnv?: string[] | boolean;
  allowImport?: string[] | boolean;
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
  let memoryLimitMb: number | undefined;
  let files;
  let pcap: PcapSink | undefined;
  let jobs: number;
  let shard: ShardSpec | undefined;
  let shardTimings: Map<string, number> | undefined;
  let pool: SandboxPool | undefined;
  try {
    timeoutMs = parseDuration(options.timeout ?? DEFAULT_TIMEOUT);
    jobs = parseJobs(options.jobs ?? 1);
    if (options.shard !== undefined) shard = parseShard(options.shard);
    if (options.shardTimings?.length) {
      if (!shard) {
        throw new RingoError("--shard-timings balances shards: give --shard i/n too");
      }
      shardTimings = await readJunitTimings(options.shardTimings);
    }
    if (timeoutMs <= 0) throw new RingoError("--timeout must be more than 0");
    if (options.memoryLimit !== undefined) memoryLimitMb = parseMebibytes(options.memoryLimit);
    await requireEnvFile(options.envFile);
    files = rooted(await discoverScenarios(options.paths ?? []), options.root);
    // Every place the run writes is checked now, not after the scenarios ran.
    if (options.junit) await checkOutputFile("--junit", options.junit);
    if (options.saveAudio) await checkOutputFolder("--save-audio", options.saveAudio);
    if (options.pcap) {
      const target = await pcapTarget(options.pcap);
      if (target.perScenario) await checkOutputFolder("--pcap", target.path);
      else await checkOutputFile("--pcap", target.path);
      pcap = new PcapSink(target);
      await pcap.open().catch((error) => {
        throw new RingoError(`--pcap ${options.pcap}: cannot write it (${reason(error)})`);
      });
    }
    // The first sandboxes start while the files are type-checked.
    pool = runPool(files, { grants: grants(options), memoryLimitMb, jobs });
    if (options.typecheck !== false) {
      const checked = await typeCheck(files, grants(options));
      // A syntax error or a missing module: the load pass says it with the line.
      const loadWillSay = !checked.ok && !checked.typeErrors && !checked.refusedImports;
      if (!checked.ok && !loadWillSay) {
        writer(Deno.stderr)(checked.errors);
        printError(
          "the scenarios do not type-check; no scenario ran",
          "fix the errors above, or run with --no-typecheck",
        );
        pool.close();
        return 2;
      }
    }
  } catch (error) {
    pool?.close();
    return usageError(error);
  }

  const stdout = guardedWriter(Deno.stdout);
  const reporters = makeReporters(options, stdout.write);
  if (!options.quiet) await noteBaresipLimits();
  const interrupt = new AbortController();
  let signalName: Deno.Signal | undefined;
  let code: number;
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
      jobs,
      shard,
      shardTimings,
      pool,
      logs: options.logs,
      verbose: options.verbose,
      grants: grants(options),
      saveAudioDir: options.saveAudio,
      metrics: options.metrics,
      memoryLimitMb,
      pcap,
      sipEvents: options.sipMessages,
      reporters,
      signal: interrupt.signal,
    });
    code = signalName ? SIGNAL_EXIT_CODES[signalName] ?? 1 : summary.failed > 0 ? 1 : 0;
  } catch (error) {
    await closeReporters(reporters);
    onShutdownSignal(undefined);
    if (isUserError(error)) return usageError(error);
    throw error;
  }
  onShutdownSignal(undefined);
  // What could not be written where asked: one sentence each, and never exit 0.
  const closed = await closeReporters(reporters);
  const lost = [stdout.failure, pcap?.failure].filter((f): f is string => f !== undefined);
  for (const message of lost) printError(message);
  return closed && lost.length === 0 ? code : Math.max(code, 2);
}

/**
 * Closes the reporters (the JUnit file is written now); a report that cannot
 * be written is kept in the temp folder and said in one sentence. False when
 * a report could not be written where asked.
 */
async function closeReporters(reporters: Reporter[]): Promise<boolean> {
  let ok = true;
  for (const reporter of reporters) {
    try {
      await reporter.close?.();
    } catch (error) {
      ok = false;
      const kept = reporter instanceof JunitReporter ? await keepElsewhere(reporter) : undefined;
      printError(
        `${
          reporter instanceof JunitReporter
            ? `cannot write the JUnit report ${reporter.path}`
            : "cannot write a report"
        } (${reason(error)})${kept ? `; it is in ${kept} instead` : ""}`,
      );
    }
  }
  return ok;
}

async function keepElsewhere(junit: JunitReporter): Promise<string | undefined> {
  const path = fallbackPath(junit.path);
  try {
    await Deno.writeTextFile(path, junit.toXml());
    return path;
  } catch {
    return undefined;
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
    const files = rooted(await discoverScenarios(options.paths ?? []), options.root);
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

function makeReporters(options: FlowRunOptions, write: Writer): Reporter[] {
  const reporters: Reporter[] = [];
  if (options.jsonFormat === "ringo-flow") {
    reporters.push(ringoFlowNdjsonReporter({ write }));
  } else if (options.json) {
    reporters.push(ndjsonReporter({ write }));
  } else {
    reporters.push(
      new HumanReporter({
        write,
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
    allowImport: list(options.allowImport),
  };
}

function rooted(files: ScenarioFile[], root: string | undefined): ScenarioFile[] {
  return root === undefined ? files : withRoot(files, root);
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

function printError(message: string, hint?: string): void {
  writer(Deno.stderr)(`error: ${message}\n${hint ? `  hint: ${hint}\n` : ""}`);
}

/**
 * A writer to `stream` that stops at the first failed write (a full disk, a
 * closed pipe) instead of throwing in the middle of the run; `failure` then
 * says what was lost, in one sentence.
 */
function guardedWriter(stream: { writeSync(p: Uint8Array): number }): {
  write: Writer;
  readonly failure: string | undefined;
} {
  const write = writer(stream);
  let failure: string | undefined;
  return {
    write: (text) => {
      if (failure !== undefined) return;
      try {
        write(text);
      } catch (error) {
        failure = `cannot write the report to stdout (${reason(error)}); the rest of it is lost`;
      }
    },
    get failure() {
      return failure;
    },
  };
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
