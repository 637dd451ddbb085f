/**
 * Durations as scenario authors write them (`"500ms"`, `"10s"`, `2`) and as
 * reports print them (`"450ms"`, `"1.23s"`, `"2m 03s"`).
 *
 * @module
 */
import { RingoError } from "../core/errors.ts";

/** A duration given by a user (option, scenario timeout, CLI flag) cannot be read. */
export class DurationError extends RingoError {}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?|\.\d+)\s*(ms|h|m|s)/y;
const BARE_NUMBER = /^(\d+(?:\.\d+)?|\.\d+)$/;
const EXPECTED = "expected a number of seconds or a string like 500ms, 10s, 2m";

/**
 * Reads a duration and returns it in whole milliseconds (rounded).
 *
 * Accepted forms:
 * - a number, or a string holding only a number: seconds (`2`, `"1.5"`);
 * - a number followed by a unit `ms`, `s`, `m` or `h` (`"500ms"`, `"1.5s"`);
 * - several such parts in decreasing order, optionally separated by spaces
 *   (`"1m30s"`, `"2m 03s"`), so every output of {@link formatDuration} parses back.
 *
 * Negative, infinite and unit-less-but-malformed values throw {@link DurationError}.
 *
 * @example
 * ```ts
 * parseDuration("500ms"); // 500
 * parseDuration("1.5s"); // 1500
 * parseDuration("2m 03s"); // 123000
 * parseDuration(10); // 10000
 * parseDuration("10x"); // throws: invalid duration "10x": expected a number of seconds or a string like 500ms, 10s, 2m
 * ```
 */
export function parseDuration(input: string | number): number {
  if (typeof input === "number") {
    if (!Number.isFinite(input) || input < 0) throw invalid(String(input));
    return Math.round(input * 1000);
  }
  if (typeof input !== "string") throw invalid(describeNonString(input));
  const text = input.trim();
  if (BARE_NUMBER.test(text)) return Math.round(Number(text) * 1000);
  const total = sumParts(text);
  if (total === undefined) throw invalid(JSON.stringify(input));
  return Math.round(total);
}

/**
 * Formats milliseconds for a report: under a second as `450ms`, under a
 * minute as seconds with two decimals (`1.23s`), then as minutes and padded
 * seconds (`2m 03s`) and hours (`1h 02m 03s`). Throws {@link DurationError}
 * for negative or non-finite input, which always means a clock bug.
 *
 * @example
 * ```ts
 * formatDuration(450); // "450ms"
 * formatDuration(1234); // "1.23s"
 * formatDuration(123_000); // "2m 03s"
 * formatDuration(3_723_000); // "1h 02m 03s"
 * ```
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new DurationError(
      `cannot format duration ${ms}: expected a finite number >= 0 of milliseconds`,
    );
  }
  if (Math.round(ms) < 1000) return `${Math.round(ms)}ms`;
  const hundredths = Math.round(ms / 10);
  if (hundredths < 6000) return `${(hundredths / 100).toFixed(2)}s`;
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const ss = `${String(seconds).padStart(2, "0")}s`;
  if (hours === 0) return `${minutes}m ${ss}`;
  return `${hours}h ${String(minutes).padStart(2, "0")}m ${ss}`;
}

/** Sums `<number><unit>` parts covering the whole text, units strictly decreasing. */
function sumParts(text: string): number | undefined {
  if (text === "") return undefined;
  let total = 0;
  let offset = 0;
  let lastUnitMs = Infinity;
  while (offset < text.length) {
    PART.lastIndex = offset;
    const match = PART.exec(text);
    if (!match) return undefined;
    const unitMs = UNIT_MS[match[2]];
    if (unitMs >= lastUnitMs) return undefined; // "1s 2m", "1s1s"
    lastUnitMs = unitMs;
    total += Number(match[1]) * unitMs;
    offset = PART.lastIndex;
    while (text[offset] === " ") offset++;
  }
  return total;
}

function invalid(shown: string): DurationError {
  return new DurationError(`invalid duration ${shown}: ${EXPECTED}`, {
    hint: 'write it like "500ms", "10s", "2m" or "1h", or as a number of seconds',
  });
}

function describeNonString(value: unknown): string {
  return value === null ? "null" : `of type ${typeof value}`;
}

/**
 * A time limit as messages name it: `60s`, `1.5s`, `500ms`.
 *
 * @example
 * ```ts
 * formatSeconds(1500); // "1.5s"
 * ```
 */
export function formatSeconds(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
}
