/**
 * The run archive: every run's record in Deno KV (with two indexes, newest
 * first, per monitor and overall), its files (events, JUnit, pcap, WAV,
 * the child's stderr) in a folder per run, and the counters behind the
 * Prometheus metrics, so that none of it is lost on a restart. Retention
 * by count and age per monitor; audio by count.
 *
 * KV layout:
 * - `["run", id]` → {@link RunRecord}
 * - `["by_monitor", monitor, id]`, `["by_time", id]` → {@link RunSummary}
 * - `["active", id]` → monitor, while a run is queued or running (found
 *   again after a crash and marked `interrupted`)
 * - `["count", "runs", monitor, status]`, `["count", "duration", monitor, bucket]`,
 *   `["count", "duration_ms", monitor]` → `Deno.KvU64`
 *
 * @module
 */
import { join } from "node:path";
import { ServeError } from "./errors.ts";
import {
  FINAL_STATUSES,
  type RunRecord,
  type RunStatus,
  type RunSummary,
  summarize,
} from "./run_record.ts";

/** Upper bounds (seconds) of the run-duration histogram. */
export const DURATION_BUCKETS = [1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600];

/** Retention of one monitor's runs. */
export interface Retention {
  keepRuns: number;
  keepDays: number;
  keepAudio: number;
}

/** Filters of {@link RunArchive.list}. */
export interface RunQuery {
  monitor?: string;
  status?: RunStatus;
  /** Only runs older than this run id (paging: the last id of the previous page). */
  before?: string;
  /** Most runs returned; default 50, at most 500. */
  limit?: number;
}

/** The counters of one monitor. */
export interface MonitorCounters {
  runs: Partial<Record<RunStatus, number>>;
  /** Runs per duration bucket (not cumulative); the last is over the largest bound. */
  durationBuckets: number[];
  durationSumSeconds: number;
}

/** Largest KV value (bytes) the archive writes; KV's own limit is 64 KiB. */
const MAX_VALUE_BYTES = 60_000;

/**
 * See the module documentation.
 *
 * @example
 * ```ts
 * await using archive = await RunArchive.open("/var/lib/ringo");
 * const page = await archive.list({ monitor: "pbx-call", limit: 20 });
 * ```
 */
export class RunArchive implements AsyncDisposable {
  readonly path: string;
  readonly #kv: Deno.Kv;

  private constructor(path: string, kv: Deno.Kv) {
    this.path = path;
    this.#kv = kv;
  }

  /** Opens (creating) the archive in folder `path`. */
  static async open(path: string): Promise<RunArchive> {
    try {
      await Deno.mkdir(join(path, "runs"), { recursive: true });
      return new RunArchive(path, await Deno.openKv(join(path, "archive.kv")));
    } catch (error) {
      throw new ServeError(`cannot open the run archive in ${path}: ${(error as Error).message}`, {
        hint: "check [archive] path in the config: the folder must be writable by ringo",
      });
    }
  }

  /** The folder of run `id`'s files. */
  runDir(id: string): string {
    return join(this.path, "runs", id);
  }

  /** Stores a new (queued) run. */
  async create(record: RunRecord): Promise<void> {
    await this.#write(record).set(["active", record.id], record.monitor).commit();
  }

  /** Stores the run's new state; a final state also counts it in the metrics' counters. */
  async update(record: RunRecord): Promise<void> {
    const op = this.#write(record);
    if (FINAL_STATUSES.includes(record.status)) {
      op.delete(["active", record.id]);
      op.sum(["count", "runs", record.monitor, record.status], 1n);
      if (record.durationMs !== undefined && record.status !== "interrupted") {
        op.sum(["count", "duration", record.monitor, bucketOf(record.durationMs / 1000)], 1n);
        op.sum(["count", "duration_ms", record.monitor], BigInt(Math.round(record.durationMs)));
      }
    }
    const result = await op.commit();
    if (!result.ok) throw new ServeError(`the archive refused to store run ${record.id}`);
  }

  /** Run `id`, or undefined. */
  async get(id: string): Promise<RunRecord | undefined> {
    return (await this.#kv.get<RunRecord>(["run", id])).value ?? undefined;
  }

  /** Runs newest first, filtered. */
  async list(query: RunQuery = {}): Promise<RunSummary[]> {
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
    const prefix = query.monitor !== undefined ? ["by_monitor", query.monitor] : ["by_time"];
    const selector = query.before !== undefined
      ? { prefix, end: [...prefix, query.before] }
      : { prefix };
    const out: RunSummary[] = [];
    const batch = query.status ? 500 : limit;
    for await (
      const entry of this.#kv.list<RunSummary>(selector, { reverse: true, batchSize: batch })
    ) {
      if (query.status && entry.value.status !== query.status) continue;
      out.push(entry.value);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Ids of runs left queued or running by a process that is gone. */
  async active(): Promise<string[]> {
    const ids: string[] = [];
    for await (const entry of this.#kv.list({ prefix: ["active"] })) ids.push(String(entry.key[1]));
    return ids;
  }

  /**
   * Marks every run left queued or running as `interrupted` (after a crash
   * or kill of the serve process); returns them.
   */
  async recoverInterrupted(): Promise<RunRecord[]> {
    const recovered: RunRecord[] = [];
    for (const id of await this.active()) {
      const record = await this.get(id);
      if (!record) {
        await this.#kv.delete(["active", id]);
        continue;
      }
      const wasRunning = record.status === "running";
      record.status = "interrupted";
      record.endedAt = new Date().toISOString();
      if (wasRunning && record.startedAt) {
        record.durationMs = Date.parse(record.endedAt) - Date.parse(record.startedAt);
      }
      record.message = wasRunning
        ? "ringo flow serve stopped while this run was running"
        : "ringo flow serve stopped before this run started";
      for (const s of record.scenarios) if (s.status === "running") s.status = "interrupted";
      await this.update(record);
      recovered.push(record);
    }
    return recovered;
  }

  /** The counters of every monitor that has any. */
  async counters(): Promise<Map<string, MonitorCounters>> {
    const out = new Map<string, MonitorCounters>();
    const of = (monitor: string) => {
      let c = out.get(monitor);
      if (!c) {
        c = {
          runs: {},
          durationBuckets: DURATION_BUCKETS.map(() => 0).concat(0),
          durationSumSeconds: 0,
        };
        out.set(monitor, c);
      }
      return c;
    };
    for await (const entry of this.#kv.list<Deno.KvU64>({ prefix: ["count"] })) {
      const [, kind, monitor, detail] = entry.key as [string, string, string, unknown];
      const n = Number(entry.value.value);
      if (kind === "runs") of(monitor).runs[detail as RunStatus] = n;
      else if (kind === "duration") of(monitor).durationBuckets[Number(detail)] = n;
      else if (kind === "duration_ms") of(monitor).durationSumSeconds = n / 1000;
    }
    return out;
  }

  /** Monitors with runs in the archive (also those no longer in the config). */
  async monitors(): Promise<string[]> {
    const names = new Set<string>();
    for await (const entry of this.#kv.list({ prefix: ["count", "runs"] })) {
      names.add(String(entry.key[2]));
    }
    return [...names];
  }

  /**
   * Applies `retention` to `monitor`'s runs: runs past the count or age
   * are deleted with their files; runs past `keepAudio` lose their WAV
   * files. Never touches a run still queued or running. Returns the
   * number of runs deleted.
   */
  async prune(monitor: string, retention: Retention, now = Date.now()): Promise<number> {
    const cutoff = now - retention.keepDays * 86_400_000;
    let kept = 0;
    let deleted = 0;
    for await (
      const entry of this.#kv.list<RunSummary>({ prefix: ["by_monitor", monitor] }, {
        reverse: true,
      })
    ) {
      const run = entry.value;
      if (!FINAL_STATUSES.includes(run.status)) continue;
      kept++;
      if (kept > retention.keepRuns || Date.parse(run.queuedAt) < cutoff) {
        await this.#delete(run);
        deleted++;
      } else if (kept > retention.keepAudio && run.audio) {
        await this.#dropAudio(run.id);
      }
    }
    return deleted;
  }

  /** Closes the KV store. */
  close(): void {
    this.#kv.close();
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  #write(record: RunRecord): Deno.AtomicOperation {
    const stored = fitted(record);
    const summary = summarize(stored);
    return this.#kv.atomic()
      .set(["run", record.id], stored)
      .set(["by_monitor", record.monitor, record.id], summary)
      .set(["by_time", record.id], summary);
  }

  async #delete(run: RunSummary): Promise<void> {
    await this.#kv.atomic()
      .delete(["run", run.id])
      .delete(["by_monitor", run.monitor, run.id])
      .delete(["by_time", run.id])
      .commit();
    await Deno.remove(this.runDir(run.id), { recursive: true }).catch(() => {});
  }

  async #dropAudio(id: string): Promise<void> {
    await Deno.remove(join(this.runDir(id), "audio"), { recursive: true }).catch(() => {});
    const record = await this.get(id);
    if (!record) return;
    record.files.audio = false;
    for (const s of record.scenarios) s.audio = [];
    await this.#write(record).commit();
  }
}

function bucketOf(seconds: number): number {
  const index = DURATION_BUCKETS.findIndex((le) => seconds <= le);
  return index < 0 ? DURATION_BUCKETS.length : index;
}

/**
 * The record as stored: when it is too large for one KV value, long
 * messages are shortened, then scenarios beyond what fits are dropped
 * (their events stay in the run's events file).
 */
function fitted(record: RunRecord): RunRecord {
  const size = (r: RunRecord) => new TextEncoder().encode(JSON.stringify(r)).length;
  if (size(record) <= MAX_VALUE_BYTES) return record;
  const short = (text: string | undefined) =>
    text && text.length > 400 ? `${text.slice(0, 400)}…` : text;
  const trimmed: RunRecord = {
    ...record,
    message: short(record.message),
    scenarios: record.scenarios.map((s) => ({
      ...s,
      ...(s.error ? { error: { ...s.error, message: short(s.error.message)! } } : {}),
      ...(s.explanation ? { explanation: short(s.explanation) } : {}),
    })),
  };
  while (size(trimmed) > MAX_VALUE_BYTES && trimmed.scenarios.length > 1) {
    trimmed.scenarios = trimmed.scenarios.slice(0, Math.ceil(trimmed.scenarios.length * 0.8));
    trimmed.message = `${
      record.scenarios.length - trimmed.scenarios.length
    } scenarios not listed here (too many for one record); the events file has them all`;
  }
  return trimmed;
}
