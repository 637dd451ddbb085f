/**
 * The client side of a session's control socket: one connection, one
 * request at a time, events of a streaming command handed to a callback.
 *
 * @module
 */
import { NetstringParser } from "../../core/netstring.ts";
import { ControlError } from "../errors.ts";
import {
  type ControlEventFrame,
  type ControlResponse,
  encodeFrame,
  MAX_RESPONSE_BYTES,
  writeAll,
} from "./wire.ts";
import type { SessionEvent } from "../session_events.ts";

/** Options of {@link ControlClient.request}. */
export interface RequestOptions {
  /** Receives each event of a streaming command (`events`). */
  onEvent?(event: SessionEvent): void;
  /** Ends the request: the connection is closed, the promise resolves with `undefined`. */
  signal?: AbortSignal;
}

/**
 * A connection to one session.
 *
 * @example
 * ```ts
 * await using client = await ControlClient.connect(entry.socket);
 * const answer = await client.request("status");
 * console.log(answer?.text);
 * ```
 */
export class ControlClient implements AsyncDisposable {
  readonly #conn: Deno.UnixConn;
  readonly #parser = new NetstringParser({ maxFrameBytes: MAX_RESPONSE_BYTES });
  readonly #decoder = new TextDecoder();
  readonly #buffer = new Uint8Array(64 * 1024);
  /** Frames read but not yet handed out. */
  #pending: Uint8Array[] = [];
  #nextId = 1;
  #closed = false;

  private constructor(conn: Deno.UnixConn) {
    this.#conn = conn;
  }

  /**
   * Connects to the socket at `path`.
   *
   * @throws {ControlError} nothing listens there (a session that ended without cleaning up).
   */
  static async connect(path: string): Promise<ControlClient> {
    try {
      return new ControlClient(await Deno.connect({ transport: "unix", path }));
    } catch (error) {
      throw new ControlError(
        `the session's control socket ${path} does not answer (${
          (error as Error).message.split(":")[0]
        })`,
        { hint: "the session has ended; ringo control list removes such entries" },
      );
    }
  }

  /**
   * Sends a command and resolves with its answer; undefined when `signal`
   * ended it first.
   *
   * @throws {ControlError} the session closed the connection, or sent a frame that is not a response.
   */
  async request(
    command: string,
    args: readonly string[] = [],
    options: RequestOptions = {},
  ): Promise<ControlResponse | undefined> {
    const id = this.#nextId++;
    await writeAll(this.#conn, encodeFrame({ id, command, args: [...args] }));
    const onAbort = () => this.close();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      for (;;) {
        const frame = await this.#readFrame(options.signal);
        if (frame === undefined) return undefined;
        if ("event" in frame) {
          options.onEvent?.((frame as unknown as ControlEventFrame).event);
          continue;
        }
        if (typeof frame.ok !== "boolean") {
          throw new ControlError(
            "the session answered with a frame that is neither a response nor an event",
          );
        }
        return frame as unknown as ControlResponse;
      }
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Closes the connection. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  async #readFrame(signal?: AbortSignal): Promise<Record<string, unknown> | undefined> {
    while (this.#pending.length === 0) {
      let n: number | null;
      try {
        n = await this.#conn.read(this.#buffer);
      } catch (error) {
        if (signal?.aborted || this.#closed) return undefined;
        throw new ControlError(`lost the connection to the session: ${(error as Error).message}`);
      }
      if (n === null) {
        if (signal?.aborted || this.#closed) return undefined;
        throw new ControlError("the session closed the connection before it answered", {
          hint: "it may have stopped; see ringo control list",
        });
      }
      this.#pending.push(...this.#parser.push(this.#buffer.subarray(0, n)));
    }
    const text = this.#decoder.decode(this.#pending.shift()!);
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      throw new ControlError("the session answered with a frame that is not JSON");
    }
    if (typeof frame !== "object" || frame === null) {
      throw new ControlError("the session answered with a frame that is not a JSON object");
    }
    return frame as Record<string, unknown>;
  }
}
