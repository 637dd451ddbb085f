/**
 * The machine reporter: every run event as one JSON object on its own line
 * (NDJSON), written as it happens, for CI tools and `jq`.
 *
 * @module
 */
import type { Reporter, RunEvent, Writer } from "./events.ts";

/**
 * A reporter writing each event as `JSON.stringify(event) + "\n"`. The
 * events are plain JSON already (see `events.ts`), so a line parses back to
 * an equal event.
 *
 * @example
 * ```ts
 * const reporter = ndjsonReporter({ write: (s) => Deno.stdout.writeSync(new TextEncoder().encode(s)) });
 * reporter.handle({ type: "run-end", passed: 1, failed: 0, skipped: 0, interrupted: false, durationMs: 1200 });
 * // {"type":"run-end","passed":1,"failed":0,"skipped":0,"interrupted":false,"durationMs":1200}
 * ```
 */
export function ndjsonReporter(options: { write: Writer }): Reporter {
  return {
    handle(event: RunEvent): void {
      options.write(`${formatNdjsonLine(event)}\n`);
    },
  };
}

/**
 * One event as a JSON line, without the trailing newline. JSON escapes
 * every newline inside strings, and U+2028/U+2029 are escaped too (some
 * line readers split on them), so the result is always a single line.
 *
 * @example
 * ```ts
 * formatNdjsonLine({ type: "log", scenarioId: "s1", message: "a\nb", level: "info" });
 * // '{"type":"log","scenarioId":"s1","message":"a\\nb","level":"info"}'
 * ```
 */
export function formatNdjsonLine(event: RunEvent | Record<string, unknown>): string {
  return JSON.stringify(event).replace(
    /[\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16)}`,
  );
}
