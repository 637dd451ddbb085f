/**
 * The events a flow run emits, in order: `run-start`, then per scenario
 * `scenario-start`, any `assertion`, `log` and `metric` events, `scenario-end`, and
 * finally `run-end`. With `--jobs` > 1 the events of scenarios running at
 * once interleave (each carries its scenario's id); each scenario's own
 * events keep that order. Every event is plain JSON (dates as ISO strings), so
 * the NDJSON reporter writes them as they are. With `--sip-messages`, a
 * `sip` event with the scenario's SIP signalling precedes its `scenario-end`. Reporters consume them
 * through the {@link Reporter} interface.
 *
 * @module
 */
import type { QualityView } from "../protocol.ts";

/** How a scenario ended. `interrupted` means the run was stopped (Ctrl+C, `--bail`) while it ran. */
export type ScenarioStatus = "passed" | "failed" | "skipped" | "interrupted";

/** Severity of a {@link LogEvent}. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** The run begins; `files` are the scenario files it will load. */
export interface RunStartEvent {
  type: "run-start";
  files: string[];
  /** ISO 8601 time, e.g. `2026-11-24T18:28:13.000Z`. */
  startedAt: string;
  /** Units run at once (`--jobs`), when more than one. */
  jobs?: number;
  /** This machine's share (`--shard i/n`): `scenarios` of the `of` selected. */
  shard?: { index: number; count: number; scenarios: number; of: number };
}

/**
 * A scenario begins. `id` (`s1`, `s2`…) is unique within the run and ties
 * later events to it; ids follow the order of a serial run, also when
 * scenarios run in parallel (`--jobs`) and their events interleave.
 */
export interface ScenarioStartEvent {
  type: "scenario-start";
  id: string;
  file: string;
  name: string;
  tags: string[];
}

/** One `expect(...)` matcher ran. */
export interface AssertionEvent {
  type: "assertion";
  scenarioId: string;
  passed: boolean;
  message: string;
  label?: string;
}

/** A line the scenario logged (`agent` absent), or an agent's notable line. */
export interface LogEvent {
  type: "log";
  scenarioId: string;
  /** Set for an agent's own event (a call, a DTMF digit…). */
  agent?: string;
  message: string;
  level: LogLevel;
}

/**
 * A measured value of a scenario: its own (`metric(name, value, unit)`), or
 * with `--metrics` an agent's figures (registration time, post-dial delay,
 * setup time, call duration, MOS, jitter, packet loss, round-trip time).
 */
export interface MetricEvent {
  type: "metric";
  scenarioId: string;
  name: string;
  value: number;
  unit?: string;
  /** The agent the figure is about. */
  agent?: string;
  /** Which of the agent's calls (1 for its first). */
  call?: number;
}

/** Where in a scenario file an error was raised. */
export interface SourceLocation {
  file: string;
  line: number;
  column?: number;
}

/** Why a scenario failed. */
export interface ScenarioError {
  message: string;
  stack?: string;
  location?: SourceLocation;
}

/** How one agent of a scenario ended up, as its scenario ended. */
export interface AgentReport {
  name: string;
  /** Its address of record, e.g. `sip:alice@pbx.example.com`. */
  aor: string;
  /** True for an agent with no registrar (reachable on 127.0.0.1). */
  loopback: boolean;
  /** Its registration when the scenario ended (`unregistered` for loopback agents). */
  registration: "unregistered" | "registering" | "registered" | "failed";
  /** The quality of its last call, once an RTCP report counted packets. */
  quality?: QualityView;
}

/** A scenario finished, was skipped, or was interrupted. */
export interface ScenarioEndEvent {
  type: "scenario-end";
  id: string;
  file: string;
  name: string;
  status: ScenarioStatus;
  durationMs: number;
  /** Set when `status` is `failed` (and possibly `interrupted`). */
  error?: ScenarioError;
  /** Set when `status` is `skipped`: why. */
  reason?: string;
  /** Each agent's captured log, by agent name. */
  logs?: Record<string, string>;
  /** The agents the scenario started, in start order (absent when it started none). */
  agents?: AgentReport[];
}

/** One SIP message of a {@link SipEvent}. */
export interface SipEventMessage {
  /** `UDP`, `TCP`, `TLS`, `WS`, `WSS`. */
  transport: string;
  /** `host:port` (`[v6]:port`). */
  source: string;
  destination: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** `INVITE sip:b@host SIP/2.0` or `SIP/2.0 180 Ringing`. */
  startLine: string;
  method?: string;
  statusCode?: number;
  callId?: string;
  /** The whole message as it went on the wire. */
  raw: string;
}

/**
 * A scenario's SIP signalling (`--sip-messages`), just before its
 * `scenario-end`: the messages of all its agents merged by time, each once
 * (as in `--pcap`), and which agent each address belongs to.
 */
export interface SipEvent {
  type: "sip";
  scenarioId: string;
  /** Agent name by `host:port` of its SIP sockets, as seen in the messages. */
  endpoints: Record<string, string>;
  messages: SipEventMessage[];
}

/** The run is over. `interrupted` is true if it was stopped before every scenario ran. */
export interface RunEndEvent {
  type: "run-end";
  passed: number;
  failed: number;
  skipped: number;
  interrupted: boolean;
  durationMs: number;
}

/**
 * Any event of a run; switch on `type`.
 *
 * @example
 * ```ts
 * function count(events: RunEvent[]): number {
 *   return events.filter((e) => e.type === "scenario-end" && e.status === "failed").length;
 * }
 * ```
 */
export type RunEvent =
  | RunStartEvent
  | ScenarioStartEvent
  | AssertionEvent
  | LogEvent
  | MetricEvent
  | SipEvent
  | ScenarioEndEvent
  | RunEndEvent;

/**
 * A consumer of run events. `handle` is called synchronously for each event
 * in order; `close`, if present, is awaited once after `run-end` (or after
 * an interruption) to flush files.
 *
 * @example
 * ```ts
 * const failures: Reporter = {
 *   handle(e) {
 *     if (e.type === "scenario-end" && e.status === "failed") console.error(e.name);
 *   },
 * };
 * ```
 */
export interface Reporter {
  handle(event: RunEvent): void;
  close?(): Promise<void>;
}

/**
 * Where text reporters write: a function taking a chunk of text (with its
 * own newlines). Tests pass one that collects; the CLI one that writes stdout.
 *
 * @example
 * ```ts
 * const chunks: string[] = [];
 * const write: Writer = (s) => chunks.push(s);
 * ```
 */
export type Writer = (text: string) => void;

/**
 * Formats a source location as `file:line:column` (or `file:line`).
 *
 * @example
 * ```ts
 * formatLocation({ file: "examples/pbx/call.ts", line: 12, column: 5 }); // "examples/pbx/call.ts:12:5"
 * ```
 */
export function formatLocation(location: SourceLocation): string {
  const { file, line, column } = location;
  return column === undefined ? `${file}:${line}` : `${file}:${line}:${column}`;
}

/**
 * A metric's name with whom and which call it is about, and its unit:
 * what JUnit properties and text reports call it.
 *
 * @example
 * ```ts
 * metricKey({ type: "metric", scenarioId: "s1", name: "setup_time", value: 21, unit: "ms", agent: "A", call: 1 });
 * // "A.call1.setup_time_ms"
 * metricKey({ type: "metric", scenarioId: "s1", name: "mos", value: 4.4, agent: "B", call: 2 }); // "B.call2.mos"
 * ```
 */
export function metricKey(m: MetricEvent): string {
  const unit = m.unit ? `_${m.unit === "%" ? "pct" : m.unit.replace(/[^\w]+/g, "_")}` : "";
  return `${m.agent ? `${m.agent}.` : ""}${m.call ? `call${m.call}.` : ""}${m.name}${unit}`;
}
