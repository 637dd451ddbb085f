/**
 * `websocket()` as the runner performs it: a WebSocket client whose
 * messages and close are pushed to the scenario as they arrive. Opening
 * fails with the URL and the reason; text frames are passed on as they
 * are, binary frames decoded as UTF-8.
 *
 * @module
 */
import { NetError } from "./errors.ts";
import type { NetEvent } from "./wire.ts";

/** Options of {@link WebSocketClient.open}. */
export interface WebSocketClientOptions {
  id: number;
  url: string;
  headers?: Array<[string, string]>;
  protocols?: string[];
  /** How long the opening handshake may take. */
  timeoutMs: number;
  onEvent(event: NetEvent): void;
}

/**
 * See the module documentation.
 *
 * @example
 * ```ts
 * const ws = await WebSocketClient.open({ id: 1, url: "ws://127.0.0.1:8080/events", timeoutMs: 5000, onEvent: console.log });
 * ws.send(JSON.stringify({ action: "originate" }));
 * await ws.close();
 * ```
 */
export class WebSocketClient {
  readonly id: number;
  readonly url: string;
  readonly #socket: WebSocket;
  readonly #closed: Promise<void>;

  private constructor(id: number, url: string, socket: WebSocket, closed: Promise<void>) {
    this.id = id;
    this.url = url;
    this.#socket = socket;
    this.#closed = closed;
  }

  /** Connects; resolves once the handshake is done. */
  static open(options: WebSocketClientOptions): Promise<WebSocketClient> {
    const { id, url, onEvent } = options;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return Promise.reject(
        new NetError(`websocket ${url} failed: invalid URL`, {
          hint: "give an absolute URL such as ws://127.0.0.1:8080/path",
        }),
      );
    }
    if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:") {
      return Promise.reject(new NetError(`websocket ${url} failed: the URL must be ws: or wss:`));
    }
    const socket = new WebSocket(parsed, {
      protocols: options.protocols,
      headers: options.headers,
    } as unknown as string[]);
    socket.binaryType = "arraybuffer";
    let opened = false;
    let lastError: string | undefined;
    let markClosed!: () => void;
    const closed = new Promise<void>((r) => (markClosed = r));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (opened) return;
        reject(
          new NetError(
            `websocket ${url} failed: no answer within ${options.timeoutMs / 1000}s`,
          ),
        );
        socket.close();
      }, options.timeoutMs);
      socket.onopen = () => {
        opened = true;
        clearTimeout(timer);
        resolve(new WebSocketClient(id, url, socket, closed));
      };
      socket.onmessage = (event) => {
        const data = typeof event.data === "string"
          ? event.data
          : new TextDecoder().decode(event.data as ArrayBuffer);
        onEvent({ kind: "ws-message", socket: id, data, at: Date.now() });
      };
      socket.onerror = (event) => {
        lastError = (event as ErrorEvent).message || "connection error";
      };
      socket.onclose = (event) => {
        clearTimeout(timer);
        markClosed();
        if (!opened) {
          void openFailure(parsed, lastError).then((reason) =>
            reject(
              new NetError(`websocket ${url} failed: ${reason}`, {
                hint: "is the server running, and does it take WebSockets on that path?",
              }),
            )
          );
          return;
        }
        onEvent({
          kind: "ws-close",
          socket: id,
          code: event.code,
          reason: event.reason,
          ...(lastError && !event.wasClean ? { error: lastError } : {}),
        });
      };
    });
  }

  /** Sends a text frame. */
  send(data: string): void {
    if (this.#socket.readyState !== WebSocket.OPEN) {
      throw new NetError(`websocket ${this.url} is closed; cannot send`);
    }
    this.#socket.send(data);
  }

  /** Closes the connection and resolves once it is closed (at most 2 s). */
  async close(code = 1000, reason = ""): Promise<void> {
    if (this.#socket.readyState === WebSocket.CLOSED) return;
    if (this.#socket.readyState !== WebSocket.CLOSING) this.#socket.close(code, reason);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.#closed,
      new Promise<void>((r) => (timer = setTimeout(r, 2_000))),
    ]);
    clearTimeout(timer);
  }
}

/**
 * Why the handshake failed. The WebSocket's error event only says "failed
 * to connect", so a plain TCP connection tells a refused connection from a
 * server that refused the upgrade.
 */
async function openFailure(url: URL, error: string | undefined): Promise<string> {
  const detail = (error ?? "the connection closed during the handshake")
    .replace(/^NetworkError: /, "");
  const port = Number(url.port || (url.protocol === "wss:" ? 443 : 80));
  try {
    const conn = await Deno.connect({ hostname: url.hostname, port });
    conn.close();
    return `the server did not accept the WebSocket upgrade (${detail})`;
  } catch (probe) {
    if (probe instanceof Deno.errors.ConnectionRefused) return "connection refused";
    return detail;
  }
}
