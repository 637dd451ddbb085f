/**
 * The network messages between a scenario's Worker and the runner, as plain
 * data: what `http()`, `mockServer()` and `websocket()` send to the host
 * (the params of their `net.*` calls) and what the host pushes back (a
 * {@link NetEvent} in a `net` host message). Sockets live in the host; the
 * Worker has no network.
 *
 * Like flow/protocol.ts, this module imports nothing, so the scenario side
 * type-checks on its own.
 *
 * @module
 */

/** Header lists keep order and repeats: `[name, value]` pairs. */
export type WireHeaders = Array<[string, string]>;

/** `http()`'s request, as the host performs it. */
export interface WireHttpRequest {
  method: string;
  url: string;
  headers: WireHeaders;
  body?: string;
  timeoutMs: number;
}

/** What the host got back from `http()`. */
export interface WireHttpResponse {
  url: string;
  status: number;
  statusText: string;
  headers: WireHeaders;
  body: string;
}

/** A route's path: exact, or an anchored regular expression. */
export type WirePathMatch = { exact: string } | { regex: string; flags: string };

/** A mock answer, ready to send. */
export interface WireMockResponse {
  status: number;
  headers: WireHeaders;
  body: string;
  /** Wait this long before answering. */
  delayMs?: number;
}

/** What a route does with a matching request. */
export type WireRouteAction =
  | { kind: "static"; response: WireMockResponse }
  /** Ask the scenario: its responder `id` answers. */
  | { kind: "responder"; id: number }
  /** Upgrade to a WebSocket whose events go to the scenario's handler `id`. */
  | { kind: "websocket"; id: number };

/** One route of a mock server. */
export interface WireRoute {
  /** An HTTP method in upper case, or `*` for any. */
  method: string;
  path: WirePathMatch;
  action: WireRouteAction;
}

/** A request a mock server received. */
export interface WireRecordedRequest {
  /** 1, 2, … per server. */
  seq: number;
  method: string;
  /** The path without the query string. */
  path: string;
  url: string;
  query: Array<[string, string]>;
  headers: WireHeaders;
  body: string;
  /** Milliseconds since the epoch. */
  at: number;
  /** False when no route matched (it was answered 404). */
  matched: boolean;
}

/**
 * The params of `net.mock.start` and `net.ws.open` carry an `owner`: a key
 * the Worker chose and listens on before it asks, so that events which come
 * before the reply (a request to a fixed port, a greeting on a fresh socket)
 * are not lost. The host tags each pushed event with it.
 */
export interface Owned {
  owner: string;
}

/** What `mockServer()` learns from the host. */
export interface WireMockInfo {
  id: number;
  port: number;
  url: string;
}

/** What the host pushes to the Worker about its sockets. */
export type NetEvent =
  | {
    kind: "mock-request";
    server: number;
    request: WireRecordedRequest;
    /** Set when a responder of the scenario must answer: reply with `net.mock.reply`. */
    pending?: { token: number; responder: number };
  }
  | { kind: "mock-ws-open"; server: number; conn: number; handler: number; seq: number }
  | { kind: "mock-ws-message"; server: number; conn: number; handler: number; data: string }
  | {
    kind: "mock-ws-close";
    server: number;
    conn: number;
    handler: number;
    code: number;
    reason: string;
  }
  | { kind: "ws-message"; socket: number; data: string; at: number }
  | { kind: "ws-close"; socket: number; code: number; reason: string; error?: string };
