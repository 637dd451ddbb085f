/**
 * `websocket()`: a WebSocket client for scenarios, e.g. to drive a JSON
 * call-control API and wait for its events. The socket lives in the runner;
 * messages are pushed to the scenario as they arrive, so `until()` and
 * {@link WebSocketConnection.next} wake on them.
 *
 * @module
 */
import { formatSeconds, parseDuration } from "../duration.ts";
import type { NetEvent } from "../net/wire.ts";
import type { Duration } from "./agent.ts";
import { headerPairs, type HttpHeaders } from "./http.ts";
import { jsonAt } from "./json_path.ts";
import { runtime, withSite } from "./runtime.ts";
import { TimeoutError } from "./until.ts";

/** Default time `next()` waits. */
export const DEFAULT_NEXT_MS = 10_000;

/** Options of {@link websocket}. */
export interface WebSocketOptions {
  headers?: HttpHeaders;
  protocols?: string[];
  /** How long the opening handshake may take; default 10s. */
  timeout?: Duration;
}

/** A text message received on a WebSocket. */
export class WsMessage {
  /** The message text (binary frames decoded as UTF-8). */
  readonly data: string;
  /** When it arrived, in milliseconds since the epoch. */
  readonly at: number;
  readonly #where: string;

  constructor(data: string, at: number, where: string) {
    this.data = data;
    this.at = at;
    this.#where = where;
  }

  /** The message parsed as JSON, or the value at a dotted path in it. */
  json<T = unknown>(path?: string): T {
    return jsonAt<T>(this.data, path, `the message from ${this.#where}`, "message");
  }

  /** The text, for `log()`. */
  toJSON(): string {
    return this.data;
  }
}

/** What a predicate of `next()` is given. */
export type MessagePredicate = (message: WsMessage) => unknown;

/**
 * Opens a WebSocket (from the runner: the sandbox has no network). Rejects
 * with a `NetError` naming the URL and the reason when it cannot connect.
 * The socket is closed when the scenario ends.
 *
 * @example
 * ```ts
 * const ws = await websocket(`${api.url.replace("http", "ws")}/control`);
 * await ws.send({ action: "originate", from: "alice", to: "bob" });
 * const answered = await ws.next((m) => m.json("event") === "answered", "5s");
 * ```
 */
export async function websocket(
  url: string,
  options: WebSocketOptions = {},
): Promise<WebSocketConnection> {
  const rt = runtime();
  if (typeof url !== "string" || url === "") {
    throw new TypeError(`websocket() needs a URL, got ${JSON.stringify(url)}`);
  }
  const timeoutMs = parseDuration(options.timeout ?? "10s");
  rt.requireRun("websocket()");
  const connection = new WebSocketConnection(url);
  // Listen before the socket exists: its first messages may come before the reply.
  const owner = `ws:${crypto.randomUUID()}`;
  const detach = rt.attachNet(owner, (event) => connection.receive(event));
  try {
    const { id } = await rt.call("net.ws.open", [{
      owner,
      url,
      headers: headerPairs(options.headers),
      protocols: options.protocols,
      timeoutMs,
    }]) as { id: number };
    connection.connected(id);
  } catch (error) {
    detach();
    throw error;
  }
  return connection;
}

/** An open WebSocket of the scenario. */
export class WebSocketConnection {
  readonly url: string;
  /** Every message received so far, oldest first. */
  readonly messages: WsMessage[] = [];
  #id = 0;
  /** Index of the first message `next()` has not handed out. */
  #cursor = 0;
  #closed?: { code: number; reason: string; error?: string };

  /** Use {@link websocket}. */
  constructor(url: string) {
    this.url = url;
  }

  /** Connects this object to the runner's socket `id` (internal). */
  connected(id: number): void {
    this.#id = id;
  }

  /** False once either side closed the socket. */
  get open(): boolean {
    return this.#closed === undefined;
  }

  /** How it closed (code, reason), once it did. */
  get closed(): { code: number; reason: string; error?: string } | undefined {
    return this.#closed;
  }

  /** Sends a text frame; an object or array is sent as JSON. */
  async send(data: string | Record<string, unknown> | unknown[]): Promise<void> {
    const text = typeof data === "string" ? data : JSON.stringify(data);
    await runtime().call("net.ws.send", [this.#id, text]);
  }

  /**
   * The next message that `predicate` accepts (any message without one),
   * counting from after the last message `next()` returned — so messages
   * that arrived before the call are not missed. Like `until()`'s
   * function, the predicate rejects a message by returning `false` or by
   * throwing (a failed `expect`, a missing JSON path); such messages are
   * passed over. Fails after `within` (default
   * 10s), or when the socket closes first, listing what did arrive.
   */
  async next(predicate?: MessagePredicate, within?: Duration): Promise<WsMessage> {
    const rt = runtime();
    const limitMs = within === undefined ? DEFAULT_NEXT_MS : parseDuration(within);
    rt.requireRun("next()");
    const site = new Error();
    const deadline = Date.now() + limitMs;
    for (;;) {
      while (this.#cursor < this.messages.length) {
        const message = this.messages[this.#cursor++];
        if (!predicate || await accepts(predicate, message)) return message;
      }
      const remaining = deadline - Date.now();
      if (this.#closed || remaining <= 0) {
        const why = this.#closed
          ? `the socket closed (${this.#closed.code}${
            this.#closed.reason ? ` ${this.#closed.reason}` : ""
          })`
          : `timed out after ${formatSeconds(limitMs)}`;
        throw withSite(
          new TimeoutError(
            `websocket ${this.url}: no ${predicate ? "matching " : ""}message: ${why}; ` +
              `received ${this.messages.length}${lastFew(this.messages)}`,
          ),
          site,
        );
      }
      const version = rt.version;
      try {
        await rt.changedSince(version, remaining);
      } catch (abort) {
        throw withSite(abort as Error, site);
      }
    }
  }

  /** Closes the socket. */
  async close(code = 1000, reason = ""): Promise<void> {
    if (this.#closed) return;
    await runtime().call("net.ws.close", [this.#id, code, reason]);
    this.#closed ??= { code, reason };
  }

  /** Takes an event the runner pushed about this socket (internal). */
  receive(event: NetEvent): void {
    if (event.kind === "ws-message") {
      this.messages.push(new WsMessage(event.data, event.at, this.url));
    } else if (event.kind === "ws-close") {
      this.#closed = {
        code: event.code,
        reason: event.reason,
        ...(event.error ? { error: event.error } : {}),
      };
    }
  }
}

/** True unless `predicate` returns false or throws; its assertions are not reported. */
async function accepts(predicate: MessagePredicate, message: WsMessage): Promise<boolean> {
  const attempt = await runtime().captureAssertions(() => Promise.resolve(predicate(message)));
  return !attempt.failed && attempt.value !== false;
}

function lastFew(messages: WsMessage[]): string {
  if (messages.length === 0) return "";
  const shown = messages.slice(-3).map((m) =>
    m.data.length > 80 ? `${m.data.slice(0, 80)}…` : m.data
  );
  return ` (last: ${shown.join(" | ")})`;
}
