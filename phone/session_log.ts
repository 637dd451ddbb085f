/**
 * A session's log: one timestamped line per thing that happened (start,
 * registration, calls, hooks and their output, errors), appended to
 * `$XDG_STATE_HOME/ringo/logs/<profile>.log` and, for headless sessions,
 * echoed to standard error. Secrets given to it are masked in every line,
 * wherever they appear.
 *
 * @module
 */
import { join } from "node:path";

/** Where a line goes besides the file. */
export interface SessionLogOptions {
  /** Also print each line to standard error (headless sessions). */
  echo?: boolean;
  /** Texts to mask (the resolved password). */
  secrets?: readonly string[];
}

/** What replaces a secret in the log. */
export const MASK = "********";

/**
 * An append-only log file.
 *
 * @example
 * ```ts
 * const log = await SessionLog.open(phonePaths().logsDir, "work", { echo: true, secrets: ["s3cret"] });
 * log.info("registered as sip:alice@pbx");
 * await log.close();
 * ```
 */
export class SessionLog {
  readonly path: string;
  readonly #file: Deno.FsFile;
  readonly #echo: boolean;
  readonly #secrets: string[];
  readonly #encoder = new TextEncoder();
  #pending: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(path: string, file: Deno.FsFile, options: SessionLogOptions) {
    this.path = path;
    this.#file = file;
    this.#echo = options.echo ?? false;
    this.#secrets = (options.secrets ?? []).filter((s) => s.length > 0);
  }

  /** Opens (appending) the log of `profile` in `dir`, creating the folder. */
  static async open(
    dir: string,
    profile: string,
    options: SessionLogOptions = {},
  ): Promise<SessionLog> {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, `${profile}.log`);
    const file = await Deno.open(path, { append: true, create: true, mode: 0o600 });
    return new SessionLog(path, file, options);
  }

  /** Adds a text to mask from now on. */
  addSecret(secret: string | undefined): void {
    if (secret) this.#secrets.push(secret);
  }

  /** Logs a line. */
  info(text: string): void {
    this.#write("info", text);
  }

  /** Logs a warning. */
  warn(text: string): void {
    this.#write("warn", text);
  }

  /** Logs an error; `echo: false` keeps it out of standard error (already told there). */
  error(text: string, options: { echo?: boolean } = {}): void {
    this.#write("error", text, options.echo);
  }

  /** Masks every secret in `text`. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.replaceAll(secret, MASK);
    return out;
  }

  /** Waits for pending writes and closes the file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pending;
    this.#file.close();
  }

  #write(level: "info" | "warn" | "error", text: string, echo = this.#echo): void {
    if (this.#closed) return;
    const clean = this.redact(text);
    const lines =
      clean.split("\n").map((l) => `${new Date().toISOString()} ${level} ${l}`).join("\n") +
      "\n";
    if (echo) console.error(level === "info" ? clean : `${level}: ${clean}`);
    const bytes = this.#encoder.encode(lines);
    this.#pending = this.#pending.then(async () => {
      let written = 0;
      while (written < bytes.length) written += await this.#file.write(bytes.subarray(written));
    }).catch(() => {});
  }
}
