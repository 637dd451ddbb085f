/**
 * The run queue of `ringo flow serve`: runs wait in order, at most
 * `concurrency` run at once, never two of the same monitor. Each run is
 * one or more attempts (`retries`) of {@link runAttempt}; its events are
 * masked, written to the run's events file, folded into its record and
 * handed to live listeners (the API's Server-Sent Events) as they come.
 *
 * @module
 */
import { join, relative } from "node:path";
import { filesBelow } from "../discover.ts";
import type { RunEvent } from "../report/events.ts";
import { scenarioFolder } from "../output_paths.ts";
import type { RunArchive } from "./archive.ts";
import type { MonitorConfig } from "./config.ts";
import { SecretMasker } from "./masking.ts";
import { newRunId } from "./run_id.ts";
import { type AttemptResult, runAttempt } from "./run_process.ts";
import {
  applyEvent,
  firstFailure,
  newRunRecord,
  type RunRecord,
  type RunTrigger,
  summarize,
} from "./run_record.ts";

/** A run that is queued or running, as live listeners see it. */
export class LiveRun {
  readonly record: RunRecord;
  /** The event lines so far (masked), for late listeners. */
  readonly lines: string[] = [];
  /** Resolves with the final record. */
  readonly done: Promise<RunRecord>;
  readonly #listeners = new Set<(line: string | null) => void>();
  #resolve!: (record: RunRecord) => void;
  #ended = false;

  constructor(record: RunRecord) {
    this.record = record;
    this.done = new Promise((r) => (this.#resolve = r));
  }

  /**
   * Calls `listener` with every further line, then with `null` when the run
   * ended; returns the function that stops listening.
   */
  listen(listener: (line: string | null) => void): () => void {
    if (this.#ended) {
      queueMicrotask(() => listener(null));
      return () => {};
    }
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** @internal */
  push(line: string): void {
    this.lines.push(line);
    for (const listener of this.#listeners) listener(line);
  }

  /** @internal */
  finish(): void {
    this.#ended = true;
    for (const listener of this.#listeners) listener(null);
    this.#listeners.clear();
    this.#resolve(this.record);
  }
}

/** Options of {@link RunQueue}. */
export interface RunQueueOptions {
  archive: RunArchive;
  /** Runs at once. */
  concurrency: number;
  /** The children's working directory (the config file's folder). */
  cwd: string;
  /** The children's environment (without serve's own secrets). */
  env: Record<string, string>;
  /** Called once a run's final record is stored. */
  onFinished?(record: RunRecord): void | Promise<void>;
  /** Between SIGTERM and SIGKILL of an overrunning child. */
  killGraceMs?: number;
}

interface Queued {
  live: LiveRun;
  monitor: MonitorConfig;
}

/**
 * See the module documentation. `changes` dispatches a `change` event
 * (detail: the run's {@link RunSummary}) whenever a run is queued, starts
 * or ends.
 */
export class RunQueue {
  /** Fires `change` events; see the class documentation. */
  readonly changes: EventTarget = new EventTarget();
  readonly #options: RunQueueOptions;
  #concurrency: number;
  readonly #waiting: Queued[] = [];
  readonly #running = new Map<string, { live: LiveRun; abort: AbortController }>();
  readonly #finishing = new Set<Promise<void>>();
  #closed = false;

  constructor(options: RunQueueOptions) {
    this.#options = options;
    this.#concurrency = options.concurrency;
  }

  /** Runs at once; raising it starts waiting runs now. */
  set concurrency(value: number) {
    this.#concurrency = value;
    this.#pump();
  }

  /** Runs waiting, in order. */
  get waiting(): RunRecord[] {
    return this.#waiting.map((q) => q.live.record);
  }

  /** Runs running now. */
  get running(): RunRecord[] {
    return [...this.#running.values()].map((r) => r.live.record);
  }

  /** The queued or running run `id`. */
  live(id: string): LiveRun | undefined {
    return this.#running.get(id)?.live ?? this.#waiting.find((q) => q.live.record.id === id)?.live;
  }

  /** True while `monitor` has a run queued (not yet running). */
  hasQueued(monitor: string): boolean {
    return this.#waiting.some((q) => q.monitor.name === monitor);
  }

  /** True while `monitor` has a run running. */
  isRunning(monitor: string): boolean {
    return [...this.#running.values()].some((r) => r.live.record.monitor === monitor);
  }

  /**
   * Queues a run of `monitor` (its config as it is now) and stores it in
   * the archive as `queued`.
   */
  async enqueue(monitor: MonitorConfig, trigger: RunTrigger): Promise<LiveRun> {
    if (this.#closed) throw new Error("the run queue is shut down");
    const record = newRunRecord(newRunId(), monitor.name, trigger);
    await this.#options.archive.create(record);
    const live = new LiveRun(record);
    this.#waiting.push({ live, monitor });
    this.#changed(record);
    this.#pump();
    return live;
  }

  /**
   * Stops taking runs: running ones are stopped (their children get
   * SIGTERM) and recorded `interrupted`, waiting ones too.
   */
  async shutdown(): Promise<void> {
    this.#closed = true;
    for (const { abort } of this.#running.values()) abort.abort();
    for (const q of this.#waiting.splice(0)) {
      q.live.record.status = "interrupted";
      q.live.record.endedAt = new Date().toISOString();
      q.live.record.message = "ringo flow serve stopped before this run started";
      await this.#options.archive.update(q.live.record);
      this.#changed(q.live.record);
      q.live.finish();
    }
    await Promise.all(this.#finishing);
  }

  /** A run that could not be carried out (its folder unwritable, the archive gone…) ends as `error`. */
  async #failed(record: RunRecord, error: unknown): Promise<void> {
    const message = `ringo flow serve could not carry out this run: ${
      (error as Error).message ?? error
    }`;
    console.error(`ringo flow serve: run ${record.id}: ${(error as Error).stack ?? error}`);
    record.status = "error";
    record.endedAt = new Date().toISOString();
    record.message = message;
    try {
      await this.#options.archive.update(record);
    } catch {
      // the archive itself failed: the next start marks the run interrupted
    }
  }

  #changed(record: RunRecord): void {
    this.changes.dispatchEvent(new CustomEvent("change", { detail: summarize(record) }));
  }

  #pump(): void {
    while (!this.#closed && this.#running.size < this.#concurrency) {
      const index = this.#waiting.findIndex((q) => !this.isRunning(q.monitor.name));
      if (index < 0) return;
      const [next] = this.#waiting.splice(index, 1);
      const abort = new AbortController();
      this.#running.set(next.live.record.id, { live: next.live, abort });
      const finishing = this.#execute(next, abort.signal)
        .catch((error) => this.#failed(next.live.record, error))
        .finally(() => {
          this.#running.delete(next.live.record.id);
          this.#finishing.delete(finishing);
          this.#changed(next.live.record);
          next.live.finish();
          this.#pump();
        });
      this.#finishing.add(finishing);
    }
  }

  async #execute({ live, monitor }: Queued, signal: AbortSignal): Promise<void> {
    const { archive } = this.#options;
    const record = live.record;
    const dir = archive.runDir(record.id);
    record.status = "running";
    record.startedAt = new Date().toISOString();
    await archive.update(record);
    this.#changed(record);
    await Deno.mkdir(dir, { recursive: true });
    const masker = await SecretMasker.forRun(monitor.envFiles, this.#options.env);
    const started = performance.now();
    let result: AttemptResult | undefined;
    for (let attempt = 0; attempt <= monitor.retries; attempt++) {
      if (result) {
        record.attempts.push({
          status: result.status,
          durationMs: result.durationMs,
          ...(attemptMessage(record, result) ? { message: attemptMessage(record, result) } : {}),
        });
        record.scenarios = [];
        record.counts = { passed: 0, failed: 0, skipped: 0 };
        for (const old of ["junit.xml", "sip.pcap", "audio", "events.ndjson"]) {
          await Deno.remove(join(dir, old), { recursive: true }).catch(() => {});
        }
        live.push(JSON.stringify({ type: "retry", attempt: attempt + 1 }));
      }
      using events = await Deno.open(join(dir, "events.ndjson"), {
        write: true,
        create: true,
        append: true,
      });
      const encoder = new TextEncoder();
      result = await runAttempt({
        monitor,
        dir,
        cwd: this.#options.cwd,
        env: this.#options.env,
        signal,
        killGraceMs: this.#options.killGraceMs,
        onLine: (line, event) => {
          const masked = masker.mask(line);
          writeAll(events, encoder.encode(`${masked}\n`));
          if (event) applyEvent(record, masked === line ? event : parsedOr(masked, event));
          live.push(masked);
        },
      });
      if (result.status === "passed" || result.status === "interrupted") break;
    }
    const last = result!;
    record.status = last.status;
    record.endedAt = new Date().toISOString();
    record.durationMs = performance.now() - started;
    record.exitCode = last.exitCode ?? undefined;
    const message = attemptMessage(record, last);
    if (message) record.message = masker.mask(message);
    for (const s of record.scenarios) if (s.status === "running") s.status = "interrupted";
    if (last.stderr.trim() !== "") {
      await Deno.writeTextFile(join(dir, "stderr.txt"), masker.mask(last.stderr));
    }
    await this.#collectFiles(record, dir, monitor);
    await archive.update(record);
    await this.#options.onFinished?.(record);
  }

  async #collectFiles(record: RunRecord, dir: string, monitor: MonitorConfig): Promise<void> {
    record.files = {
      events: await exists(join(dir, "events.ndjson")),
      junit: await exists(join(dir, "junit.xml")),
      pcap: await exists(join(dir, "sip.pcap")),
      audio: false,
      stderr: await exists(join(dir, "stderr.txt")),
    };
    if (!monitor.saveAudio) return;
    const audioDir = join(dir, "audio");
    // Every folder counts here: a scenario may be named "dist" or "coverage".
    const wavs = (await filesBelow(audioDir, (name) => name.endsWith(".wav"), () => true)
      .catch(() => []))
      .map((path) => relative(audioDir, path).split("\\").join("/"))
      .sort();
    record.files.audio = wavs.length > 0;
    for (const s of record.scenarios) {
      const folder = `${scenarioFolder(s.file, s.name)}/`;
      s.audio = wavs.filter((f) => f.startsWith(folder)).map((f) => f.slice(folder.length));
    }
  }
}

/** What to say about an attempt when its events do not: the child's own message, else the first failure. */
function attemptMessage(record: RunRecord, result: AttemptResult): string | undefined {
  if (result.message) return result.message;
  const failed = firstFailure(record);
  return failed?.explanation ?? failed?.error?.message;
}

/** The masked line's event; the unmasked one's if masking broke the JSON (a secret like `"type"`). */
function parsedOr(masked: string, event: RunEvent): RunEvent {
  try {
    return JSON.parse(masked) as RunEvent;
  } catch {
    return event;
  }
}

function writeAll(file: Deno.FsFile, bytes: Uint8Array): void {
  let rest = bytes;
  while (rest.length > 0) rest = rest.subarray(file.writeSync(rest));
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
