/**
 * A bounded, line-based log of one process's output, kept so that errors
 * and failed scenarios can show what baresip said.
 *
 * @module
 */

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
/** baresip's per-second call status line (`[0:00:03] audio=0/0 (bit/s)`), noise in a log. */
const STATUS_LINE = /\[\d+:\d\d:\d\d\]\s+audio=\S+ \(bit\/s\)\s*/g;

/**
 * Keeps the last `maxLines` lines of text pushed in chunks, with ANSI colour
 * codes and baresip's status lines removed. Listeners see each complete line.
 *
 * @example
 * ```ts
 * const log = new LogBuffer(100);
 * log.push("baresip is ");
 * log.push("ready.\n");
 * log.tail(1); // ["baresip is ready."]
 * ```
 */
export class LogBuffer {
  readonly #maxLines: number;
  readonly #lines: string[] = [];
  readonly #listeners = new Set<(line: string) => void>();
  #partial = "";
  #dropped = 0;

  constructor(maxLines = 5000) {
    this.#maxLines = maxLines;
  }

  /** Appends raw output; complete lines are stored and announced. */
  push(text: string): void {
    const parts = (this.#partial + text).split(/\r?\n/);
    this.#partial = parts.pop() ?? "";
    for (const raw of parts) this.#add(raw);
  }

  /** Stores any unterminated last line (call when the stream ends). */
  flush(): void {
    if (this.#partial) this.#add(this.#partial);
    this.#partial = "";
  }

  /** Calls `listener` with every line added from now on; returns an unsubscribe. */
  onLine(listener: (line: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The last `count` lines. */
  tail(count: number): string[] {
    return this.#lines.slice(-count);
  }

  /** The whole kept log as text, with a note when older lines were dropped. */
  text(): string {
    const head = this.#dropped > 0 ? `… ${this.#dropped} earlier lines dropped\n` : "";
    return head + this.#lines.join("\n") + (this.#lines.length ? "\n" : "");
  }

  #add(raw: string): void {
    const line = raw.replace(ANSI, "").replace(STATUS_LINE, "").replace(/\r/g, "").trimEnd();
    if (line === "") return;
    this.#lines.push(line);
    if (this.#lines.length > this.#maxLines) {
      this.#lines.shift();
      this.#dropped++;
    }
    for (const listener of this.#listeners) listener(line);
  }
}
