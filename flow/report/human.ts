/**
 * The terminal reporter: one line per scenario (`✓`, `✗`, `-`, `!`) with its
 * duration, failure details under failed ones, and a summary line
 * `N passed, N failed, N skipped` that always ends the output, uncolored so
 * scripts can grep it.
 *
 * @module
 */
import { formatDuration } from "../duration.ts";
import {
  type AssertionEvent,
  formatLocation,
  type LogEvent,
  type MetricEvent,
  type Reporter,
  type RunEndEvent,
  type RunEvent,
  type RunStartEvent,
  type ScenarioEndEvent,
  type Writer,
} from "./events.ts";

/** How much the human reporter prints. */
export type Verbosity = "quiet" | "normal" | "verbose";

/** Options of {@link HumanReporter}. */
export interface HumanReporterOptions {
  /** Receives the text, a few lines at a time. */
  write: Writer;
  /** ANSI colors; default `true` (the CLI passes `false` for pipes and `NO_COLOR`). */
  color?: boolean;
  /**
   * - `quiet`: only failed and interrupted scenarios, and the summary;
   * - `normal` (default): every scenario, plus a failed scenario's own log lines;
   * - `verbose`: also every assertion, log line and stack trace, and agent logs of every scenario.
   */
  level?: Verbosity;
  /** Print the agents' logs under failed and interrupted scenarios (always on with `verbose`). */
  logs?: boolean;
}

/**
 * Prints run events for a person at a terminal. Scenario details are
 * buffered until the scenario ends, so parallel scenarios never interleave.
 *
 * @example
 * ```ts
 * const reporter = new HumanReporter({
 *   write: (s) => Deno.stdout.writeSync(new TextEncoder().encode(s)),
 *   color: Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR"),
 *   logs: true,
 * });
 * reporter.handle({ type: "run-start", files: ["call.ts"], startedAt: new Date().toISOString() });
 * // ✓ call.ts › A calls B (1.23s)
 * // …
 * // 1 passed, 0 failed, 0 skipped
 * ```
 */
export class HumanReporter implements Reporter {
  readonly #write: Writer;
  readonly #paint: Paint;
  readonly #level: Verbosity;
  readonly #logs: boolean;
  readonly #pending = new Map<string, Array<AssertionEvent | LogEvent>>();
  readonly #metrics = new Map<string, MetricEvent[]>();

  constructor(options: HumanReporterOptions) {
    this.#write = options.write;
    this.#paint = painter(options.color ?? true);
    this.#level = options.level ?? "normal";
    this.#logs = options.logs ?? false;
  }

  /** Prints (or buffers) one event. */
  handle(event: RunEvent): void {
    switch (event.type) {
      case "run-start":
        if (this.#level !== "quiet") this.#emit([this.#paint.dim(runLine(event))]);
        return;
      case "scenario-start":
        this.#pending.set(event.id, []);
        return;
      case "assertion":
      case "log":
        this.#buffer(event.scenarioId).push(event);
        return;
      case "metric": {
        const list = this.#metrics.get(event.scenarioId) ?? [];
        list.push(event);
        this.#metrics.set(event.scenarioId, list);
        return;
      }
      case "scenario-end":
        this.#emit(this.#scenarioLines(event));
        this.#pending.delete(event.id);
        this.#metrics.delete(event.id);
        return;
      case "run-end":
        this.#emit(this.#summaryLines(event));
        return;
      case "sip":
        return;
    }
  }

  #buffer(id: string): Array<AssertionEvent | LogEvent> {
    let list = this.#pending.get(id);
    if (!list) this.#pending.set(id, list = []);
    return list;
  }

  #emit(lines: string[]): void {
    if (lines.length > 0) this.#write(lines.map((l) => `${l}\n`).join(""));
  }

  #scenarioLines(e: ScenarioEndEvent): string[] {
    const p = this.#paint;
    const bad = e.status === "failed" || e.status === "interrupted";
    const verbose = this.#level === "verbose";
    if (this.#level === "quiet" && !bad) return [];
    const title = `${e.file} › ${e.name}`;
    const time = p.dim(`(${formatDuration(e.durationMs)})`);
    const lines: string[] = [];
    switch (e.status) {
      case "passed":
        lines.push(`${p.green("✓")} ${title} ${time}`);
        break;
      case "failed":
        lines.push(`${p.red("✗")} ${title} ${time}`);
        break;
      case "skipped":
        lines.push(
          `${p.yellow("-")} ${title} ${p.dim(`(skipped${e.reason ? `: ${e.reason}` : ""})`)}`,
        );
        break;
      case "interrupted":
        lines.push(
          `${p.yellow("!")} ${title} ${
            p.dim(`(interrupted after ${formatDuration(e.durationMs)})`)
          }`,
        );
        break;
    }
    if (e.error) {
      lines.push(...indent(e.error.message, 4).map((l) => p.red(l)));
      const frames = verbose && e.error.stack ? stackFrames(e.error.stack) : [];
      if (frames.length > 0) lines.push(...frames.map((l) => p.dim(`    ${l}`)));
      else if (e.error.location) lines.push(p.dim(`    at ${formatLocation(e.error.location)}`));
    }
    lines.push(...metricLines(this.#metrics.get(e.id) ?? []).map((l) => p.dim(l)));
    const details = this.#pending.get(e.id) ?? [];
    if (verbose || (bad && this.#level === "normal")) {
      for (const d of details) {
        if (d.type === "assertion") {
          if (verbose) lines.push(`    ${d.passed ? p.green("✓") : p.red("✗")} ${d.message}`);
        } else {
          lines.push(this.#logLine(d));
        }
      }
    }
    if (e.logs && (verbose || (bad && this.#logs))) {
      for (const [agent, text] of Object.entries(e.logs)) {
        lines.push(p.dim(`    ── ${agent} log ──`));
        lines.push(...indent(text.replace(/\n$/, ""), 6).map((l) => p.dim(l)));
      }
    }
    return lines;
  }

  #logLine(d: LogEvent): string {
    const p = this.#paint;
    const who = d.agent ?? "log";
    const text = `    ${who}: ${d.message}`;
    if (d.level === "error") return p.red(text);
    if (d.level === "warn") return p.yellow(text);
    if (d.level === "debug") return p.dim(text);
    return text;
  }

  #summaryLines(e: RunEndEvent): string[] {
    const lines = [""];
    if (this.#level !== "quiet") {
      lines.push(this.#paint.dim(`finished in ${formatDuration(e.durationMs)}`));
    }
    if (e.interrupted) lines.push("interrupted");
    lines.push(`${e.passed} passed, ${e.failed} failed, ${e.skipped} skipped`);
    return lines;
  }
}

/**
 * `running 6 scenario files`, `…, 4 at a time`, and with a shard
 * `shard 2/3: 5 of 14 scenarios, from 6 scenario files`.
 */
function runLine(e: RunStartEvent): string {
  const n = e.files.length;
  const files = `${n} scenario file${n === 1 ? "" : "s"}`;
  const atOnce = e.jobs && e.jobs > 1 ? `, ${e.jobs} at a time` : "";
  if (!e.shard) return `running ${files}${atOnce}`;
  const { index, count, scenarios, of } = e.shard;
  return `shard ${index}/${count}: ${scenarios} of ${of} scenario${of === 1 ? "" : "s"}, ` +
    `from ${files}${atOnce}`;
}

/** One line per agent (and one for the scenario's own): `    A: register_time 12.1 ms, call 1 setup_time 20 ms`. */
function metricLines(metrics: MetricEvent[]): string[] {
  const groups = new Map<string, string[]>();
  for (const m of metrics) {
    const who = m.agent ?? "metrics";
    const unit = m.unit ? (m.unit === "%" ? "%" : ` ${m.unit}`) : "";
    const item = `${m.call ? `call ${m.call} ` : ""}${m.name} ${m.value}${unit}`;
    groups.set(who, [...groups.get(who) ?? [], item]);
  }
  return [...groups].map(([who, items]) => `    ${who}: ${items.join(", ")}`);
}

interface Paint {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
}

function painter(color: boolean): Paint {
  const sgr = (open: number, close: number) => (s: string) =>
    color ? `\x1b[${open}m${s}\x1b[${close}m` : s;
  return { red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), dim: sgr(2, 22) };
}

function indent(text: string, spaces: number): string[] {
  const pad = " ".repeat(spaces);
  return text.split(/\r?\n/).map((line) => pad + line);
}

/** The `at …` lines of a stack trace, without the message that precedes them. */
function stackFrames(stack: string): string[] {
  return stack.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("at "));
}
