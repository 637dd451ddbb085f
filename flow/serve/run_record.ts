/**
 * What the archive keeps about one run of a monitor, and how it is
 * folded from the run's NDJSON events as they arrive: the verdict, each
 * scenario with its assertions and failure (explained in words), each
 * agent's registration and call quality, and the SIP message count.
 *
 * @module
 */
import type { AgentReport, RunEvent, ScenarioError } from "../report/events.ts";

/** Where a run is in its life; the last five are final. */
export type RunStatus =
  | "queued"
  | "running"
  | "passed"
  | "failed"
  | "timeout"
  | "error"
  | "interrupted";

/** The statuses a run ends in. */
export const FINAL_STATUSES: readonly RunStatus[] = [
  "passed",
  "failed",
  "timeout",
  "error",
  "interrupted",
];

/** What started a run. */
export interface RunTrigger {
  kind: "schedule" | "api" | "dashboard";
  /** The user or token that asked (API and dashboard runs). */
  by?: string;
}

/** One scenario of a run. */
export interface ScenarioSummary {
  /** The runner's id within the run (`s1`, `s2`, …). */
  id: string;
  file: string;
  name: string;
  tags: string[];
  status: "running" | "passed" | "failed" | "skipped" | "interrupted";
  durationMs?: number;
  assertions: { passed: number; failed: number };
  error?: ScenarioError;
  /** The failure in words: what was awaited, what was seen, where. */
  explanation?: string;
  reason?: string;
  agents: AgentReport[];
  /** SIP messages captured (the ladder's length). */
  sipMessages: number;
  /** Saved WAV files, as `agent/file.wav` below the scenario's audio folder. */
  audio: string[];
}

/** One attempt of a run (a monitor with `retries` may make several). */
export interface AttemptSummary {
  status: RunStatus;
  durationMs: number;
  /** The first failure's message, or why the attempt ended early. */
  message?: string;
}

/** Everything the archive keeps about a run, apart from its files. */
export interface RunRecord {
  id: string;
  monitor: string;
  trigger: RunTrigger;
  status: RunStatus;
  /** ISO times. */
  queuedAt: string;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  /** Attempts before the last one (empty unless retries were used). */
  attempts: AttemptSummary[];
  counts: { passed: number; failed: number; skipped: number };
  scenarios: ScenarioSummary[];
  /** Why the run ended as it did when no scenario says it (timeout, load error, crash). */
  message?: string;
  /** The exit code of the `ringo flow run` child. */
  exitCode?: number;
  /** Which files the run folder holds. */
  files: { events: boolean; junit: boolean; pcap: boolean; audio: boolean; stderr: boolean };
}

/** The compact view of a run kept in the indexes: lists and charts need only this. */
export interface RunSummary {
  id: string;
  monitor: string;
  status: RunStatus;
  trigger: RunTrigger["kind"];
  queuedAt: string;
  startedAt?: string;
  durationMs?: number;
  counts: RunRecord["counts"];
  /** The lowest MOS any agent of the run measured. */
  mos?: number;
  message?: string;
  /** The run folder still holds WAV files. */
  audio: boolean;
}

/**
 * A fresh record for a run that was just queued.
 *
 * @example
 * ```ts
 * const record = newRunRecord("01jx…", "pbx-call", { kind: "schedule" });
 * ```
 */
export function newRunRecord(id: string, monitor: string, trigger: RunTrigger): RunRecord {
  return {
    id,
    monitor,
    trigger,
    status: "queued",
    queuedAt: new Date().toISOString(),
    attempts: [],
    counts: { passed: 0, failed: 0, skipped: 0 },
    scenarios: [],
    files: { events: false, junit: false, pcap: false, audio: false, stderr: false },
  };
}

/**
 * The summary of `record` for the indexes.
 *
 * @example
 * ```ts
 * summarize(record).mos; // 4.4
 * ```
 */
export function summarize(record: RunRecord): RunSummary {
  const moses = record.scenarios.flatMap((s) =>
    s.agents.flatMap((a) => a.quality ? [a.quality.mos] : [])
  );
  return {
    id: record.id,
    monitor: record.monitor,
    status: record.status,
    trigger: record.trigger.kind,
    queuedAt: record.queuedAt,
    ...(record.startedAt ? { startedAt: record.startedAt } : {}),
    ...(record.durationMs !== undefined ? { durationMs: record.durationMs } : {}),
    counts: record.counts,
    ...(moses.length > 0 ? { mos: Math.min(...moses) } : {}),
    ...(record.message ? { message: record.message } : {}),
    audio: record.files.audio,
  };
}

/**
 * Folds one event of the running attempt into `record` (in place).
 *
 * @example
 * ```ts
 * for (const event of events) applyEvent(record, event);
 * record.scenarios[0].status; // "passed"
 * ```
 */
export function applyEvent(record: RunRecord, event: RunEvent): void {
  switch (event.type) {
    case "scenario-start":
      record.scenarios.push({
        id: event.id,
        file: event.file,
        name: event.name,
        tags: event.tags,
        status: "running",
        assertions: { passed: 0, failed: 0 },
        agents: [],
        sipMessages: 0,
        audio: [],
      });
      return;
    case "assertion": {
      const s = scenarioOf(record, event.scenarioId);
      if (s) s.assertions[event.passed ? "passed" : "failed"]++;
      return;
    }
    case "sip": {
      const s = scenarioOf(record, event.scenarioId);
      if (s) s.sipMessages = event.messages.length;
      return;
    }
    case "scenario-end": {
      const s = scenarioOf(record, event.id);
      if (!s) return;
      s.status = event.status;
      s.durationMs = event.durationMs;
      if (event.error) {
        s.error = {
          message: event.error.message,
          ...(event.error.location ? { location: event.error.location } : {}),
        };
        s.explanation = explainFailure(event.error);
      }
      if (event.reason !== undefined) s.reason = event.reason;
      s.agents = event.agents ?? [];
      return;
    }
    case "run-end":
      record.counts = { passed: event.passed, failed: event.failed, skipped: event.skipped };
      return;
    case "run-start":
    case "log":
      return;
  }
}

/**
 * A failure in words, from the runner's error: what was awaited and what
 * was seen (the runner's `until` messages say both), and at which line.
 *
 * @example
 * ```ts
 * explainFailure({
 *   message: "timed out after 500ms: B state: expected established, got ringing",
 *   location: { file: "suite.ts", line: 17, column: 9 },
 * });
 * // "At suite.ts line 17, the scenario waited 500ms for B state to be established, but it stayed ringing."
 * ```
 */
export function explainFailure(error: ScenarioError): string {
  const where = error.location ? `At ${error.location.file} line ${error.location.line}, ` : "";
  const first = error.message.split("\n")[0];
  const waited = /^timed out after (\S+): (.+?): expected (.+?), got (.+)$/.exec(first);
  const expected = /^(.+?): expected (.+?), got (.+)$/.exec(first);
  let text: string;
  if (waited) {
    const [, after, what, want, got] = waited;
    text = `${where}the scenario waited ${after} for ${what} to be ${want}, but it stayed ${got}.`;
  } else if (expected) {
    const [, what, want, got] = expected;
    text = `${where}the scenario expected ${what} to be ${want}, but it was ${got}.`;
  } else {
    text = `${where}the scenario failed: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
  }
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The first failure of a record: its scenario and the explanation. */
export function firstFailure(record: RunRecord): ScenarioSummary | undefined {
  return record.scenarios.find((s) => s.status === "failed" || s.status === "interrupted");
}

function scenarioOf(record: RunRecord, id: string): ScenarioSummary | undefined {
  return record.scenarios.find((s) => s.id === id);
}
