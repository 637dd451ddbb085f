/**
 * A session's control server: a Unix socket (mode 0600, in a 0700 folder)
 * that answers each request frame by running it through the command table.
 * A frame that is not JSON or not a request gets an error answer and the
 * connection goes on; a frame that breaks the framing, or is larger than
 * {@link MAX_REQUEST_BYTES}, gets an error answer and the connection is
 * closed (its stream can no longer be trusted). Nothing a client sends
 * stops the session.
 *
 * @module
 */
import { NetstringParser } from "../../core/netstring.ts";
import { RingoError } from "../../core/errors.ts";
import { parseCommand, runCommand, SESSION_COMMANDS, type SessionCommand } from "../commands.ts";
import type { PhoneSession } from "../session.ts";
import type { SessionLog } from "../session_log.ts";
import { formatFieldPath } from "../profile.ts";
import {
  type ControlResponse,
  encodeFrame,
  MAX_REQUEST_BYTES,
  requestSchema,
  writeAll,
} from "./wire.ts";

/** The most clients served at once; more are told so and closed. */
export const MAX_CONNECTIONS = 32;

/** What {@link ControlServer.listen} needs. */
export interface ControlServerOptions {
  /** The socket's path (its folder must exist and be private). */
  path: string;
  session: PhoneSession;
  log: SessionLog;
  /** The command table; default {@link SESSION_COMMANDS}. */
  commands?: readonly SessionCommand[];
}

/**
 * The listening socket of one session.
 *
 * @example
 * ```ts
 * const server = await ControlServer.listen({ path, session, log });
 * // … ringo control -t work status …
 * await server.close();
 * ```
 */
export class ControlServer implements AsyncDisposable {
  readonly path: string;
  readonly #listener: Deno.Listener<Deno.UnixConn, Deno.UnixAddr>;
  readonly #options: ControlServerOptions;
  readonly #connections = new Map<Deno.Conn, AbortController>();
  /** Each connection's last write: frames go out whole, one after the other. */
  readonly #writes = new WeakMap<Deno.Conn, Promise<void>>();
  readonly #served: Promise<void>;
  #closing?: Promise<void>;

  private constructor(
    listener: Deno.Listener<Deno.UnixConn, Deno.UnixAddr>,
    options: ControlServerOptions,
  ) {
    this.path = options.path;
    this.#listener = listener;
    this.#options = options;
    this.#served = this.#accept();
  }

  /** Binds the socket (replacing a stale file at its path) and starts serving. */
  static async listen(options: ControlServerOptions): Promise<ControlServer> {
    await Deno.remove(options.path).catch(() => {});
    const listener = Deno.listen({ transport: "unix", path: options.path });
    await Deno.chmod(options.path, 0o600);
    return new ControlServer(listener, options);
  }

  /** Stops listening, ends every connection (streams end) and removes the socket file. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        this.#listener.close();
      } catch {
        // already closed
      }
      for (const [conn, abort] of this.#connections) {
        abort.abort();
        closeQuietly(conn);
      }
      await this.#served;
      await Deno.remove(this.path).catch(() => {});
    })();
    return this.#closing;
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #accept(): Promise<void> {
    const serving: Promise<void>[] = [];
    try {
      for await (const conn of this.#listener) {
        if (this.#connections.size >= MAX_CONNECTIONS) {
          await this.#send(
            conn,
            failure(undefined, `too many control connections (at most ${MAX_CONNECTIONS})`),
          );
          closeQuietly(conn);
          continue;
        }
        const served = this.#serve(conn);
        serving.push(served);
        served.finally(() => serving.splice(serving.indexOf(served), 1));
      }
    } catch {
      // the listener was closed
    }
    await Promise.all(serving);
  }

  async #serve(conn: Deno.Conn): Promise<void> {
    const abort = new AbortController();
    this.#connections.set(conn, abort);
    const parser = new NetstringParser({ maxFrameBytes: MAX_REQUEST_BYTES });
    const buffer = new Uint8Array(16 * 1024);
    const decoder = new TextDecoder();
    let queue: Promise<void> = Promise.resolve();
    try {
      while (!abort.signal.aborted) {
        const n = await conn.read(buffer);
        if (n === null) break;
        let frames: Uint8Array[];
        try {
          frames = parser.push(buffer.subarray(0, n));
        } catch (error) {
          // A broken frame: answer it, then hang up (what follows cannot be framed).
          await queue;
          await this.#send(
            conn,
            failure(undefined, `malformed request: ${(error as Error).message}`),
          );
          break;
        }
        for (const frame of frames) {
          queue = queue.then(() => this.#handle(conn, decoder.decode(frame), abort.signal));
        }
      }
    } catch {
      // the client went away
    } finally {
      abort.abort();
      await queue.catch(() => {});
      this.#connections.delete(conn);
      closeQuietly(conn);
    }
  }

  async #handle(conn: Deno.Conn, text: string, signal: AbortSignal): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      await this.#send(conn, failure(undefined, "malformed request: the frame is not JSON"));
      return;
    }
    const request = requestSchema.safeParse(json);
    const id = typeof json === "object" && json !== null
      ? idOf((json as Record<string, unknown>).id)
      : undefined;
    if (!request.success) {
      const issue = request.error.issues[0];
      const field = issue.code === "unrecognized_keys"
        ? `unknown field ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`
        : `${formatFieldPath(issue.path)}: ${issue.message}`;
      await this.#send(conn, failure(id, `invalid request: ${field}`));
      return;
    }
    const { command, args } = request.data;
    let response: ControlResponse;
    try {
      const parsed = parseCommand([command, ...args], this.#options.commands ?? SESSION_COMMANDS);
      const result = await runCommand(this.#options.session, parsed, {
        signal,
        emit: (event) => void this.#send(conn, { id, event }),
      });
      response = { id, ok: true, data: result.data ?? null, error: null, text: result.text };
    } catch (error) {
      response = failure(
        id,
        (error as Error).message,
        error instanceof RingoError ? error.hint : undefined,
      );
      this.#options.log.info(`control ${command}: ${response.error}`);
    }
    await this.#send(conn, response);
  }

  #send(conn: Deno.Conn, frame: Parameters<typeof encodeFrame>[0]): Promise<void> {
    const bytes = encodeFrame(frame);
    const write = (this.#writes.get(conn) ?? Promise.resolve()).then(() => writeAll(conn, bytes))
      .catch(() => {
        // the client went away
      });
    this.#writes.set(conn, write);
    return write;
  }
}

function failure(id: string | number | undefined, error: string, hint?: string): ControlResponse {
  return {
    ...(id === undefined ? {} : { id }),
    ok: false,
    data: null,
    error,
    ...(hint ? { hint } : {}),
  };
}

function idOf(value: unknown): string | number | undefined {
  return typeof value === "string" || typeof value === "number" ? value : undefined;
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}
