/**
 * Run ids: short, URL-safe, and sorted by time as strings (the archive's
 * KV indexes list newest first by reversing them).
 *
 * @module
 */

/**
 * A new run id: 9 base-36 digits of the time in ms, then 5 random ones.
 *
 * @example
 * ```ts
 * newRunId(); // "0mio0t1xsk3j2q"
 * ```
 */
export function newRunId(now = Date.now()): string {
  const time = now.toString(36).padStart(9, "0");
  const random = Array.from(
    crypto.getRandomValues(new Uint8Array(5)),
    (b) => (b % 36).toString(36),
  );
  return `${time}${random.join("")}`;
}

/**
 * True for a string shaped like a run id (checked before it names a folder).
 *
 * @example
 * ```ts
 * isRunId("0mio0t1xsk3j2q"); // true
 * isRunId("../etc"); // false
 * ```
 */
export function isRunId(text: string): boolean {
  return /^[0-9a-z]{14}$/.test(text);
}
