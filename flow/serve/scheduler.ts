/**
 * Cron schedules of monitors, with `croner`: each scheduled monitor gets
 * one job that asks for a run when it fires. Replacing the monitors (a
 * config reload) stops the old jobs and starts new ones; the run queue,
 * and the runs waiting in it, are not touched.
 *
 * @module
 */
import { Cron } from "croner";
import type { MonitorConfig } from "./config.ts";

/**
 * See the module documentation.
 *
 * @example
 * ```ts
 * const scheduler = new Scheduler((monitor) => queue.enqueue(monitor, { kind: "schedule" }));
 * scheduler.set(config.monitors);
 * scheduler.nextRun("pbx-call"); // Date
 * scheduler.stop();
 * ```
 */
export class Scheduler {
  readonly #fire: (monitor: MonitorConfig) => void | Promise<void>;
  readonly #jobs = new Map<string, Cron>();

  constructor(fire: (monitor: MonitorConfig) => void | Promise<void>) {
    this.#fire = fire;
  }

  /** Schedules exactly these monitors (those with a `schedule`). */
  set(monitors: readonly MonitorConfig[]): void {
    this.stop();
    for (const monitor of monitors) {
      if (!monitor.schedule) continue;
      const job = new Cron(monitor.schedule, {
        name: `ringo-monitor-${monitor.name}`,
        ...(monitor.timezone ? { timezone: monitor.timezone } : {}),
        // A slow fire (archive write) must not make croner skip the next one.
        protect: false,
        catch: (error: unknown) =>
          console.error(`ringo flow serve: monitor ${monitor.name}: ${(error as Error).message}`),
      }, () => this.#fire(monitor));
      this.#jobs.set(monitor.name, job);
    }
  }

  /** When `monitor` fires next, or undefined (no schedule). */
  nextRun(monitor: string): Date | undefined {
    return this.#jobs.get(monitor)?.nextRun() ?? undefined;
  }

  /** Stops every job. */
  stop(): void {
    for (const job of this.#jobs.values()) job.stop();
    this.#jobs.clear();
  }
}
