/**
 * `mockServer()`: HTTP servers a scenario stands up in place of a backend
 * (a webhook endpoint, a call-control API). The server runs in the runner
 * (Hono on 127.0.0.1); every request it gets is pushed to the scenario as
 * it arrives, so `requests()` are synchronous and `until()` wakes on a
 * request. Answers are static (`respond`), computed by the scenario
 * (`on`), or a WebSocket (`websocket`); anything else gets 404 and is
 * recorded too. The server stops when the scenario ends.
 *
 * @module
 */
import { parseDuration } from "../duration.ts";
import { describePath, pathTester } from "../net/mock_routes.ts";
import { noteRead } from "../expect.ts";
import type {
  NetEvent,
  WireMockInfo,
  WireMockResponse,
  WirePathMatch,
  WireRecordedRequest,
  WireRouteAction,
} from "../net/wire.ts";
import type { Duration } from "./agent.ts";
import { encodeBody, headerPairs, headerRecord, type HttpHeaders } from "./http.ts";
import { jsonAt } from "./json_path.ts";
import { type Runtime, runtime } from "./runtime.ts";
import { WsMessage } from "./websocket.ts";

/** A path pattern built by {@link regex}. */
export interface RegexPath {
  readonly regex: string;
  readonly flags: string;
}

/** A route's path: exact (`"/hook"`) or {@link regex}. */
export type PathPattern = string | RegexPath;

/**
 * A path pattern matched against the whole path (it is anchored: `^…$`).
 *
 * @example
 * ```ts
 * await api.respond("GET", regex("/calls/[0-9]+"), jsonResponse({ state: "up" }));
 * ```
 */
export function regex(pattern: string | RegExp): RegexPath {
  const source = pattern instanceof RegExp ? pattern.source : pattern;
  const flags = pattern instanceof RegExp ? pattern.flags.replace(/[gy]/g, "") : "";
  try {
    new RegExp(source, flags);
  } catch (error) {
    throw new TypeError(`regex(${JSON.stringify(source)}): ${(error as Error).message}`);
  }
  return Object.freeze({ regex: source, flags });
}

/** An answer of a mock server. */
export interface MockResponse {
  /** Default 200. */
  status?: number;
  /** Sets the `content-type` header. */
  contentType?: string;
  headers?: HttpHeaders;
  /** Text as it is; an object or array as JSON. */
  body?: string | Record<string, unknown> | unknown[];
  /** Wait this long before answering (e.g. to make a webhook time out). */
  delay?: Duration;
}

/** The rest of a {@link MockResponse} beside its body: options, or just the status code. */
export type ResponseInit = Omit<MockResponse, "body"> | number;

/**
 * A JSON answer; the second argument is its status code or its other fields.
 *
 * @example
 * ```ts
 * await hooks.respond("POST", "/route", jsonResponse({ route: "carol" }));
 * await hooks.respond("POST", "/route", jsonResponse({ error: "nope" }, 503));
 * await hooks.respond("POST", "/route", jsonResponse({ error: "slow" }, { status: 503, delay: "2s" }));
 * ```
 */
export function jsonResponse(value: unknown, init: ResponseInit = {}): MockResponse {
  return {
    contentType: "application/json",
    ...initOf("jsonResponse", init),
    body: JSON.stringify(value),
  };
}

/**
 * A plain-text answer; the second argument is its status code or its other fields.
 *
 * @example
 * ```ts
 * await api.respond("/health", textResponse("ok"));
 * await api.respond("/health", textResponse("down", 503));
 * ```
 */
export function textResponse(text: string, init: ResponseInit = {}): MockResponse {
  return {
    contentType: "text/plain; charset=utf-8",
    ...initOf("textResponse", init),
    body: String(text),
  };
}

function initOf(builder: string, init: ResponseInit): Omit<MockResponse, "body"> {
  if (typeof init === "number") return { status: init };
  if (typeof init !== "object" || init === null) {
    throw new TypeError(
      `${builder}() takes a status code or an object such as { status: 201 }, got ${
        JSON.stringify(init)
      }`,
    );
  }
  return init;
}

/** What a responder may return: a {@link MockResponse}, or a string (sent as text, 200). */
export type ResponderResult = MockResponse | string;

/** Computes the answer to a request, in the scenario. */
export type Responder = (request: MockRequest) => ResponderResult | Promise<ResponderResult>;

/** Handlers of a mock WebSocket route; each runs in the scenario. */
export interface MockSocketHandler {
  open?(socket: MockSocket): unknown;
  message?(socket: MockSocket, message: WsMessage): unknown;
  close?(socket: MockSocket, code: number, reason: string): unknown;
}

/** Options of {@link mockServer}. */
export interface MockServerOptions {
  /** A port on 127.0.0.1; a free one when left out. */
  port?: number;
  /** How long an `on()` responder may take before the request gets 500; default 5s. */
  responderTimeout?: Duration;
}

/**
 * Starts a mock HTTP server on 127.0.0.1 (`port`, or a free one) for the
 * running scenario. It is stopped when the scenario ends.
 *
 * @example
 * ```ts
 * const hooks = await mockServer({ port: Number(env("WEBHOOK_PORT")) });
 * await hooks.respond("POST", "/route", jsonResponse({ route: "bob" }));
 * await until(() => expect(hooks.requestCount("/route")).toBe(1));
 * expect(hooks.lastRequest("/route")?.json("caller")).toBe("alice");
 * ```
 */
export async function mockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const rt = runtime();
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0)) {
    throw new TypeError(`mockServer() needs a port number, got ${JSON.stringify(options.port)}`);
  }
  const responderTimeoutMs = options.responderTimeout === undefined
    ? undefined
    : parseDuration(options.responderTimeout);
  rt.requireRun("mockServer()");
  // Listen before asking: a request to a fixed port may come before the reply.
  const owner = `mock:${crypto.randomUUID()}`;
  const early: NetEvent[] = [];
  const detach = rt.attachNet(owner, (event) => early.push(event));
  let info: WireMockInfo;
  try {
    info = await rt.call("net.mock.start", [{
      owner,
      ...(options.port ? { port: options.port } : {}),
      ...(responderTimeoutMs !== undefined ? { responderTimeoutMs } : {}),
    }]) as WireMockInfo;
  } catch (error) {
    detach();
    throw error;
  }
  const server = new MockServer(rt, info, owner);
  for (const event of early) server.receive(event);
  return server;
}

/** A request a mock server received. */
export class MockRequest {
  /** 1 for the server's first request, then 2, … */
  readonly seq: number;
  readonly method: string;
  /** The path, without the query string. */
  readonly path: string;
  readonly url: string;
  /** The body as text ("" for none). */
  readonly body: string;
  /** Headers, names in lower case. */
  readonly headers: Record<string, string>;
  /** When it arrived, in milliseconds since the epoch. */
  readonly at: number;
  /** False when no route matched and it was answered 404. */
  readonly matched: boolean;
  readonly #query: Array<[string, string]>;

  constructor(wire: WireRecordedRequest) {
    this.seq = wire.seq;
    this.method = wire.method;
    this.path = wire.path;
    this.url = wire.url;
    this.body = wire.body;
    this.headers = headerRecord(wire.headers);
    this.at = wire.at;
    this.matched = wire.matched;
    this.#query = wire.query;
  }

  /** A query parameter's (first) value, or undefined. */
  query(name: string): string | undefined {
    return this.#query.find(([n]) => n === name)?.[1];
  }

  /** A header's value (any case), or undefined. */
  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }

  /** The body parsed as JSON, or the value at a dotted path in it; throws naming the path. */
  json<T = unknown>(path?: string): T {
    const what = `${this.method} ${this.path}`;
    return jsonAt<T>(this.body, path, `the body of ${what}`, `${what} request`);
  }

  /** The request as plain data (for `log()`). */
  toJSON(): Record<string, unknown> {
    return {
      method: this.method,
      path: this.path,
      query: Object.fromEntries(this.#query),
      headers: this.headers,
      body: this.body,
      matched: this.matched,
    };
  }
}

/** The server side of a WebSocket connection to a mock server. */
export class MockSocket {
  /** The upgrade request. */
  readonly request: MockRequest;
  /** Messages the client sent, oldest first. */
  readonly messages: WsMessage[] = [];
  readonly #send: (text: string) => Promise<void>;
  readonly #close: (code: number, reason: string) => Promise<void>;
  #closed = false;

  constructor(
    request: MockRequest,
    send: (text: string) => Promise<void>,
    close: (code: number, reason: string) => Promise<void>,
  ) {
    this.request = request;
    this.#send = send;
    this.#close = close;
  }

  /** False once either side closed it. */
  get open(): boolean {
    return !this.#closed;
  }

  /** Sends a text frame to the client; an object or array is sent as JSON. */
  send(data: string | Record<string, unknown> | unknown[]): Promise<void> {
    return this.#send(typeof data === "string" ? data : JSON.stringify(data));
  }

  /** Closes the connection. */
  close(code = 1000, reason = ""): Promise<void> {
    return this.#close(code, reason);
  }

  /** Marks it closed (internal). */
  markClosed(): void {
    this.#closed = true;
  }
}

/** A running mock server; see {@link mockServer}. */
export class MockServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  readonly #rt: Runtime;
  readonly #id: number;
  readonly #requests: MockRequest[] = [];
  readonly #responders = new Map<number, { route: string; responder: Responder }>();
  readonly #handlers = new Map<number, MockSocketHandler>();
  readonly #sockets = new Map<number, MockSocket>();
  #nextHandler = 1;

  /** Use {@link mockServer}. */
  constructor(rt: Runtime, info: WireMockInfo, owner: string) {
    this.#rt = rt;
    this.#id = info.id;
    this.url = info.url;
    this.port = info.port;
    rt.attachNet(owner, (event) => this.receive(event));
  }

  /** The server's WebSocket URL for `path`: `ws://127.0.0.1:<port><path>`. */
  wsUrl(path = "/"): string {
    return `ws://127.0.0.1:${this.port}${path}`;
  }

  /**
   * Answers `method path` with `response` from now on (replacing an answer
   * for the same method and path): stage the next answer between requests.
   * `method` may be `"*"` or left out (any method).
   */
  respond(path: PathPattern, response: MockResponse | Responder): Promise<void>;
  respond(method: string, path: PathPattern, response: MockResponse | Responder): Promise<void>;
  respond(...args: unknown[]): Promise<void> {
    const [method, path, response] = splitArgs<MockResponse | Responder>("respond", args);
    // A function computes each answer: that is what on() does.
    if (typeof response === "function") return this.on(method, path, response);
    return this.#route(method, path, { kind: "static", response: toWire(response) });
  }

  /**
   * Answers `method path` with what `responder` returns. It runs in the
   * scenario (so it may read and change scenario variables); if it throws,
   * or takes longer than the server's `responderTimeout` (5s), the request
   * gets 500 and the scenario's report a line saying why.
   */
  on(path: PathPattern, responder: Responder): Promise<void>;
  on(method: string, path: PathPattern, responder: Responder): Promise<void>;
  on(...args: unknown[]): Promise<void> {
    const [method, path, responder] = splitArgs<Responder>("on", args);
    if (typeof responder !== "function") {
      throw new TypeError(`on() needs a responder function, got ${typeof responder}`);
    }
    const id = this.#nextHandler++;
    this.#responders.set(id, { route: `${method} ${describe(path)}`, responder });
    return this.#route(method, path, { kind: "responder", id });
  }

  /**
   * Takes WebSocket connections on `path`; `handler`'s `open`, `message` and
   * `close` run in the scenario. Connect with `websocket(server.wsUrl(path))`.
   */
  websocket(path: PathPattern, handler: MockSocketHandler): Promise<void> {
    const id = this.#nextHandler++;
    this.#handlers.set(id, handler);
    return this.#route("GET", path, { kind: "websocket", id });
  }

  /** Requests received on `path` (every request when left out), oldest first. */
  requests(path?: PathPattern): MockRequest[] {
    if (path === undefined) return [...this.#requests];
    const test = pathTester(toWirePath(path));
    return this.#requests.filter((r) => test(r.path));
  }

  /** How many requests `path` (any path when left out) received. */
  requestCount(path?: PathPattern): number {
    const count = this.requests(path).length;
    noteRead(`requestCount(${path === undefined ? "" : describe(path)})`, count);
    return count;
  }

  /** The latest request on `path` (any path when left out), or undefined. */
  lastRequest(path?: PathPattern): MockRequest | undefined {
    return this.requests(path).at(-1);
  }

  /** Requests no route matched (answered 404). */
  unmatched(): MockRequest[] {
    return this.#requests.filter((r) => !r.matched);
  }

  /** WebSocket connections taken so far (open or closed), oldest first. */
  sockets(): MockSocket[] {
    return [...this.#sockets.values()];
  }

  /** Stops the server now (it stops with the scenario anyway). */
  async stop(): Promise<void> {
    await this.#rt.call("net.mock.stop", [this.#id]);
  }

  #route(method: string, path: PathPattern, action: WireRouteAction): Promise<void> {
    this.#rt.requireRun("a mock route");
    return this.#rt.call("net.mock.route", [
      this.#id,
      { method, path: toWirePath(path), action },
    ]) as Promise<void>;
  }

  /** Takes an event the runner pushed about this server (internal). */
  receive(event: NetEvent): void {
    switch (event.kind) {
      case "mock-request": {
        const request = new MockRequest(event.request);
        this.#requests.push(request);
        if (event.pending) void this.#answer(request, event.pending);
        return;
      }
      case "mock-ws-open": {
        const request = this.#requests.find((r) => r.seq === event.seq) ??
          new MockRequest({
            seq: event.seq,
            method: "GET",
            path: "",
            url: this.url,
            query: [],
            headers: [],
            body: "",
            at: Date.now(),
            matched: true,
          });
        const socket = new MockSocket(
          request,
          async (text) => {
            await this.#rt.call("net.mock.ws.send", [this.#id, event.conn, text]);
          },
          async (code, reason) => {
            await this.#rt.call("net.mock.ws.close", [this.#id, event.conn, code, reason]);
          },
        );
        this.#sockets.set(event.conn, socket);
        this.#runHandler(event.handler, "open", (h) => h.open?.(socket));
        return;
      }
      case "mock-ws-message": {
        const socket = this.#sockets.get(event.conn);
        if (!socket) return;
        const message = new WsMessage(event.data, Date.now(), `${this.url} WebSocket client`);
        socket.messages.push(message);
        this.#runHandler(event.handler, "message", (h) => h.message?.(socket, message));
        return;
      }
      case "mock-ws-close": {
        const socket = this.#sockets.get(event.conn);
        if (!socket) return;
        socket.markClosed();
        this.#runHandler(
          event.handler,
          "close",
          (h) => h.close?.(socket, event.code, event.reason),
        );
        return;
      }
    }
  }

  /** Runs the responder and sends its answer (or its failure) to the runner. */
  async #answer(request: MockRequest, pending: { token: number; responder: number }) {
    const entry = this.#responders.get(pending.responder);
    let reply: { response: WireMockResponse } | { error: string };
    try {
      if (!entry) throw new Error("its responder is gone");
      const result = await entry.responder(request);
      reply = { response: toWire(typeof result === "string" ? textResponse(result) : result) };
    } catch (error) {
      reply = { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
    try {
      await this.#rt.call("net.mock.reply", [this.#id, pending.token, reply]);
    } catch {
      // The scenario ended meanwhile; the runner answered the request itself.
    }
  }

  #runHandler(id: number, what: string, run: (handler: MockSocketHandler) => unknown): void {
    const handler = this.#handlers.get(id);
    if (!handler) return;
    const fail = (error: unknown) => {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.#rt.log(`mock ${this.url}: the WebSocket ${what} handler failed: ${text}`, "error");
    };
    try {
      const result = run(handler);
      if (result instanceof Promise) result.catch(fail);
    } catch (error) {
      fail(error);
    }
  }
}

function splitArgs<T>(verb: string, args: unknown[]): [string, PathPattern, T] {
  const [method, path, last] = args.length >= 3 ? args : ["*", ...args];
  if (typeof method !== "string" || !/^(\*|[A-Za-z]+)$/.test(method)) {
    throw new TypeError(`${verb}() needs an HTTP method or "*", got ${JSON.stringify(method)}`);
  }
  if (!isPathPattern(path)) {
    throw new TypeError(
      `${verb}() needs a path such as "/hook" or regex("/calls/.*"), got ${JSON.stringify(path)}`,
    );
  }
  return [method.toUpperCase(), path, last as T];
}

function isPathPattern(path: unknown): path is PathPattern {
  if (typeof path === "string") return path.startsWith("/");
  return typeof path === "object" && path !== null && typeof (path as RegexPath).regex === "string";
}

function toWirePath(path: PathPattern): WirePathMatch {
  return typeof path === "string" ? { exact: path } : { regex: path.regex, flags: path.flags };
}

function describe(path: PathPattern): string {
  return describePath(toWirePath(path));
}

/** A response as the runner sends it. */
function toWire(response: MockResponse): WireMockResponse {
  if (response === null || typeof response !== "object") {
    throw new TypeError(
      `a mock answer must be an object such as jsonResponse(…) or { status: 204 }, got ${
        JSON.stringify(response)
      }`,
    );
  }
  const status = response.status ?? 200;
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new TypeError(`a mock answer's status must be 200–599, got ${JSON.stringify(status)}`);
  }
  const headers = headerPairs(response.headers);
  if (response.contentType) headers.push(["content-type", response.contentType]);
  const body = encodeBody(response.body, headers) ?? "";
  return {
    status,
    headers,
    body,
    ...(response.delay !== undefined ? { delayMs: parseDuration(response.delay) } : {}),
  };
}
