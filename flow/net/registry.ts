/**
 * The runner's network side for one scenario file: performs the Worker's
 * `net.*` calls (HTTP requests, mock servers, WebSocket clients), keeps
 * everything a scenario opened under its id, and closes all of it when the
 * scenario ends — passed, failed or timed out — so no port stays open.
 *
 * @module
 */
import { NetError } from "./errors.ts";
import { httpRequest } from "./http_client.ts";
import { MockServer, type ResponderReply } from "./mock_server.ts";
import { WebSocketClient } from "./websocket_client.ts";
import type { NetEvent, Owned, WireHttpRequest, WireRoute } from "./wire.ts";

/** Options of {@link NetRegistry}. */
export interface NetRegistryOptions {
  /** Pushes an event to the scenario's Worker, tagged with the owner it chose. */
  push(owner: string, event: NetEvent): void;
  /** A line in scenario `scenarioId`'s report. */
  log(scenarioId: string, message: string, level: "info" | "warn" | "error"): void;
}

/** Options of `net.mock.start`. */
export interface MockStartParams extends Owned {
  port?: number;
  responderTimeoutMs?: number;
}

/** Options of `net.ws.open`. */
export interface WebSocketOpenParams extends Owned {
  url: string;
  headers?: Array<[string, string]>;
  protocols?: string[];
  timeoutMs: number;
}

interface Held<T> {
  scenarioId: string;
  value: T;
}

/**
 * See the module documentation.
 *
 * @example
 * ```ts
 * const net = new NetRegistry({ push: (e) => worker.postMessage({ type: "net", event: e }), log: console.log });
 * const info = await net.perform("s1", "net.mock.start", [{}]);
 * await net.release("s1"); // the mock server is stopped, its port free
 * ```
 */
export class NetRegistry {
  readonly #options: NetRegistryOptions;
  readonly #servers = new Map<number, Held<MockServer>>();
  readonly #sockets = new Map<number, Held<WebSocketClient>>();
  readonly #requests = new Map<string, Set<AbortController>>();
  /** Scenarios already released: what they still open is closed at once. */
  readonly #ended = new Set<string>();
  #nextServer = 1;
  #nextSocket = 1;
  #closed = false;

  constructor(options: NetRegistryOptions) {
    this.#options = options;
  }

  /** True for the methods this registry performs. */
  static handles(method: string): boolean {
    return method.startsWith("net.");
  }

  /** Performs a `net.*` call of scenario `scenarioId`. */
  async perform(scenarioId: string, method: string, params: unknown[]): Promise<unknown> {
    if (this.#closed) throw new NetError("the runner is shutting down");
    switch (method) {
      case "net.http":
        return await this.#http(scenarioId, params[0] as WireHttpRequest);
      case "net.mock.start":
        return await this.#startMock(scenarioId, params[0] as MockStartParams);
      case "net.mock.route":
        this.#server(scenarioId, params[0]).route(params[1] as WireRoute);
        return;
      case "net.mock.reply":
        this.#servers.get(Number(params[0]))?.value.reply(
          Number(params[1]),
          params[2] as ResponderReply,
        );
        return;
      case "net.mock.stop": {
        const id = Number(params[0]);
        const server = this.#server(scenarioId, id);
        this.#servers.delete(id);
        await server.stop();
        return;
      }
      case "net.mock.ws.send":
        this.#server(scenarioId, params[0]).wsSend(Number(params[1]), String(params[2]));
        return;
      case "net.mock.ws.close":
        this.#server(scenarioId, params[0]).wsClose(
          Number(params[1]),
          params[2] as number | undefined,
          params[3] as string | undefined,
        );
        return;
      case "net.ws.open":
        return await this.#openSocket(scenarioId, params[0] as WebSocketOpenParams);
      case "net.ws.send":
        this.#socket(scenarioId, params[0]).send(String(params[1]));
        return;
      case "net.ws.close": {
        const id = Number(params[0]);
        const socket = this.#socket(scenarioId, id);
        this.#sockets.delete(id);
        await socket.close(params[1] as number | undefined, params[2] as string | undefined);
        return;
      }
      default:
        throw new Error(`unknown call ${method}`);
    }
  }

  /**
   * Closes what scenario `scenarioId` opened: cancels its HTTP requests,
   * closes its WebSockets, stops its mock servers (their ports are free once
   * this resolves).
   */
  async release(scenarioId: string): Promise<void> {
    this.#ended.add(scenarioId);
    for (const controller of this.#requests.get(scenarioId) ?? []) controller.abort();
    this.#requests.delete(scenarioId);
    const sockets = take(this.#sockets, scenarioId);
    const servers = take(this.#servers, scenarioId);
    await Promise.all([
      ...sockets.map((s) => s.close(1000, "scenario ended")),
      ...servers.map((s) => s.stop()),
    ]);
  }

  /** Releases every scenario and refuses further calls. */
  async releaseAll(): Promise<void> {
    this.#closed = true;
    const ids = new Set([
      ...[...this.#servers.values()].map((o) => o.scenarioId),
      ...[...this.#sockets.values()].map((o) => o.scenarioId),
      ...this.#requests.keys(),
    ]);
    await Promise.all([...ids].map((id) => this.release(id)));
  }

  async #http(scenarioId: string, request: WireHttpRequest) {
    const controller = new AbortController();
    let mine = this.#requests.get(scenarioId);
    if (!mine) this.#requests.set(scenarioId, mine = new Set());
    mine.add(controller);
    try {
      return await httpRequest(request, controller.signal);
    } finally {
      mine.delete(controller);
    }
  }

  async #startMock(scenarioId: string, params: MockStartParams) {
    if (this.#ended.has(scenarioId)) throw new NetError("the scenario has ended");
    const id = this.#nextServer++;
    const server = await MockServer.start({
      id,
      port: params.port,
      responderTimeoutMs: params.responderTimeoutMs,
      onEvent: (event) => this.#options.push(params.owner, event),
      log: (message, level) => this.#options.log(scenarioId, message, level),
    });
    this.#servers.set(id, { scenarioId, value: server });
    return server.info();
  }

  async #openSocket(scenarioId: string, params: WebSocketOpenParams) {
    const id = this.#nextSocket++;
    const socket = await WebSocketClient.open({
      id,
      url: params.url,
      headers: params.headers,
      protocols: params.protocols,
      timeoutMs: params.timeoutMs,
      onEvent: (event) => this.#options.push(params.owner, event),
    });
    if (this.#ended.has(scenarioId) || this.#closed) {
      await socket.close(1000, "scenario ended");
      throw new NetError("the scenario ended while the WebSocket was opening");
    }
    this.#sockets.set(id, { scenarioId, value: socket });
    return { id };
  }

  #server(scenarioId: string, id: unknown): MockServer {
    const owned = this.#servers.get(Number(id));
    if (!owned || owned.scenarioId !== scenarioId) {
      throw new NetError("this mock server was stopped (servers stop when their scenario ends)");
    }
    return owned.value;
  }

  #socket(scenarioId: string, id: unknown): WebSocketClient {
    const owned = this.#sockets.get(Number(id));
    if (!owned || owned.scenarioId !== scenarioId) {
      throw new NetError("this WebSocket is closed (sockets close when their scenario ends)");
    }
    return owned.value;
  }
}

function take<T>(map: Map<number, Held<T>>, scenarioId: string): T[] {
  const mine = [...map].filter(([, o]) => o.scenarioId === scenarioId);
  for (const [id] of mine) map.delete(id);
  return mine.map(([, o]) => o.value);
}
