/**
 * A real terminal for TUI tests: a private tmux server (its own socket, so
 * tests never touch a user's tmux) running a shell, driven as a person
 * would — type with `send-keys`, read the screen with `capture-pane -p`,
 * resize with `resize-window`.
 *
 * Waiting for the screen is event-driven: a tmux control-mode client
 * (`tmux -C`) reports every burst of pane output as a `%output` line, and
 * each one triggers a fresh capture. A fallback tick (250 ms) covers what
 * produces no output (a process exiting, a resize with nothing to redraw).
 *
 * @module
 */

/** One tmux server with one window running a shell. */
export interface TmuxTerminal extends AsyncDisposable {
  /** Sends key names as tmux knows them (`Enter`, `Escape`, `C-r`, `Up`, `BSpace`…). */
  keys(...names: string[]): Promise<void>;
  /** Types text literally. */
  type(text: string): Promise<void>;
  /** Types a shell command line and presses Enter. */
  run(commandLine: string): Promise<void>;
  /** The visible screen, one string per row, trailing spaces trimmed. */
  capture(): Promise<string>;
  /**
   * Resolves with the screen once `predicate` (a substring, a RegExp or a
   * function of the screen) holds; rejects after `timeoutMs` quoting what was
   * awaited and the last screen seen.
   */
  waitFor(
    predicate: string | RegExp | ((screen: string) => boolean),
    timeoutMs?: number,
  ): Promise<string>;
  /** Resizes the window. */
  resize(columns: number, rows: number): Promise<void>;
  /** The PID of the process in the pane's foreground (the shell or what it runs). */
  panePid(): Promise<number>;
  /** Kills the tmux server. */
  close(): Promise<void>;
}

/** Options for {@link startTmux}. */
export interface TmuxOptions {
  /** Columns (default 100). */
  columns?: number;
  /** Rows (default 30). */
  rows?: number;
  /** Environment of the shell (added to a minimal one). */
  env?: Record<string, string>;
  /** Working directory of the shell. */
  cwd?: string;
}

const FALLBACK_TICK_MS = 250;
let counter = 0;

/**
 * Starts a private tmux server with a plain `bash` (no rc files, prompt `$ `).
 *
 * @example
 * ```ts
 * await using term = await startTmux({ columns: 100, rows: 30 });
 * await term.run("ringo phone");
 * await term.waitFor("Profiles");
 * ```
 */
export async function startTmux(options: TmuxOptions = {}): Promise<TmuxTerminal> {
  const socket = `ringo-test-${Deno.pid}-${++counter}-${crypto.randomUUID().slice(0, 8)}`;
  const columns = options.columns ?? 100;
  const rows = options.rows ?? 30;
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: Deno.env.get("HOME") ?? "/root",
    TERM: "xterm-256color",
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
    PS1: "$ ",
    ...options.env,
  };
  const tmux = (...args: string[]) => runTmux(socket, args);
  await tmux(
    "-f",
    "/dev/null",
    "new-session",
    "-d",
    "-s",
    "t",
    "-x",
    String(columns),
    "-y",
    String(rows),
    ...(options.cwd ? ["-c", options.cwd] : []),
    ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
    "bash --norc --noprofile",
  );
  await tmux("set-option", "-g", "status", "off");
  await tmux("set-option", "-g", "escape-time", "0");
  await tmux("set-window-option", "-g", "window-size", "manual");
  await tmux("resize-window", "-t", "t", "-x", String(columns), "-y", String(rows));

  const watcher = new OutputWatcher(socket);
  const capture = async () =>
    (await tmux("capture-pane", "-p", "-t", "t")).split("\n").map((l) => l.trimEnd()).join("\n")
      .replace(/\n+$/, "");
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await watcher.close();
    const path =
      (await runTmux(socket, ["display-message", "-p", "#{socket_path}"]).catch(() => "")).trim();
    await runTmux(socket, ["kill-server"]).catch(() => "");
    if (path) await Deno.remove(path).catch(() => {}); // tmux leaves its socket file behind
  };
  const term: TmuxTerminal = {
    keys: async (...names) => void await tmux("send-keys", "-t", "t", ...names),
    type: async (text) => void await tmux("send-keys", "-t", "t", "-l", text),
    run: async (line) => {
      await tmux("send-keys", "-t", "t", "-l", line);
      await tmux("send-keys", "-t", "t", "Enter");
    },
    capture,
    async waitFor(predicate, timeoutMs = 20_000) {
      const test = typeof predicate === "string"
        ? (s: string) => s.includes(predicate)
        : predicate instanceof RegExp
        ? (s: string) => predicate.test(s)
        : predicate;
      const deadline = Date.now() + timeoutMs;
      let screen = "";
      while (true) {
        screen = await capture();
        if (test(screen)) return screen;
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new Error(
            `the terminal never showed ${
              String(predicate)
            } within ${timeoutMs} ms; last screen:\n${screen}`,
          );
        }
        await watcher.next(Math.min(left, FALLBACK_TICK_MS));
      }
    },
    resize: async (c, r) =>
      void await tmux("resize-window", "-t", "t", "-x", String(c), "-y", String(r)),
    panePid: async () => Number(await tmux("display-message", "-p", "-t", "t", "#{pane_pid}")),
    close,
    [Symbol.asyncDispose]: close,
  };
  return term;
}

async function runTmux(socket: string, args: string[]): Promise<string> {
  const out = await new Deno.Command("tmux", { args: ["-L", socket, ...args], stdin: "null" })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`tmux ${args[0]} failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return text;
}

/** A control-mode client that wakes waiters whenever the pane writes output. */
class OutputWatcher {
  #child: Deno.ChildProcess;
  #waiters = new Set<() => void>();
  #done: Promise<void>;

  constructor(socket: string) {
    const child = new Deno.Command("tmux", {
      args: ["-L", socket, "-C", "attach-session", "-t", "t"],
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    this.#child = child;
    this.#done = (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of child.stdout) {
          if (decoder.decode(chunk, { stream: true }).includes("%output")) this.#wake();
        }
      } catch {
        // closed
      }
      this.#wake();
    })();
  }

  /** Resolves at the next output, or after `ms`. */
  next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
    });
  }

  async close(): Promise<void> {
    try {
      const writer = this.#child.stdin.getWriter();
      await writer.close().catch(() => {});
    } catch {
      // already closed
    }
    try {
      this.#child.kill("SIGTERM");
    } catch {
      // already exited
    }
    await this.#child.status;
    await this.#done;
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}
