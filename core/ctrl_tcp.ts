/**
 * A client for baresip's ctrl_tcp module: netstring-framed JSON over TCP,
 * token-correlated commands, and events dispatched as they arrive.
 *
 * @module
 */
import { connectCtrlSocket, type CtrlSocket, type CtrlTransport } from "./ctrl_socket.ts";
import { CtrlTcpError } from "./errors.ts";
import { type BaresipEvent, decodeFrame } from "./frames.ts";
import { encodeNetstring, NetstringParser } from "./netstring.ts";

/** Default time a command may take before it fails. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;

/** Options of {@link CtrlTcpClient.connect}. */
export interface CtrlTcpConnectOptions {
  /** Host of ctrl_tcp; default 127.0.0.1. */
  hostname?: string;
  /** Largest frame accepted. */
  maxFrameBytes?: number;
  /** The connection's kind; default `preferredCtrlTransport()` of `ctrl_socket.ts`. */
  transport?: CtrlTransport;
}

/** Events a {@link CtrlTcpClient} dispatches. */
export interface CtrlTcpEventMap {
  /** A baresip event (`detail` is a {@link BaresipEvent}). */
  event: CustomEvent<BaresipEvent>;
  /** An incoming SIP MESSAGE frame (`detail` is the decoded JSON). */
  message: CustomEvent<Record<string, unknown>>;
  /** The connection ended; `detail` is the error that ended it, if any. */
  close: CustomEvent<Error | undefined>;
}

interface Pending {
  command: string;
  resolve: (data: string) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * One ctrl_tcp connection. The reader runs on its own loop for the whole life
 * of the connection (a reader raced against timers would lose frames), so
 * events are never missed while a command is waiting.
 *
 * @example
 * ```ts
 * const client = await CtrlTcpClient.connect(4444);
 * client.addEventListener("event", (e) => console.log(e.detail.type));
 * console.log(await client.command("about"));
 * client.close();
 * ```
 */
export class CtrlTcpClient extends EventTarget {
  readonly #conn: CtrlSocket;
  readonly #parser: NetstringParser;
  readonly #pending = new Map<string, Pending>();
  readonly #decoder = new TextDecoder();
  #nextToken = 1;
  #closed?: Error | "closed";
  /** Resolves when the reader loop has ended (connection closed). */
  readonly closed: Promise<Error | undefined>;

  private constructor(conn: CtrlSocket, maxFrameBytes?: number) {
    super();
    this.#conn = conn;
    this.#parser = new NetstringParser({ maxFrameBytes });
    this.closed = this.#readLoop();
  }

  /** Connects to ctrl_tcp on `port`; fails with a {@link CtrlTcpError}. */
  static async connect(port: number, options: CtrlTcpConnectOptions = {}): Promise<CtrlTcpClient> {
    const hostname = options.hostname ?? "127.0.0.1";
    try {
      const conn = await connectCtrlSocket(hostname, port, options.transport);
      return new CtrlTcpClient(conn, options.maxFrameBytes);
    } catch (error) {
      throw new CtrlTcpError(
        `cannot connect to ctrl_tcp at ${hostname}:${port}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /** The connection's kind: `quickack` (immediate ACKs) or `deno`. */
  get transport(): CtrlTransport {
    return this.#conn.transport;
  }

  /** True once the connection has ended. */
  get isClosed(): boolean {
    return this.#closed !== undefined;
  }

  /**
   * Sends a long command (e.g. `dial`, `hangup`) and resolves with the
   * response's `data` text; rejects when baresip answers `ok:false`, on
   * timeout, or when the connection ends first.
   */
  command(
    command: string,
    params?: string,
    options: { timeoutMs?: number } = {},
  ): Promise<string> {
    if (this.#closed) {
      return Promise.reject(
        new CtrlTcpError(`cannot send '${command}': the ctrl_tcp connection is closed`),
      );
    }
    const token = String(this.#nextToken++);
    const timeoutMs = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    const frame: Record<string, string> = { command, token };
    if (params !== undefined && params !== "") frame.params = params;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(token);
        reject(new CtrlTcpError(`baresip did not answer '${command}' within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(token, { command, resolve, reject, timer });
      this.#write(encodeNetstring(JSON.stringify(frame))).catch((error) => {
        this.#settle(token, new CtrlTcpError(`cannot send '${command}': ${error.message}`));
      });
    });
  }

  /** Closes the connection; pending commands fail. */
  close(): void {
    this.#finish("closed");
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
  }

  async #write(bytes: Uint8Array): Promise<void> {
    let written = 0;
    while (written < bytes.length) written += await this.#conn.write(bytes.subarray(written));
  }

  async #readLoop(): Promise<Error | undefined> {
    const buffer = new Uint8Array(64 * 1024);
    let failure: Error | undefined;
    try {
      while (true) {
        const n = await this.#conn.read(buffer);
        if (n === null) break;
        for (const payload of this.#parser.push(buffer.subarray(0, n))) {
          this.#dispatchFrame(this.#decoder.decode(payload));
        }
      }
    } catch (error) {
      if (this.#closed !== "closed") {
        failure = error instanceof CtrlTcpError
          ? error
          : new CtrlTcpError(`ctrl_tcp connection failed: ${(error as Error).message}`);
      }
    }
    this.#finish(failure ?? "closed");
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
    return failure;
  }

  #dispatchFrame(text: string): void {
    const frame = decodeFrame(text);
    if (frame.kind === "event") {
      this.dispatchEvent(new CustomEvent("event", { detail: frame.event }));
    } else if (frame.kind === "message") {
      this.dispatchEvent(new CustomEvent("message", { detail: frame.message }));
    } else {
      const { token, ok, data } = frame.response;
      if (token === undefined || !this.#pending.has(token)) return; // not ours (or timed out)
      const command = this.#pending.get(token)!.command;
      this.#settle(
        token,
        ok
          ? data
          : new CtrlTcpError(`baresip refused '${command}': ${data.trim() || "no reason given"}`),
      );
    }
  }

  #settle(token: string, outcome: string | Error): void {
    const pending = this.#pending.get(token);
    if (!pending) return;
    this.#pending.delete(token);
    clearTimeout(pending.timer);
    if (outcome instanceof Error) pending.reject(outcome);
    else pending.resolve(outcome);
  }

  #finish(reason: Error | "closed"): void {
    if (this.#closed) return;
    this.#closed = reason;
    const error = reason === "closed"
      ? new CtrlTcpError("the ctrl_tcp connection closed before baresip answered")
      : reason;
    for (const token of [...this.#pending.keys()]) this.#settle(token, error);
    this.dispatchEvent(
      new CustomEvent("close", { detail: reason === "closed" ? undefined : reason }),
    );
  }
}
