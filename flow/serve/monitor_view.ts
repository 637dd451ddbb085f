/**
 * A monitor as the API and the dashboard show it: its config (paths
 * relative to the config file, env files by name only — never their
 * values), whether it is idle, queued or running, its last run, its next
 * scheduled run, its success rate and the recent runs behind the trend
 * charts.
 *
 * @module
 */
import { relative } from "node:path";
import type { RunArchive } from "./archive.ts";
import type { MonitorConfig } from "./config.ts";
import type { RunQueue } from "./run_queue.ts";
import { FINAL_STATUSES, type RunSummary } from "./run_record.ts";
import type { Scheduler } from "./scheduler.ts";

/** How many recent runs a monitor view carries (the charts' width). */
export const RECENT_RUNS = 30;

/** See the module documentation. */
export interface MonitorView {
  name: string;
  description?: string;
  paths: string[];
  schedule?: string;
  timezone?: string;
  nextRun?: string;
  state: "idle" | "queued" | "running";
  timeoutMs: number;
  retries: number;
  tags: string[];
  excludeTags: string[];
  scenario: string[];
  envFiles: string[];
  saveAudio: boolean;
  lastRun?: RunSummary;
  /** Share of passed runs among the recent finished ones, 0–1. */
  successRate?: number;
  /** Newest first. */
  recent: RunSummary[];
}

/** What {@link monitorView} reads. */
export interface MonitorViewSources {
  archive: RunArchive;
  queue: RunQueue;
  scheduler: Scheduler;
  /** The config file's folder, to show paths relative to it. */
  configDir: string;
}

/**
 * The view of `monitor` now.
 *
 * @example
 * ```ts
 * const view = await monitorView(config.monitors[0], { archive, queue, scheduler, configDir });
 * view.state; // "idle"
 * ```
 */
export async function monitorView(
  monitor: MonitorConfig,
  sources: MonitorViewSources,
): Promise<MonitorView> {
  const recent = await sources.archive.list({ monitor: monitor.name, limit: RECENT_RUNS });
  const finished = recent.filter((r) => FINAL_STATUSES.includes(r.status));
  const shown = (path: string) => {
    const rel = relative(sources.configDir, path);
    return rel.startsWith("..") ? path : rel || ".";
  };
  const next = sources.scheduler.nextRun(monitor.name);
  return {
    name: monitor.name,
    ...(monitor.description ? { description: monitor.description } : {}),
    paths: monitor.paths.map(shown),
    ...(monitor.schedule ? { schedule: monitor.schedule } : {}),
    ...(monitor.timezone ? { timezone: monitor.timezone } : {}),
    ...(next ? { nextRun: next.toISOString() } : {}),
    state: sources.queue.isRunning(monitor.name)
      ? "running"
      : sources.queue.hasQueued(monitor.name)
      ? "queued"
      : "idle",
    timeoutMs: monitor.timeoutMs,
    retries: monitor.retries,
    tags: monitor.tags,
    excludeTags: monitor.excludeTags,
    scenario: monitor.scenario,
    envFiles: monitor.envFiles.map(shown),
    saveAudio: monitor.saveAudio,
    ...(finished[0] ? { lastRun: finished[0] } : {}),
    ...(finished.length > 0
      ? { successRate: finished.filter((r) => r.status === "passed").length / finished.length }
      : {}),
    recent,
  };
}
