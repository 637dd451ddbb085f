/**
 * Runs one unit of a flow run (see schedule.ts): its scenarios one after
 * another in one sandbox — the file's Worker, loaded once, reused while it
 * is usable — each reported as `scenario-start`, its own events, and
 * `scenario-end`.
 *
 * @module
 */
import type { ScenarioFile } from "./discover.ts";
import { loadEnv, type PlannedScenario } from "./listing.ts";
import type { RunEvent, ScenarioEndEvent } from "./report/events.ts";
import { sipEvent } from "./report/sip.ts";
import type { RunOptions } from "./runner.ts";
import { sandboxSpec, type ScenarioOutcome, ScenarioWorker } from "./sandbox/host.ts";
import type { SandboxPool } from "./sandbox/pool.ts";
import type { RunUnit } from "./schedule.ts";

/** What a unit needs from its run. */
export interface UnitContext {
  options: RunOptions;
  /** Where sandboxes come from (started ahead where it could). */
  pool: SandboxPool;
  emit(event: RunEvent): void;
  /** True once no further scenario may start (an interrupt, or `--bail` after a failure). */
  stopping(): boolean;
  /** Counts a scenario's outcome (and decides whether the run stops). */
  finished(status: ScenarioOutcome["status"]): void;
}

/**
 * Runs `unit`'s scenarios in order until they are done or the run stops.
 *
 * @example
 * ```ts
 * for (const unit of planUnits(selected, { jobs: 1 })) await runUnit(unit, context);
 * ```
 */
export async function runUnit(unit: RunUnit, context: UnitContext): Promise<void> {
  const { options, emit } = context;
  const keepSip = options.pcap !== undefined || options.sipEvents === true;
  let worker: ScenarioWorker | undefined;
  const open = async (s: PlannedScenario, implicit?: { id: string; timeoutMs: number }) => {
    const spec = {
      ...fileOf(s.source),
      grants: options.grants,
      memoryLimitMb: options.memoryLimitMb,
    };
    return ScenarioWorker.open({
      ...spec,
      mode: "run",
      ...(implicit ? { implicit } : {}),
      loadTimeoutMs: options.loadTimeoutMs ?? options.timeoutMs,
      env: await loadEnv(s.source, options),
      saveAudioDir: options.saveAudioDir,
      keepSip,
      metrics: options.metrics,
      onMessage: emit,
      sandbox: context.pool.take(sandboxSpec(spec)),
    });
  };
  try {
    for (const choice of unit.scenarios) {
      if (context.stopping()) return;
      const s = choice.scenario;
      const id = choice.id;
      const started = performance.now();
      emit({ type: "scenario-start", id, file: s.file, name: s.name, tags: s.tags });
      const end = (outcome: Omit<ScenarioOutcome, "logs"> & { logs?: Record<string, string> }) =>
        scenarioEnd(id, s, outcome, performance.now() - started, options);
      if (choice.status === "skip") {
        emit(end({ status: "skipped", reason: choice.reason }));
        context.finished("skipped");
        continue;
      }
      const timeoutMs = s.timeoutMs ?? options.timeoutMs;
      let outcome: ScenarioOutcome;
      if (s.source.plain) {
        const plain = await open(s, { id, timeoutMs });
        try {
          outcome = await plain.runImplicit(options.signal);
        } finally {
          await plain.close();
        }
      } else {
        if (!worker || !worker.usable) {
          await worker?.close();
          worker = await open(s);
        }
        outcome = await runDeclared(worker, id, s, timeoutMs, options.signal);
      }
      if (options.pcap && outcome.sip) await options.pcap.add(s.file, s.name, outcome.sip);
      if (options.sipEvents && outcome.sip) emit(sipEvent(id, outcome.sip));
      emit(end(outcome));
      context.finished(outcome.status);
    }
  } finally {
    await worker?.close();
  }
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
