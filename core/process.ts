/**
 * One headless baresip child process: spawn, readiness (ctrl_tcp answers),
 * its log, and a stop that always ends it (quit, then SIGTERM, then SIGKILL).
 *
 * @module
 */
import type { BaresipInstall } from "./baresip.ts";
import { CtrlTcpClient } from "./ctrl_tcp.ts";
import { BaresipError } from "./errors.ts";
import { LogBuffer, type OutputStream } from "./log_buffer.ts";
import { track } from "./shutdown.ts";

/** How a baresip process ended. */
export interface ExitInfo {
  code: number;
  signal: Deno.Signal | null;
}

/** Options of {@link BaresipProcess.start}. */
export interface BaresipProcessOptions {
  install: BaresipInstall;
  /** Name used in messages (`agent "A"`). */
  name: string;
  /** Folder holding `config` and `accounts`. */
  configDir: string;
  /** ctrl_tcp port written in the config. */
  ctrlPort: number;
  /** Print every SIP message into the log (`baresip -s`); the log then parses them. */
  sipTrace?: boolean;
  /** The agent's own SIP ports, to tell sent from received messages in the trace. */
  localSipPorts?: number[];
  /** Longest wait for readiness; default 10 s. */
  readyTimeoutMs?: number;
  /** Lines of output to keep; default 5000. */
  logLines?: number;
}

const READY_LINE = "baresip is ready.";
const LOG_TAIL_LINES = 8;
const setpriv = Deno.build.os === "linux" ? findSetpriv() : undefined;

/**
 * A running baresip. `exited` resolves when the process has ended, for any
 * reason; `ctrl` is the live ctrl_tcp connection.
 *
 * @example
 * ```ts
 * const proc = await BaresipProcess.start({ install, name: "A", configDir, ctrlPort: 4444 });
 * console.log(await proc.ctrl.command("about"));
 * await proc.stop();
 * ```
 */
export class BaresipProcess {
  readonly pid: number;
  readonly log: LogBuffer;
  readonly ctrl: CtrlTcpClient;
  readonly exited: Promise<ExitInfo>;
  #exit?: ExitInfo;
  readonly #child: Deno.ChildProcess;
  readonly #untrack: () => void;
  #stopping?: Promise<void>;

  private constructor(
    child: Deno.ChildProcess,
    log: LogBuffer,
    ctrl: CtrlTcpClient,
    exited: Promise<ExitInfo>,
    untrack: () => void,
  ) {
    this.#child = child;
    this.pid = child.pid;
    this.log = log;
    this.ctrl = ctrl;
    this.exited = exited;
    this.#untrack = untrack;
    exited.then((info) => (this.#exit = info));
  }

  /**
   * Spawns baresip and resolves once ctrl_tcp accepts a connection.
   *
   * @throws {BaresipError} when baresip exits or hangs before it is ready; the
   * message carries its exit status and the last lines of its log.
   */
  static async start(options: BaresipProcessOptions): Promise<BaresipProcess> {
    const log = new LogBuffer(options.logLines, {
      sipTrace: options.sipTrace ? { localPorts: options.localSipPorts } : undefined,
    });
    const args = ["-f", options.configDir, ...(options.sipTrace ? ["-s"] : [])];
    const command = setpriv
      ? new Deno.Command(setpriv, {
        args: ["--pdeathsig", "KILL", options.install.binary, ...args],
        ...stdio,
      })
      : new Deno.Command(options.install.binary, { args, ...stdio });
    let child: Deno.ChildProcess;
    try {
      child = command.spawn();
    } catch (error) {
      throw new BaresipError(
        `cannot start ${options.install.binary}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    const outputDone = Promise.all([
      pipeInto(child.stdout, log, "stdout"),
      pipeInto(child.stderr, log, "stderr"),
    ]);
    const exited = child.status.then(async (status) => {
      await outputDone;
      log.flush();
      return { code: status.code, signal: status.signal };
    });
    const handle: { proc?: BaresipProcess; exit?: ExitInfo } = {};
    const untrack = track({
      stop: () => handle.proc?.stop() ?? killAndWait(child, exited),
      killNow: () => {
        if (!handle.exit) tryKill(child, "SIGKILL");
      },
    });
    exited.then((info) => {
      handle.exit = info;
      untrack();
    });

    const timeoutMs = options.readyTimeoutMs ?? 10_000;
    const who = `baresip for agent "${options.name}"`;
    const failWith = async (message: string, hint?: string): Promise<never> => {
      await killAndWait(child, exited);
      throw new BaresipError(`${message}${logTail(log)}`, { hint });
    };

    const ready = await waitForLine(log, READY_LINE, exited, timeoutMs);
    if (ready === "exited") {
      const info = await exited;
      await failWith(`${who} exited with ${describeExit(info)} before ctrl_tcp was ready`);
    } else if (ready === "timeout") {
      await failWith(`${who} was not ready within ${timeoutMs} ms`);
    }
    let ctrl: CtrlTcpClient;
    try {
      ctrl = await CtrlTcpClient.connect(options.ctrlPort);
    } catch (error) {
      return failWith(
        `${who} started but its ctrl_tcp port ${options.ctrlPort} refused the connection (${
          (error as Error).message
        })`,
        "is the ctrl_tcp module installed?",
      );
    }
    handle.proc = new BaresipProcess(child, log, ctrl, exited, untrack);
    return handle.proc;
  }

  /** The exit status once the process has ended, else undefined. */
  get exitInfo(): ExitInfo | undefined {
    return this.#exit;
  }

  /** The last lines of the log, formatted for an error message. */
  logTail(lines = LOG_TAIL_LINES): string {
    return logTail(this.log, lines);
  }

  /**
   * Stops baresip: `quit` over ctrl_tcp (it de-registers and hangs up), then
   * SIGTERM after `graceMs`, then SIGKILL. Safe to call more than once.
   */
  stop(graceMs = 3000): Promise<void> {
    this.#stopping ??= (async () => {
      if (!this.#exit) {
        this.ctrl.command("quit", undefined, { timeoutMs: graceMs }).catch(() => {});
        if (!(await settlesWithin(this.exited, graceMs))) {
          tryKill(this.#child, "SIGTERM");
          if (!(await settlesWithin(this.exited, 1000))) tryKill(this.#child, "SIGKILL");
        }
      }
      await this.exited;
      this.ctrl.close();
      await this.ctrl.closed;
      this.#untrack();
    })();
    return this.#stopping;
  }

  /** Sends SIGKILL at once (for tests of crash handling, and at exit). */
  kill(signal: Deno.Signal = "SIGKILL"): void {
    if (!this.#exit) tryKill(this.#child, signal);
  }
}

/** Describes an exit status: `code 1` or `signal SIGKILL`. */
export function describeExit(info: ExitInfo): string {
  return info.signal ? `signal ${info.signal}` : `code ${info.code}`;
}

const stdio = { stdin: "null", stdout: "piped", stderr: "piped" } as const;

async function pipeInto(
  stream: ReadableStream<Uint8Array>,
  log: LogBuffer,
  name: OutputStream,
): Promise<void> {
  try {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) log.push(text, name);
  } catch {
    // the stream ends with the process
  }
}

function waitForLine(
  log: LogBuffer,
  wanted: string,
  exited: Promise<unknown>,
  timeoutMs: number,
): Promise<"ready" | "exited" | "timeout"> {
  if (log.tail(50).some((l) => l.includes(wanted))) return Promise.resolve("ready");
  return new Promise((resolve) => {
    const stop = log.onLine((line) => {
      if (line.includes(wanted)) finish("ready");
    });
    const timer = setTimeout(() => finish("timeout"), timeoutMs);
    exited.then(() => finish("exited"));
    function finish(outcome: "ready" | "exited" | "timeout") {
      stop();
      clearTimeout(timer);
      resolve(outcome);
    }
  });
}

function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.then(() => true),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms))),
  ]).finally(() => clearTimeout(timer));
}

async function killAndWait(child: Deno.ChildProcess, exited: Promise<ExitInfo>): Promise<void> {
  tryKill(child, "SIGTERM");
  if (!(await settlesWithin(exited, 1000))) tryKill(child, "SIGKILL");
  await exited;
}

function tryKill(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    child.kill(signal);
  } catch {
    // already gone
  }
}

function logTail(log: LogBuffer, lines = LOG_TAIL_LINES): string {
  const tail = log.tail(lines);
  return tail.length ? ` (last log lines: ${tail.join(" | ")})` : " (it printed nothing)";
}

/** The path of util-linux's `setpriv` (for `--pdeathsig`), or undefined where there is none. */
export function findSetpriv(): string | undefined {
  for (const path of ["/usr/bin/setpriv", "/bin/setpriv"]) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // not here
    }
  }
  return undefined;
}
