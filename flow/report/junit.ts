/**
 * The JUnit XML reporter, for CI systems that show test results from it
 * (GitLab, Jenkins, GitHub actions that read JUnit): `<testsuites>` with one
 * `<testsuite>` per scenario file and one `<testcase>` per scenario.
 *
 * Mapping: a failed scenario gets `<failure message="…">` with the stack,
 * an interrupted one `<error message="interrupted">`, a skipped one
 * `<skipped message="reason"/>`; captured log lines and agent logs go to
 * `<system-out>`. Times are in seconds. A scenario that started but never
 * ended when the file is written counts as interrupted. Test cases follow
 * the serial order of the run (scenario ids), so a parallel run (`--jobs`)
 * writes the same report as a serial one, times aside.
 *
 * @module
 */
import { dirname } from "node:path";
import {
  formatLocation,
  type LogEvent,
  type MetricEvent,
  metricKey,
  type Reporter,
  type RunEvent,
  type ScenarioEndEvent,
  type ScenarioStartEvent,
} from "./events.ts";

/** Options of {@link JunitReporter}. */
export interface JunitReporterOptions {
  /** The XML file written on `close()`; missing parent directories are created. */
  path: string;
  /** The `name` of `<testsuites>`; default `ringo flow`. */
  name?: string;
}

/**
 * Collects run events and writes JUnit XML to a file on `close()`.
 *
 * @example
 * ```ts
 * const junit = new JunitReporter({ path: "reports/flow.xml" });
 * for (const event of events) junit.handle(event);
 * await junit.close(); // reports/flow.xml written
 * ```
 */
export class JunitReporter implements Reporter {
  readonly #path: string;
  readonly #name: string;
  readonly #files: string[] = [];
  readonly #started = new Map<string, ScenarioStartEvent & { at: number }>();
  readonly #ended: ScenarioEndEvent[] = [];
  readonly #logs = new Map<string, LogEvent[]>();
  readonly #metrics = new Map<string, MetricEvent[]>();
  #startedAt?: string;
  #durationMs?: number;

  constructor(options: JunitReporterOptions) {
    this.#path = options.path;
    this.#name = options.name ?? "ringo flow";
  }

  /** The file this reporter writes. */
  get path(): string {
    return this.#path;
  }

  /** Records one event. */
  handle(event: RunEvent): void {
    switch (event.type) {
      case "run-start":
        this.#startedAt = event.startedAt;
        for (const file of event.files) this.#addFile(file);
        return;
      case "scenario-start":
        this.#addFile(event.file);
        this.#started.set(event.id, { ...event, at: performance.now() });
        return;
      case "log": {
        const list = this.#logs.get(event.scenarioId) ?? [];
        list.push(event);
        this.#logs.set(event.scenarioId, list);
        return;
      }
      case "scenario-end":
        this.#addFile(event.file);
        this.#started.delete(event.id);
        this.#ended.push(event);
        return;
      case "run-end":
        this.#durationMs = event.durationMs;
        return;
      case "metric": {
        const list = this.#metrics.get(event.scenarioId) ?? [];
        list.push(event);
        this.#metrics.set(event.scenarioId, list);
        return;
      }
      case "assertion":
      case "sip":
        return;
    }
  }

  /**
   * The XML document for the events so far.
   *
   * @example
   * ```ts
   * junit.toXml(); // '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites …'
   * ```
   */
  toXml(): string {
    const now = performance.now();
    const unfinished: ScenarioEndEvent[] = [...this.#started.values()].map((s) => ({
      type: "scenario-end",
      id: s.id,
      file: s.file,
      name: s.name,
      status: "interrupted",
      durationMs: now - s.at,
    }));
    // In the order of a serial run (ids follow it), however parallel scenarios ended.
    const cases = [...this.#ended, ...unfinished].sort((x, y) =>
      serialOrder(x.id) - serialOrder(y.id)
    );
    const totalMs = this.#durationMs ?? cases.reduce((sum, c) => sum + c.durationMs, 0);
    const suites = this.#files
      .map((file) =>
        renderSuite(
          file,
          cases.filter((c) => c.file === file),
          { logs: this.#logs, metrics: this.#metrics },
          this.#startedAt,
        )
      );
    const attrs = attributes({
      name: this.#name,
      ...counts(cases),
      time: seconds(totalMs),
      timestamp: this.#startedAt,
    });
    return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs}>\n${
      suites.join("")
    }</testsuites>\n`;
  }

  /** Writes the XML file. */
  async close(): Promise<void> {
    const dir = dirname(this.#path);
    if (dir !== "." && dir !== "") await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(this.#path, this.toXml());
  }

  #addFile(file: string): void {
    if (!this.#files.includes(file)) this.#files.push(file);
  }
}

/**
 * Escapes text for XML 1.0 element content: `&`, `<` and `>` become
 * entities, `\r` a character reference (a parser would turn a raw one into
 * `\n`), tab and newline stay. ANSI color sequences are removed; other
 * characters XML 1.0 cannot hold at all (control characters, lone
 * surrogates, U+FFFE, U+FFFF) are written as visible `\u001b`-style text.
 *
 * @example
 * ```ts
 * escapeXmlText("a < b && c\n"); // "a &lt; b &amp;&amp; c\n"
 * escapeXmlText("bell\x07"); // "bell\\u0007"
 * ```
 */
export function escapeXmlText(text: string): string {
  return escape(text, TEXT_SPECIAL);
}

/**
 * Escapes text for a double-quoted XML 1.0 attribute value: like
 * {@link escapeXmlText}, and also `"`, `'`, tab and newline (as character
 * references, so a parser keeps them instead of turning them into spaces).
 *
 * @example
 * ```ts
 * escapeXmlAttribute('say "hi"\nthen go'); // "say &quot;hi&quot;&#10;then go"
 * ```
 */
export function escapeXmlAttribute(text: string): string {
  return escape(text, ATTRIBUTE_SPECIAL);
}

// deno-lint-ignore no-control-regex
const ANSI_SEQUENCE = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;
// Characters XML 1.0 forbids, and surrogates without their other half.
const FORBIDDEN =
  "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff]|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]";
const TEXT_SPECIAL = new RegExp(`[&<>\\r]|${FORBIDDEN}`, "g");
const ATTRIBUTE_SPECIAL = new RegExp(`[&<>"'\\t\\n\\r]|${FORBIDDEN}`, "g");
const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};

function escape(text: string, special: RegExp): string {
  return text.replace(ANSI_SEQUENCE, "").replace(
    special,
    (c) => ENTITIES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** The position of scenario `id` (`s12` → 12) in the serial order. */
function serialOrder(id: string): number {
  const n = Number(/^s(\d+)$/.exec(id)?.[1]);
  return Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER;
}

function renderSuite(
  file: string,
  cases: ScenarioEndEvent[],
  details: { logs: Map<string, LogEvent[]>; metrics: Map<string, MetricEvent[]> },
  timestamp: string | undefined,
): string {
  const time = cases.reduce((sum, c) => sum + c.durationMs, 0);
  const head = `  <testsuite${
    attributes({ name: file, ...counts(cases), time: seconds(time), timestamp })
  }`;
  if (cases.length === 0) return `${head}/>\n`;
  return `${head}>\n${
    cases.map((c) => renderCase(c, details.logs.get(c.id) ?? [], details.metrics.get(c.id) ?? []))
      .join("")
  }  </testsuite>\n`;
}

function renderCase(c: ScenarioEndEvent, logs: LogEvent[], metrics: MetricEvent[]): string {
  const attrs = attributes({
    name: c.name,
    classname: c.file,
    time: seconds(c.durationMs),
    file: c.file,
    line: c.error?.location?.file === c.file ? String(c.error.location.line) : undefined,
  });
  const body: string[] = [];
  if (metrics.length > 0) {
    // Metrics as properties: one per figure, named by metricKey (the last value of a name wins).
    const byKey = new Map(metrics.map((m) => [metricKey(m), String(m.value)]));
    body.push(
      `      <properties>\n${
        [...byKey].map(([name, value]) => `        <property${attributes({ name, value })}/>\n`)
          .join("")
      }      </properties>\n`,
    );
  }
  if (c.status === "failed") {
    const message = c.error?.message ?? "failed";
    const where = c.error?.location ? `at ${formatLocation(c.error.location)}\n` : "";
    const detail = c.error?.stack ?? `${message}\n${where}`;
    body.push(`      <failure${attributes({ message })}>${escapeXmlText(detail)}</failure>\n`);
  } else if (c.status === "interrupted") {
    const message = c.error?.message ?? "interrupted";
    body.push(
      `      <error${attributes({ message, type: "interrupted" })}>${
        escapeXmlText(c.error?.stack ?? "")
      }</error>\n`,
    );
  } else if (c.status === "skipped") {
    body.push(`      <skipped${attributes({ message: c.reason })}/>\n`);
  }
  const out = systemOut(c, logs);
  if (out !== "") body.push(`      <system-out>${escapeXmlText(out)}</system-out>\n`);
  if (body.length === 0) return `    <testcase${attrs}/>\n`;
  return `    <testcase${attrs}>\n${body.join("")}    </testcase>\n`;
}

function systemOut(c: ScenarioEndEvent, logs: LogEvent[]): string {
  const parts: string[] = [];
  if (logs.length > 0) {
    parts.push(
      logs.map((l) => `[${l.level}] ${l.agent ? `${l.agent}: ` : ""}${l.message}\n`).join(""),
    );
  }
  for (const [agent, text] of Object.entries(c.logs ?? {})) {
    parts.push(`--- ${agent} log ---\n${text.endsWith("\n") ? text : `${text}\n`}`);
  }
  return parts.join("");
}

function counts(cases: ScenarioEndEvent[]) {
  const count = (status: string) => String(cases.filter((c) => c.status === status).length);
  return {
    tests: String(cases.length),
    failures: count("failed"),
    errors: count("interrupted"),
    skipped: count("skipped"),
  };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function attributes(values: Record<string, string | undefined>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXmlAttribute(value)}"`)
    .join("");
}
