/**
 * A flow run: load every scenario file in its sandbox to learn its
 * scenarios (no agents start in this pass), select them, take this
 * machine's share (`--shard`), then run them — `jobs` units at a time (see
 * schedule.ts), each scenario reported as RunEvents. Sandboxes of the
 * files that come next are started ahead (pool.ts), even with one job.
 *
 * Errors before the first scenario runs — a file that does not load, a
 * selection that matches nothing — are thrown (`LoadFailure`,
 * `SelectionError`), and no event is emitted; the CLI turns them into exit
 * code 2.
 *
 * With several jobs, the events of scenarios running at once interleave;
 * each scenario's own events keep their order (`scenario-start`, its
 * assertions, logs and metrics, `sip`, `scenario-end`), `run-start` comes
 * first and `run-end` last, and ids follow the serial order. `--bail`
 * starts no scenario after a failure (those running finish); an interrupt
 * stops the running ones (their teardown runs) and starts no other.
 *
 * @module
 */
import type { ScenarioFile } from "./discover.ts";
import {
  LIST_CONCURRENCY,
  listScenarioFiles,
  type LoadOptions,
  planScenarios,
  specOf,
} from "./listing.ts";
import type { Reporter, RunEvent } from "./report/events.ts";
import type { PcapSink } from "./report/pcap.ts";
import { runUnit, type UnitContext } from "./run_unit.ts";
import { SandboxPool } from "./sandbox/pool.ts";
import { planUnits, type RunUnit } from "./schedule.ts";
import { SelectionError, selectScenarios, unmatchedPatterns } from "./select.ts";
import { shardOf, type ShardSpec } from "./shard.ts";

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
  /** Aborting it interrupts the run: the running scenarios' teardown runs, their agents stop. */
  signal?: AbortSignal;
  /** Units (files, or concurrent scenarios) run at once (`--jobs`); default 1. */
  jobs?: number;
  /** Run only this share of the selected scenarios (`--shard i/n`). */
  shard?: ShardSpec;
  /** Durations (ms, by `shardKey`) of an earlier run, to balance shards by time. */
  shardTimings?: ReadonlyMap<string, number>;
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
  const jobs = Math.max(1, options.jobs ?? 1);
  const pool = options.pool ?? runPool(options.files, options);
  try {
    return await execute(await plan(options, jobs, pool), options, jobs, pool);
  } finally {
    pool.close();
  }
}

/**
 * A sandbox pool for a run of `files`, already starting the sandboxes the
 * listing pass needs first (the CLI creates it before it type-checks, so
 * they start meanwhile). {@link runScenarios} closes it.
 *
 * @example
 * ```ts
 * const pool = runPool(files, { grants: {}, jobs: 4 });
 * await runScenarios({ ...options, files, pool });
 * ```
 */
export function runPool(
  files: readonly ScenarioFile[],
  options: Pick<RunOptions, "grants" | "memoryLimitMb" | "jobs">,
): SandboxPool {
  const jobs = Math.max(1, options.jobs ?? 1);
  const pool = new SandboxPool({ spares: LIST_CONCURRENCY + jobs });
  // Those of the listing pass, and those of the first files to run.
  pool.prepare(
    [...files.slice(0, LIST_CONCURRENCY), ...files.slice(0, jobs)].map((f) => specOf(f, options)),
  );
  return pool;
}

/** What a run runs: its units, and how many scenarios of how many selected are this shard's. */
interface RunPlan {
  units: RunUnit[];
  scenarios: number;
  selected: number;
}

/** Lists, selects and shards the scenarios, and cuts them into units. */
async function plan(options: RunOptions, jobs: number, pool: SandboxPool): Promise<RunPlan> {
  const listed = await listScenarioFiles(options.files, {
    ...options,
    loadTimeoutMs: options.loadTimeoutMs ?? options.timeoutMs,
    pool,
    // The first files' run sandboxes start while the last ones are listed.
    keepAhead: options.files.slice(0, jobs).map((f) => specOf(f, options)),
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
  const mine = options.shard
    ? shardOf(
      selected.map((choice) => ({
        choice,
        file: choice.scenario.file,
        name: choice.scenario.name,
      })),
      options.shard,
      options.shardTimings,
    ).map((entry) => entry.choice)
    : selected;
  return { units: planUnits(mine, { jobs }), scenarios: mine.length, selected: selected.length };
}

/** Runs the units `jobs` at a time and reports them. */
async function execute(
  { units, scenarios, selected }: RunPlan,
  options: RunOptions,
  jobs: number,
  pool: SandboxPool,
): Promise<RunSummary> {
  const emit = (event: RunEvent) => {
    for (const reporter of options.reporters) reporter.handle(event);
  };
  const runStarted = performance.now();
  emit({
    type: "run-start",
    files: options.files.map((f) => f.file),
    startedAt: new Date().toISOString(),
    ...(jobs > 1 ? { jobs } : {}),
    ...(options.shard ? { shard: { ...options.shard, scenarios, of: selected } } : {}),
  });
  const summary: RunSummary = { passed: 0, failed: 0, skipped: 0, interrupted: false };
  let bailed = false;
  const context: UnitContext = {
    options,
    pool,
    emit,
    stopping: () => bailed || options.signal?.aborted === true,
    finished: (status) => {
      if (status === "passed") summary.passed++;
      else if (status === "skipped") summary.skipped++;
      else if (status === "failed") summary.failed++;
      if (status === "interrupted") summary.interrupted = true;
      if (status === "failed" && options.bail) bailed = true;
    },
  };
  let next = 0;
  const lane = async () => {
    while (next < units.length && !context.stopping()) {
      const unit = units[next++];
      // The sandboxes of the units that come next start while this one runs.
      pool.prepare(
        units.slice(next).filter((u) => u.needsSandbox).slice(0, jobs + 1)
          .map((u) => specOf(u.source, options)),
      );
      await runUnit(unit, context);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, units.length) }, lane));
  if (bailed || options.signal?.aborted || next < units.length) summary.interrupted = true;
  emit({ type: "run-end", ...summary, durationMs: performance.now() - runStarted });
  return summary;
}
