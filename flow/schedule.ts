/**
 * How a run's selected scenarios are cut into units of work for `--jobs`:
 * a unit runs in one sandbox, its scenarios one after another, and units
 * run side by side.
 *
 * - Scenario ids (`s1`, `s2`…) follow the selected order, which is the
 *   order of a serial run whatever the jobs: a report sorted by id reads
 *   as a serial run.
 * - A plain file (no `scenario()` calls) is one unit.
 * - A file's scenarios share a unit, in their order — unless the run has
 *   more than one job and a scenario is `concurrent`: then it is a unit of
 *   its own, in its own sandbox.
 * - Units are queued in the order of their first scenario.
 *
 * @module
 */
import { RingoError } from "../core/errors.ts";
import type { ListedFile, PlannedScenario } from "./listing.ts";
import type { Selected } from "./select.ts";

/** A selected scenario with its run id. */
export type ScheduledScenario = Selected<PlannedScenario> & { id: string };

/** Scenarios of one file that run in one sandbox, in order. */
export interface RunUnit {
  source: ListedFile;
  scenarios: ScheduledScenario[];
  /** False when every scenario of the unit is skipped: it needs no sandbox. */
  needsSandbox: boolean;
}

/**
 * Cuts `selected` into units (see the module documentation).
 *
 * @example
 * ```ts
 * const units = planUnits(selectScenarios(planScenarios(listed)), { jobs: 4 });
 * units.map((u) => u.scenarios.map((s) => s.id)); // [["s1", "s2"], ["s3"], ["s4"]]
 * ```
 */
export function planUnits(
  selected: readonly Selected<PlannedScenario>[],
  options: { jobs: number },
): RunUnit[] {
  const units: RunUnit[] = [];
  /** The shared unit of each file (its scenarios that are not split off). */
  const shared = new Map<ListedFile, RunUnit>();
  selected.forEach((choice, i) => {
    const scheduled: ScheduledScenario = { ...choice, id: `s${i + 1}` };
    const source = choice.scenario.source;
    const alone = source.plain || (options.jobs > 1 && choice.scenario.concurrent === true);
    let unit = alone ? undefined : shared.get(source);
    if (!unit) {
      unit = { source, scenarios: [], needsSandbox: false };
      units.push(unit);
      if (!alone) shared.set(source, unit);
    }
    unit.scenarios.push(scheduled);
    if (choice.status === "run") unit.needsSandbox = true;
  });
  return units;
}

/**
 * The number of jobs `--jobs` asks for: a whole number ≥ 1, or `auto` for
 * the number of CPUs.
 *
 * @example
 * ```ts
 * parseJobs("4"); // 4
 * parseJobs("auto"); // navigator.hardwareConcurrency
 * ```
 */
export function parseJobs(text: string | number): number {
  if (text === "auto") return Math.max(1, navigator.hardwareConcurrency || 1);
  const n = typeof text === "number" ? text : /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 1) {
    throw new JobsError(`--jobs takes a whole number ≥ 1 or auto, got ${JSON.stringify(text)}`, {
      hint: "--jobs 4 runs four scenario files at a time; --jobs auto one per CPU",
    });
  }
  return n;
}

/** A `--jobs` value is malformed. */
export class JobsError extends RingoError {}
