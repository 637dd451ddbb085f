/**
 * A scenario's mock HTTP server, in the runner: a Hono app on
 * `Deno.serve({ hostname: "127.0.0.1" })` that records every request, tells
 * the scenario about it (before answering it, so a scenario that awaits its
 * own request to the mock already sees it recorded), and answers from a
 * route table the scenario changes while the server runs: a static answer,
 * an answer the scenario's responder computes (with a time limit), a
 * WebSocket whose events go to the scenario, or 404.
 *
 * @module
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { upgradeWebSocket } from "hono/deno";
import type { WSContext } from "hono/ws";
import { delay } from "../../core/delay.ts";
import { NetError } from "./errors.ts";
import { describeRoute, MockRoutes } from "./mock_routes.ts";
import type {
  NetEvent,
  WireMockInfo,
  WireMockResponse,
  WireRecordedRequest,
  WireRoute,
} from "./wire.ts";

/** Default time a scenario's responder has to answer a request. */
export const DEFAULT_RESPONDER_TIMEOUT_MS = 5_000;

/** Options of {@link MockServer.start}. */
export interface MockServerOptions {
  /** The server's id within its runner. */
  id: number;
  /** A port on 127.0.0.1; a free one when omitted or 0. */
  port?: number;
  /** How long a scenario's responder may take; default {@link DEFAULT_RESPONDER_TIMEOUT_MS}. */
  responderTimeoutMs?: number;
  /** Receives each request and WebSocket event, to push to the scenario. */
  onEvent(event: NetEvent): void;
  /** A line for the scenario's report. */
  log(message: string, level: "info" | "warn" | "error"): void;
}

/** The scenario's answer to a request it was asked about. */
export type ResponderReply = { response: WireMockResponse } | { error: string };

interface Pending {
  settle(reply: ResponderReply): void;
}

/**
 * See the module documentation.
 *
 * @example
 * ```ts
 * const server = await MockServer.start({ id: 1, onEvent: console.log, log: console.log });
 * server.route({ method: "GET", path: { exact: "/health" }, action: { kind: "static", response: { status: 200, headers: [], body: "ok" } } });
 * await fetch(`${server.url}/health`); // 200 "ok"
 * await server.stop();
 * ```
 */
export class MockServer {
  readonly id: number;
  readonly port: number;
  readonly url: string;
  readonly #options: MockServerOptions;
  readonly #routes = new MockRoutes();
  readonly #pending = new Map<number, Pending>();
  readonly #sockets = new Map<number, WSContext>();
  /** Cancels static answers that wait out their delay. */
  readonly #stopping = new AbortController();
  #server!: Deno.HttpServer<Deno.NetAddr>;
  #seq = 0;
  #nextToken = 1;
  #nextConn = 1;
  #stopped?: Promise<void>;

  private constructor(options: MockServerOptions, port: number) {
    this.#options = options;
    this.id = options.id;
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Starts a server on 127.0.0.1 (`port`, or a free one). */
  static start(options: MockServerOptions): Promise<MockServer> {
    const app = new Hono();
    const started: { mock?: MockServer } = {};
    app.all("*", (c) => started.mock!.#handle(c));
    let server: Deno.HttpServer<Deno.NetAddr>;
    try {
      server = Deno.serve(
        { hostname: "127.0.0.1", port: options.port ?? 0, onListen: () => {} },
        app.fetch,
      );
    } catch (error) {
      if (error instanceof Deno.errors.AddrInUse) {
        throw new NetError(`mockServer: port ${options.port} on 127.0.0.1 is already in use`, {
          hint: "leave the port out to get a free one, or stop what listens there",
        });
      }
      throw new NetError(`mockServer: cannot listen on 127.0.0.1:${options.port ?? 0}: ${error}`);
    }
    const mock = new MockServer(options, server.addr.port);
    mock.#server = server;
    started.mock = mock;
    return Promise.resolve(mock);
  }

  /** Describes the server for the scenario. */
  info(): WireMockInfo {
    return { id: this.id, port: this.port, url: this.url };
  }

  /** Adds a route, or replaces the one with the same method and path. */
  route(route: WireRoute): void {
    this.#routes.set(route);
  }

  /** Settles a request the scenario's responder was asked about. */
  reply(token: number, reply: ResponderReply): void {
    this.#pending.get(token)?.settle(reply);
  }

  /** Sends `data` on the server side of WebSocket `conn`. */
  wsSend(conn: number, data: string): void {
    const socket = this.#sockets.get(conn);
    if (!socket || socket.readyState !== 1) {
      throw new NetError(`mock WebSocket #${conn} on ${this.url} is closed`);
    }
    socket.send(data);
  }

  /** Closes the server side of WebSocket `conn`. */
  wsClose(conn: number, code = 1000, reason = ""): void {
    this.#sockets.get(conn)?.close(code, reason);
  }

  /**
   * Stops listening: answers requests still waiting for the scenario with
   * 503, closes WebSockets, and resolves once the port is free. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#stopping.abort();
      for (const pending of [...this.#pending.values()]) {
        pending.settle({ error: "the mock server stopped" });
      }
      for (const socket of this.#sockets.values()) {
        try {
          socket.close(1000, "mock server stopped");
        } catch {
          // already closing
        }
      }
      this.#sockets.clear();
      await this.#server.shutdown();
    })();
    return this.#stopped;
  }

  async #handle(c: Context): Promise<Response> {
    const raw = c.req.raw;
    const url = new URL(raw.url);
    const route = this.#routes.match(raw.method, url.pathname);
    const body = raw.method === "GET" || raw.method === "HEAD" ? "" : await raw.text();
    const request: WireRecordedRequest = {
      seq: ++this.#seq,
      method: raw.method,
      path: url.pathname,
      url: `${this.url}${url.pathname}${url.search}`,
      query: [...url.searchParams],
      headers: [...raw.headers],
      body,
      at: Date.now(),
      matched: route !== undefined,
    };
    if (!route) {
      this.#options.onEvent({ kind: "mock-request", server: this.id, request });
      return new Response(`no route for ${raw.method} ${url.pathname}\n`, {
        status: 404,
        headers: { "content-type": "text/plain; charset=utf-8" },
      });
    }
    const action = route.action;
    switch (action.kind) {
      case "static":
        this.#options.onEvent({ kind: "mock-request", server: this.id, request });
        if (action.response.delayMs) await delay(action.response.delayMs, this.#stopping.signal);
        if (this.#stopping.signal.aborted) return stoppedResponse();
        return toResponse(action.response);
      case "responder":
        return await this.#askScenario(request, action.id, describeRoute(route.method, route.path));
      case "websocket":
        this.#options.onEvent({ kind: "mock-request", server: this.id, request });
        return await this.#upgrade(c, action.id, request.seq);
    }
  }

  /** Pushes the request with a token, and waits for the scenario's answer. */
  #askScenario(request: WireRecordedRequest, responder: number, route: string): Promise<Response> {
    const token = this.#nextToken++;
    const limitMs = this.#options.responderTimeoutMs ?? DEFAULT_RESPONDER_TIMEOUT_MS;
    const where = `mock ${this.url}: ${request.method} ${request.path} (route ${route})`;
    return new Promise<Response>((resolve) => {
      const timer = setTimeout(() => {
        const message = `${where}: the responder did not answer within ${limitMs / 1000}s`;
        this.#options.log(`${message}; answered 500`, "error");
        settle({ error: message });
      }, limitMs);
      const settle = (reply: ResponderReply) => {
        if (!this.#pending.delete(token)) return;
        clearTimeout(timer);
        if ("response" in reply) {
          resolve(toResponse(reply.response));
          return;
        }
        if (reply.error !== "the mock server stopped" && !reply.error.startsWith(where)) {
          this.#options.log(
            `${where}: the responder failed: ${reply.error}; answered 500`,
            "error",
          );
        }
        resolve(
          new Response(`${reply.error}\n`, {
            status: this.#stopping.signal.aborted ? 503 : 500,
            headers: { "content-type": "text/plain; charset=utf-8" },
          }),
        );
      };
      this.#pending.set(token, { settle });
      this.#options.onEvent({
        kind: "mock-request",
        server: this.id,
        request,
        pending: { token, responder },
      });
    });
  }

  async #upgrade(c: Context, handler: number, seq: number): Promise<Response> {
    const conn = this.#nextConn++;
    const server = this.id;
    const push = (event: NetEvent) => this.#options.onEvent(event);
    const sockets = this.#sockets;
    const middleware = upgradeWebSocket(() => ({
      onOpen(_event, ws) {
        sockets.set(conn, ws);
        push({ kind: "mock-ws-open", server, conn, handler, seq });
      },
      onMessage(event, _ws) {
        push({ kind: "mock-ws-message", server, conn, handler, data: textOf(event.data) });
      },
      onClose(event) {
        sockets.delete(conn);
        push({
          kind: "mock-ws-close",
          server,
          conn,
          handler,
          code: event.code,
          reason: event.reason,
        });
      },
    }));
    const answer = await middleware(c, () => Promise.resolve());
    return answer ??
      new Response("this path takes WebSocket connections only\n", { status: 426 });
  }
}

function toResponse(response: WireMockResponse): Response {
  const noBody = response.status === 204 || response.status === 304;
  return new Response(noBody ? null : response.body, {
    status: response.status,
    headers: response.headers,
  });
}

function stoppedResponse(): Response {
  return new Response("the mock server stopped\n", { status: 503 });
}

function textOf(data: unknown): string {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  if (ArrayBuffer.isView(data)) return new TextDecoder().decode(data);
  return String(data);
}
