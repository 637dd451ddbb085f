/**
 * NDJSON in ringo-flow's shape (`--json-format ringo-flow`), so CI steps
 * written for ringo-flow's `--json` keep parsing ringo's runs: one object
 * per line keyed by `event` with snake_case names and fields, every line
 * with an ISO `ts`, and scenarios named by `name` (and `file`) rather than
 * by ringo's ids.
 *
 * | ringo event      | ringo-flow event    | fields                                                        |
 * | ---------------- | ------------------- | ------------------------------------------------------------- |
 * | `run-start`      | `run_started`       | `files`                                                       |
 * | `scenario-start` | `scenario_started`  | `name`, `file`, `tags`                                        |
 * | `assertion`      | `assertion`         | `scenario`, `passed`, `message`, `label?`                     |
 * | `log`            | `log`               | `scenario`, `level`, `message`, `agent?`                      |
 * | `metric`         | `metric`            | `scenario`, `name`, `value`, `unit?`, `agent?`, `call?`       |
 * | `sip`            | `sip`               | `scenario`, `endpoints`, `messages` (`--sip-messages`)        |
 * | `scenario-end`   | `scenario_finished` | `name`, `file`, `passed`, `status`, `duration_ms`, `error?`, `location?`, `reason?` |
 * | `run-end`        | `run_finished`      | `passed`, `failed`, `skipped`, `interrupted`, `duration_ms`, `success` |
 *
 * `passed` of `scenario_finished` is true only for a passed scenario; a
 * skipped one has `passed: false` and `status: "skipped"`.
 *
 * @module
 */
import { formatLocation, type Reporter, type RunEvent, type Writer } from "./events.ts";
import { formatNdjsonLine } from "./ndjson.ts";

/**
 * A reporter writing ringo-flow's NDJSON events.
 *
 * @example
 * ```ts
 * const reporter = ringoFlowNdjsonReporter({ write: (s) => Deno.stdout.writeSync(new TextEncoder().encode(s)) });
 * // {"event":"scenario_finished","ts":"…","name":"answered call","file":"call.ts","passed":true,"status":"passed","duration_ms":2104}
 * ```
 */
export function ringoFlowNdjsonReporter(options: { write: Writer }): Reporter {
  const names = new Map<string, string>();
  return {
    handle(event: RunEvent): void {
      if (event.type === "scenario-start") names.set(event.id, event.name);
      const line = toRingoFlowEvent(event, names);
      if (event.type === "scenario-end") names.delete(event.id);
      options.write(`${formatNdjsonLine(line)}\n`);
    },
  };
}

/**
 * One run event as ringo-flow's event object; `names` gives a scenario's
 * name by ringo's id.
 *
 * @example
 * ```ts
 * toRingoFlowEvent({ type: "run-end", passed: 2, failed: 0, skipped: 1, interrupted: false, durationMs: 5012 }, new Map());
 * // { event: "run_finished", ts: "…", passed: 2, failed: 0, skipped: 1, interrupted: false, duration_ms: 5012, success: true }
 * ```
 */
export function toRingoFlowEvent(
  event: RunEvent,
  names: ReadonlyMap<string, string>,
): Record<string, unknown> {
  const ts = new Date().toISOString();
  const scenario = (id: string) => names.get(id) ?? id;
  switch (event.type) {
    case "run-start":
      return { event: "run_started", ts: event.startedAt, files: event.files };
    case "scenario-start":
      return {
        event: "scenario_started",
        ts,
        name: event.name,
        file: event.file,
        tags: event.tags,
      };
    case "assertion":
      return {
        event: "assertion",
        ts,
        scenario: scenario(event.scenarioId),
        passed: event.passed,
        message: event.message,
        ...(event.label !== undefined ? { label: event.label } : {}),
      };
    case "log":
      return {
        event: "log",
        ts,
        scenario: scenario(event.scenarioId),
        level: event.level,
        message: event.message,
        ...(event.agent !== undefined ? { agent: event.agent } : {}),
      };
    case "metric":
      return {
        event: "metric",
        ts,
        scenario: scenario(event.scenarioId),
        name: event.name,
        value: event.value,
        ...(event.unit !== undefined ? { unit: event.unit } : {}),
        ...(event.agent !== undefined ? { agent: event.agent } : {}),
        ...(event.call !== undefined ? { call: event.call } : {}),
      };
    case "sip":
      return {
        event: "sip",
        ts,
        scenario: scenario(event.scenarioId),
        endpoints: event.endpoints,
        messages: event.messages,
      };
    case "scenario-end":
      return {
        event: "scenario_finished",
        ts,
        name: event.name,
        file: event.file,
        passed: event.status === "passed",
        status: event.status,
        duration_ms: Math.round(event.durationMs),
        ...(event.error ? { error: event.error.message } : {}),
        ...(event.error?.location ? { location: formatLocation(event.error.location) } : {}),
        ...(event.reason !== undefined ? { reason: event.reason } : {}),
      };
    case "run-end":
      return {
        event: "run_finished",
        ts,
        passed: event.passed,
        failed: event.failed,
        skipped: event.skipped,
        interrupted: event.interrupted,
        duration_ms: Math.round(event.durationMs),
        success: event.failed === 0 && !event.interrupted,
      };
  }
}
