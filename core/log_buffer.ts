/**
 * A bounded, line-based log of one process's output, kept so that errors
 * and failed scenarios can show what baresip said. With the SIP trace on,
 * baresip's SIP messages are taken out of its stdout as whole messages
 * (see {@link SipTraceParser}), kept, and logged as readable blocks.
 *
 * @module
 */
import {
  describeSipMessage,
  type SipMessage,
  SipTraceParser,
  type SipTraceParserOptions,
} from "./sip_trace.ts";

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
/** baresip's per-second call status line (`[0:00:03] audio=0/0 (bit/s)`), noise in a log. */
const STATUS_LINE = /\[\d+:\d\d:\d\d\]\s+audio=\S+ \(bit\/s\)\s*/g;

/** Which output stream a chunk came from. */
export type OutputStream = "stdout" | "stderr";

/** Options of {@link LogBuffer}. */
export interface LogBufferOptions {
  /** Parse baresip's SIP trace out of stdout (`baresip -s`). */
  sipTrace?: SipTraceParserOptions;
  /** SIP messages to keep (the oldest are dropped); default 2000. */
  maxSipMessages?: number;
}

/**
 * Keeps the last `maxLines` lines of text pushed in chunks, with ANSI colour
 * codes and baresip's status lines removed. Listeners see each complete
 * line, and each SIP message when the trace is parsed.
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
  readonly #maxMessages: number;
  readonly #lines: string[] = [];
  readonly #listeners = new Set<(line: string) => void>();
  readonly #sipListeners = new Set<(message: SipMessage) => void>();
  readonly #partial: Record<OutputStream, string> = { stdout: "", stderr: "" };
  readonly #trace?: SipTraceParser;
  readonly #messages: SipMessage[] = [];
  #dropped = 0;

  constructor(maxLines = 5000, options: LogBufferOptions = {}) {
    this.#maxLines = maxLines;
    this.#maxMessages = options.maxSipMessages ?? 2000;
    if (options.sipTrace) this.#trace = new SipTraceParser(options.sipTrace);
  }

  /** Appends raw output; complete lines are stored and announced. */
  push(text: string, stream: OutputStream = "stdout"): void {
    if (stream === "stdout" && this.#trace) {
      for (const item of this.#trace.push(text)) {
        if (item.kind === "text") this.#pushText(item.text, stream);
        else this.#addMessage(item.message);
      }
      return;
    }
    this.#pushText(text, stream);
  }

  /** Stores any unterminated last line (call when the stream ends). */
  flush(): void {
    for (const item of this.#trace?.flush() ?? []) {
      if (item.kind === "text") this.#pushText(item.text, "stdout");
      else this.#addMessage(item.message);
    }
    for (const stream of ["stdout", "stderr"] as const) {
      if (this.#partial[stream]) this.#add(this.#partial[stream]);
      this.#partial[stream] = "";
    }
  }

  /** Calls `listener` with every line added from now on; returns an unsubscribe. */
  onLine(listener: (line: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Calls `listener` with every SIP message parsed from now on; returns an unsubscribe. */
  onSipMessage(listener: (message: SipMessage) => void): () => void {
    this.#sipListeners.add(listener);
    return () => this.#sipListeners.delete(listener);
  }

  /** The SIP messages kept so far, oldest first (empty unless the trace is parsed). */
  sipMessages(): readonly SipMessage[] {
    return this.#messages;
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

  #pushText(text: string, stream: OutputStream): void {
    const parts = (this.#partial[stream] + text).split(/\r?\n/);
    this.#partial[stream] = parts.pop() ?? "";
    for (const raw of parts) this.#add(raw);
  }

  #addMessage(message: SipMessage): void {
    this.#messages.push(message);
    if (this.#messages.length > this.#maxMessages) this.#messages.shift();
    for (const line of describeSipMessage(message)) this.#store(line);
    for (const listener of this.#sipListeners) listener(message);
  }

  #add(raw: string): void {
    const line = raw.replace(ANSI, "").replace(STATUS_LINE, "").replace(/\r/g, "").trimEnd();
    if (line === "") return;
    this.#store(line);
  }

  #store(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > this.#maxLines) {
      this.#lines.shift();
      this.#dropped++;
    }
    for (const listener of this.#listeners) listener(line);
  }
}
