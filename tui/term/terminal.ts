/**
 * The real terminal: raw mode, the alternate screen, bracketed paste, key
 * input, resizes — and the promise that the terminal is left as it was
 * found, however ringo ends: a normal quit, Ctrl+C, an uncaught error or
 * rejection, SIGTERM, SIGHUP, SIGINT or `Deno.exit`. {@link restoreTerminals}
 * is synchronous and idempotent, so every one of those paths can call it, and
 * an error is printed only after the screen is back.
 *
 * Keys are read through a small `cat` child that copies the terminal's input
 * to a pipe. A read of stdin in Deno cannot be cancelled, and a pending one
 * would steal the first keys typed into `$EDITOR`; the child can simply be
 * stopped while the editor runs ({@link Terminal.suspend}) and started again
 * afterwards.
 *
 * @module
 */
import { ESCAPE_TIMEOUT_MS, type Key, KeyDecoder, PASTE_OFF, PASTE_ON } from "./keys.ts";
import { CURSOR_HIDE, CURSOR_SHOW } from "./renderer.ts";

/** Switch to the alternate screen. */
const ALT_SCREEN_ON = "\x1b[?1049h";
/** Back to the main screen. */
const ALT_SCREEN_OFF = "\x1b[?1049l";
const RESET_STYLE = "\x1b[0m";

/** Terminal size in cells. */
export interface TerminalSize {
  /** Columns. */
  columns: number;
  /** Rows. */
  rows: number;
}

/** What {@link Terminal.open} needs from the caller. */
export interface TerminalHandlers {
  /** A key was pressed (or text pasted). */
  onKey(key: Key): void;
  /** The window changed size (SIGWINCH); the next frame must be drawn whole. */
  onResize(size: TerminalSize): void;
  /**
   * SIGTERM, SIGHUP or SIGINT arrived. The terminal is already restored when
   * this runs; the caller stops what it owns and exits.
   */
  onSignal(signal: Deno.Signal): void;
}

/** The terminal cannot be used as a TUI (stdin or stdout is not a terminal). */
export class TerminalError extends Error {
  override name = "TerminalError";
}

const encoder = new TextEncoder();
const openTerminals = new Set<Terminal>();
let processHooksInstalled = false;

/**
 * An open TUI terminal.
 *
 * @example
 * ```ts
 * const term = Terminal.open({ onKey: (k) => {}, onResize: () => {}, onSignal: () => Deno.exit(143) });
 * term.write("\x1b[1;1Hhello");
 * term.close();
 * ```
 */
export class Terminal {
  #handlers: TerminalHandlers;
  #decoder = new KeyDecoder();
  #escapeTimer: ReturnType<typeof setTimeout> | undefined;
  #reader: Deno.ChildProcess | undefined;
  #signals: [Deno.Signal, () => void][] = [];
  #active = false;

  private constructor(handlers: TerminalHandlers) {
    this.#handlers = handlers;
  }

  /**
   * Puts the terminal into TUI mode (raw input, alternate screen, hidden
   * cursor, bracketed paste) and starts reading keys.
   *
   * @throws {TerminalError} when stdin or stdout is not a terminal.
   */
  static open(handlers: TerminalHandlers): Terminal {
    if (!hasTerminal()) {
      throw new TerminalError(
        "ringo phone needs a terminal (stdin and stdout must be a TTY); " +
          "run it with --headless to drive it with ringo control instead",
      );
    }
    installProcessHooks();
    const term = new Terminal(handlers);
    openTerminals.add(term);
    term.#enter();
    for (const signal of ["SIGWINCH", "SIGTERM", "SIGHUP", "SIGINT"] as const) {
      const listener = signal === "SIGWINCH" ? () => term.#resized() : () => term.#signal(signal);
      Deno.addSignalListener(signal, listener);
      term.#signals.push([signal, listener]);
    }
    return term;
  }

  /** The current size. */
  get size(): TerminalSize {
    return terminalSize();
  }

  /** Writes output (synchronously, all of it). */
  write(text: string): void {
    if (text !== "") writeAllSync(text);
  }

  /**
   * Gives the terminal back for `run` (e.g. `$EDITOR`): main screen, cooked
   * mode, no key reading; then takes it again and asks for a full redraw.
   */
  async suspend<T>(run: () => Promise<T>): Promise<T> {
    this.#leave();
    try {
      return await run();
    } finally {
      if (openTerminals.has(this)) {
        this.#enter();
        this.#handlers.onResize(terminalSize());
      }
    }
  }

  /** Restores the terminal and stops reading keys. Idempotent. */
  close(): void {
    this.#leave();
    openTerminals.delete(this);
    for (const [signal, listener] of this.#signals) {
      try {
        Deno.removeSignalListener(signal, listener);
      } catch {
        // already gone
      }
    }
    this.#signals = [];
  }

  /** Called by {@link restoreTerminals}: the terminal state only, synchronously. */
  restoreNow(): void {
    this.#leave();
  }

  #enter(): void {
    if (this.#active) return;
    this.#active = true;
    Deno.stdin.setRaw(true);
    writeAllSync(ALT_SCREEN_ON + CURSOR_HIDE + PASTE_ON + "\x1b[2J");
    this.#startReader();
  }

  #leave(): void {
    if (!this.#active) return;
    this.#active = false;
    this.#stopReader();
    clearTimeout(this.#escapeTimer);
    try {
      writeAllSync(RESET_STYLE + PASTE_OFF + CURSOR_SHOW + ALT_SCREEN_OFF);
    } catch {
      // the terminal is gone (SIGHUP): nothing to restore on it
    }
    try {
      Deno.stdin.setRaw(false);
    } catch {
      // ditto
    }
  }

  #startReader(): void {
    const setpriv = findSetpriv();
    const command = setpriv
      ? new Deno.Command(setpriv, {
        args: ["--pdeathsig", "KILL", "cat"],
        stdin: "inherit",
        stdout: "piped",
        stderr: "null",
      })
      : new Deno.Command("cat", { stdin: "inherit", stdout: "piped", stderr: "null" });
    const reader = command.spawn();
    this.#reader = reader;
    this.#decoder = new KeyDecoder();
    void (async () => {
      try {
        for await (const chunk of reader.stdout) {
          if (this.#reader !== reader) break;
          this.#input(chunk);
        }
      } catch {
        // the reader was stopped
      }
    })();
    reader.status.catch(() => {});
  }

  #stopReader(): void {
    const reader = this.#reader;
    this.#reader = undefined;
    if (!reader) return;
    try {
      reader.kill("SIGKILL");
    } catch {
      // already exited
    }
  }

  #input(chunk: Uint8Array): void {
    clearTimeout(this.#escapeTimer);
    for (const k of this.#decoder.feed(chunk)) this.#handlers.onKey(k);
    if (this.#decoder.waitingForEscape) {
      this.#escapeTimer = setTimeout(() => {
        for (const k of this.#decoder.flush()) this.#handlers.onKey(k);
      }, ESCAPE_TIMEOUT_MS);
    }
  }

  #resized(): void {
    if (this.#active) this.#handlers.onResize(terminalSize());
  }

  #signal(signal: Deno.Signal): void {
    restoreTerminals();
    this.#handlers.onSignal(signal);
  }
}

/**
 * True when standard input and output are both a terminal, so a TUI can run.
 *
 * @example
 * ```ts
 * if (!hasTerminal()) console.error("no terminal: use --headless");
 * ```
 */
export function hasTerminal(): boolean {
  return Deno.stdin.isTerminal() && Deno.stdout.isTerminal();
}

/** Restores every open terminal at once (synchronous; safe to call again and again). */
export function restoreTerminals(): void {
  for (const term of openTerminals) term.restoreNow();
}

/** The size of the controlling terminal (80×24 when it cannot be read). */
export function terminalSize(): TerminalSize {
  try {
    const { columns, rows } = Deno.consoleSize();
    return { columns, rows };
  } catch {
    return { columns: 80, rows: 24 };
  }
}

/** Writes all of `text` to stdout, synchronously. */
export function writeAllSync(text: string): void {
  const bytes = encoder.encode(text);
  let offset = 0;
  while (offset < bytes.length) offset += Deno.stdout.writeSync(bytes.subarray(offset));
}

/**
 * Makes sure the terminal is restored before anything else when the process
 * ends: at exit, and on an uncaught error or rejection, which is then printed
 * on the restored screen (with the process exiting 1).
 */
function installProcessHooks(): void {
  if (processHooksInstalled) return;
  processHooksInstalled = true;
  globalThis.addEventListener("unload", restoreTerminals);
  const fail = (error: unknown) => {
    restoreTerminals();
    console.error(`ringo: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
    Deno.exit(1);
  };
  globalThis.addEventListener("error", (event) => {
    if (openTerminals.size === 0) return;
    event.preventDefault();
    fail(event.error);
  });
  globalThis.addEventListener("unhandledrejection", (event) => {
    if (openTerminals.size === 0) return;
    event.preventDefault();
    fail(event.reason);
  });
}

let setprivPath: string | null | undefined;
function findSetpriv(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  for (const dir of ["/usr/bin", "/bin", "/usr/sbin"]) {
    try {
      Deno.statSync(`${dir}/setpriv`);
      setprivPath = `${dir}/setpriv`;
      break;
    } catch {
      // not here
    }
  }
  return setprivPath;
}
