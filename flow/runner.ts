/**
 * A flow run: load every scenario file in its sandbox to learn its
 * scenarios (no agents start in this pass), select them, then run the
 * selected ones one after another and report each step as a RunEvent.
 *
 * Errors before the first scenario runs — a file that does not load, a
 * selection that matches nothing — are thrown (`LoadFailure`,
 * `SelectionError`), and no event is emitted; the CLI turns them into exit
 * code 2.
 *
 * @module
 */
import type { ScenarioFile } from "./discover.ts";
import {
  type ListedFile,
  listScenarioFiles,
  loadEnv,
  type LoadOptions,
  type PlannedScenario,
  planScenarios,
} from "./listing.ts";
import type { Reporter, RunEvent, ScenarioEndEvent } from "./report/events.ts";
import type { PcapSink } from "./report/pcap.ts";
import { sipEvent } from "./report/sip.ts";
import { type ScenarioOutcome, ScenarioWorker } from "./sandbox/host.ts";
import { SelectionError, selectScenarios, unmatchedPatterns } from "./select.ts";

/** Options of {@link runScenarios}. */
export interface RunOptions extends LoadOptions {
  files: ScenarioFile[];
  scenario?: string[];
  tag?: string[];
  excludeTag?: string[];
  /** Each scenario's time limit unless it sets its own. */
  timeoutMs: number;
  /** Stop after the first failed scenario. */
  bail?: boolean;
  /** Attach agent logs to failed scenarios' events. */
  logs?: boolean;
  /** Attach agent logs to every scenario's events. */
  verbose?: boolean;
  saveAudioDir?: string;
  /** Heap limit of each scenario file's thread in MiB (`--memory-limit`). */
  memoryLimitMb?: number;
  /** Report each agent's figures as `metric` events (`--metrics`). */
  metrics?: boolean;
  /** Writes each scenario's SIP signalling as pcap (`--pcap`). */
  pcap?: PcapSink;
  /** Emit each scenario's SIP signalling as a `sip` event before its end (`--sip-messages`). */
  sipEvents?: boolean;
  reporters: Reporter[];
  /** Aborting it interrupts the run: the running scenario's teardown runs, its agents stop. */
  signal?: AbortSignal;
}

/** The counts of a finished run. */
export interface RunSummary {
  passed: number;
  failed: number;
  skipped: number;
  interrupted: boolean;
}

/**
 * Loads, selects and runs scenarios, reporting to `options.reporters`.
 *
 * @example
 * ```ts
 * const summary = await runScenarios({
 *   files: await discoverScenarios(["examples/loopback"]),
 *   timeoutMs: 60_000,
 *   grants: {},
 *   reporters: [new HumanReporter({ write: console.log })],
 * });
 * ```
 */
export async function runScenarios(options: RunOptions): Promise<RunSummary> {
  const listed = await listScenarioFiles(options.files, {
    ...options,
    loadTimeoutMs: options.loadTimeoutMs ?? options.timeoutMs,
  });
  const planned = planScenarios(listed);
  const unmatched = unmatchedPatterns(planned, options.scenario ?? []);
  if (unmatched.length > 0) {
    throw new SelectionError(
      `--scenario ${unmatched.map((p) => JSON.stringify(p)).join(", ")} matched no scenario`,
      { hint: "`ringo flow check <paths>` lists the scenarios and their names" },
    );
  }
  const selected = selectScenarios(planned, options);
  if (selected.length === 0) {
    throw new SelectionError("no scenario matches the --tag / --exclude-tag options", {
      hint: "`ringo flow check <paths>` lists the scenarios with their tags",
    });
  }

  const emit = (event: RunEvent) => {
    for (const reporter of options.reporters) reporter.handle(event);
  };
  const runStarted = performance.now();
  emit({
    type: "run-start",
    files: options.files.map((f) => f.file),
    startedAt: new Date().toISOString(),
  });
  const summary: RunSummary = { passed: 0, failed: 0, skipped: 0, interrupted: false };
  let nextId = 1;
  let worker: ScenarioWorker | undefined;
  let workerFile: ListedFile | undefined;
  const keepSip = options.pcap !== undefined || options.sipEvents === true;
  try {
    for (const choice of selected) {
      if (options.signal?.aborted) {
        summary.interrupted = true;
        break;
      }
      const s = choice.scenario;
      const id = `s${nextId++}`;
      const started = performance.now();
      emit({ type: "scenario-start", id, file: s.file, name: s.name, tags: s.tags });
      const end = (outcome: Omit<ScenarioOutcome, "logs"> & { logs?: Record<string, string> }) =>
        scenarioEnd(id, s, outcome, performance.now() - started, options);
      if (choice.status === "skip") {
        emit(end({ status: "skipped", reason: choice.reason }));
        summary.skipped++;
        continue;
      }
      const timeoutMs = s.timeoutMs ?? options.timeoutMs;
      let outcome: ScenarioOutcome;
      if (s.source.plain) {
        const plain = ScenarioWorker.open({
          ...fileOf(s.source),
          mode: "run",
          implicit: { id, timeoutMs },
          grants: options.grants,
          memoryLimitMb: options.memoryLimitMb,
          env: await loadEnv(s.source, options),
          saveAudioDir: options.saveAudioDir,
          keepSip,
          metrics: options.metrics,
          onMessage: emit,
        });
        try {
          outcome = await plain.runImplicit(options.signal);
        } finally {
          await plain.close();
        }
      } else {
        if (!worker || !worker.usable || workerFile !== s.source) {
          await worker?.close();
          workerFile = s.source;
          worker = ScenarioWorker.open({
            ...fileOf(s.source),
            mode: "run",
            grants: options.grants,
            loadTimeoutMs: options.loadTimeoutMs ?? options.timeoutMs,
            memoryLimitMb: options.memoryLimitMb,
            env: await loadEnv(s.source, options),
            saveAudioDir: options.saveAudioDir,
            keepSip,
            metrics: options.metrics,
            onMessage: emit,
          });
        }
        outcome = await runDeclared(worker, id, s, timeoutMs, options.signal);
      }
      if (options.pcap && outcome.sip) await options.pcap.add(s.file, s.name, outcome.sip);
      if (options.sipEvents && outcome.sip) emit(sipEvent(id, outcome.sip));
      emit(end(outcome));
      if (outcome.status === "passed") summary.passed++;
      else if (outcome.status === "skipped") summary.skipped++;
      else if (outcome.status === "failed") summary.failed++;
      if (outcome.status === "interrupted" || options.signal?.aborted) {
        summary.interrupted = true;
        break;
      }
      if (outcome.status === "failed" && options.bail) {
        summary.interrupted = true;
        break;
      }
    }
  } finally {
    await worker?.close();
  }
  emit({ type: "run-end", ...summary, durationMs: performance.now() - runStarted });
  return summary;
}

/** Runs a declared scenario in `worker`, after checking the file loaded as it was listed. */
async function runDeclared(
  worker: ScenarioWorker,
  id: string,
  s: PlannedScenario,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ScenarioOutcome> {
  const loaded = await Promise.race([
    worker.loaded,
    new Promise<"interrupted">((resolve) => {
      if (signal?.aborted) resolve("interrupted");
      signal?.addEventListener("abort", () => resolve("interrupted"), { once: true });
    }),
  ]);
  if (loaded === "interrupted") return { status: "interrupted", logs: {} };
  if (loaded.kind === "load-error") return { status: "failed", failure: loaded.failure, logs: {} };
  if (loaded.kind === "ready" && loaded.scenarios[s.index]?.name !== s.name) {
    return {
      status: "failed",
      failure: { message: `${s.file} declared other scenarios when run than when listed` },
      logs: {},
    };
  }
  return await worker.run(id, { index: s.index, name: s.name, timeoutMs }, signal);
}

function scenarioEnd(
  id: string,
  s: PlannedScenario,
  outcome: Omit<ScenarioOutcome, "logs"> & { logs?: Record<string, string> },
  durationMs: number,
  options: RunOptions,
): ScenarioEndEvent {
  const bad = outcome.status === "failed" || outcome.status === "interrupted";
  const logs = outcome.logs && Object.keys(outcome.logs).length > 0 &&
      (options.verbose || (bad && options.logs))
    ? outcome.logs
    : undefined;
  return {
    type: "scenario-end",
    id,
    file: s.file,
    name: s.name,
    status: outcome.status,
    durationMs,
    ...(outcome.failure
      ? {
        error: {
          message: outcome.failure.message,
          ...(outcome.failure.stack ? { stack: outcome.failure.stack } : {}),
          ...(outcome.failure.location ? { location: outcome.failure.location } : {}),
        },
      }
      : {}),
    ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}),
    ...(logs ? { logs } : {}),
    ...(outcome.agents ? { agents: outcome.agents } : {}),
  };
}

function fileOf(f: ScenarioFile): ScenarioFile {
  return { path: f.path, file: f.file, root: f.root };
}
