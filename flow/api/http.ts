/**
 * `http()`: HTTP requests from scenarios. The sandbox has no network, so
 * the runner sends the request and hands back the whole answer; `--allow-net`
 * does not matter here, `http()` is the scenario's way out.
 *
 * @module
 */
import { parseDuration } from "../duration.ts";
import { expect } from "../expect.ts";
import type { WireHeaders, WireHttpResponse } from "../net/wire.ts";
import type { Duration } from "./agent.ts";
import { jsonAt } from "./json_path.ts";
import { runtime } from "./runtime.ts";

/** Default of `http()`'s `timeout`. */
export const DEFAULT_HTTP_TIMEOUT = "10s";

/** Headers as a record or as `[name, value]` pairs. */
export type HttpHeaders = Record<string, string | number> | Array<[string, string | number]>;

/**
 * A request body: a string as it is, `URLSearchParams` as a form, any
 * other object or array as JSON (with `content-type: application/json`
 * unless a header sets one).
 */
export type HttpBody = string | URLSearchParams | Record<string, unknown> | unknown[];

/** Options of {@link http}. */
export interface HttpOptions {
  headers?: HttpHeaders;
  body?: HttpBody;
  /** Query parameters added to the URL. */
  query?: Record<string, string | number | boolean>;
  /** How long to wait for the whole answer; default 10s. */
  timeout?: Duration;
}

/**
 * Sends an HTTP request and resolves with the whole response, whatever its
 * status. Rejects with a `NetError` naming the method, the URL and the
 * reason when there is no response: `connection refused`, `timed out after
 * 10s`, `host not found`.
 *
 * @example
 * ```ts
 * const res = await http("POST", `${api.url}/calls`, { body: { from: "alice", to: "bob" } });
 * res.expectStatus(201);
 * const id = res.json<string>("data.call.id");
 * ```
 */
export async function http(
  method: string,
  url: string,
  options: HttpOptions = {},
): Promise<HttpResponse> {
  const rt = runtime();
  if (typeof method !== "string" || !/^[A-Za-z]+$/.test(method)) {
    throw new TypeError(`http() needs a method such as "GET" first, got ${JSON.stringify(method)}`);
  }
  if (typeof url !== "string" || url === "") {
    throw new TypeError(`http() needs a URL, got ${JSON.stringify(url)}`);
  }
  const timeoutMs = parseDuration(options.timeout ?? DEFAULT_HTTP_TIMEOUT);
  rt.requireRun("http()");
  const headers = headerPairs(options.headers);
  const body = encodeBody(options.body, headers);
  const target = withQuery(url, options.query);
  const wire = await rt.call("net.http", [{
    method: method.toUpperCase(),
    url: target,
    headers,
    ...(body !== undefined ? { body } : {}),
    timeoutMs,
  }]) as WireHttpResponse;
  return new HttpResponse(method.toUpperCase(), wire);
}

/** An HTTP response as `http()` gives it: the status, the headers and the whole body as text. */
export class HttpResponse {
  /** The request's method. */
  readonly method: string;
  /** The URL answered (after redirects). */
  readonly url: string;
  readonly status: number;
  readonly statusText: string;
  /** The body as text. */
  readonly body: string;
  /** Headers, names in lower case (repeated headers joined with `, `). */
  readonly headers: Record<string, string>;

  constructor(method: string, wire: WireHttpResponse) {
    this.method = method;
    this.url = wire.url;
    this.status = wire.status;
    this.statusText = wire.statusText;
    this.body = wire.body;
    this.headers = headerRecord(wire.headers);
  }

  /** `POST /calls`: for assertion labels. */
  get #label(): string {
    let path = this.url;
    try {
      path = new URL(this.url).pathname;
    } catch {
      // keep the URL as it is
    }
    return `${this.method} ${path} response`;
  }

  /** True for a 2xx status. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** A header's value (any case), or undefined. */
  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }

  /**
   * The body parsed as JSON, or the value at a dotted path in it
   * (`"data.items.0.id"`). Throws if the body is not JSON or the path leads
   * nowhere, naming the path.
   */
  json<T = unknown>(path?: string): T {
    return jsonAt<T>(this.body, path, `the response of ${this.method} ${this.url}`, this.#label);
  }

  /** Asserts the status (reported like `expect`); returns the response. */
  expectStatus(code: number): this {
    expect(this.status, `${this.method} ${this.url} status`).toBe(code);
    return this;
  }

  /** The response as plain data (for `log()`). */
  toJSON(): Record<string, unknown> {
    return { status: this.status, url: this.url, headers: this.headers, body: this.body };
  }
}

/** `[name, value]` pairs from a record or pairs. */
export function headerPairs(init: HttpHeaders | undefined): WireHeaders {
  if (init === undefined) return [];
  const pairs = Array.isArray(init) ? init : Object.entries(init);
  return pairs.map(([name, value]) => {
    if (typeof name !== "string" || name === "") {
      throw new TypeError(`a header name must be a non-empty string, got ${JSON.stringify(name)}`);
    }
    return [name, String(value)];
  });
}

/** Headers as a record with names in lower case; repeats joined with `, `. */
export function headerRecord(pairs: WireHeaders): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    record[key] = key in record ? `${record[key]}, ${value}` : value;
  }
  return record;
}

/** Encodes `body` as text, adding a content-type to `headers` when none is set. */
export function encodeBody(body: HttpBody | undefined, headers: WireHeaders): string | undefined {
  if (body === undefined) return undefined;
  const hasType = headers.some(([n]) => n.toLowerCase() === "content-type");
  const type = (value: string) => {
    if (!hasType) headers.push(["content-type", value]);
  };
  if (typeof body === "string") return body;
  if (body instanceof URLSearchParams) {
    type("application/x-www-form-urlencoded");
    return body.toString();
  }
  if (typeof body === "object" && body !== null) {
    type("application/json");
    return JSON.stringify(body);
  }
  throw new TypeError(`a body must be a string, an object or URLSearchParams, got ${typeof body}`);
}

function withQuery(url: string, query: HttpOptions["query"]): string {
  if (!query || Object.keys(query).length === 0) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url; // the runner reports the invalid URL
  }
  for (const [name, value] of Object.entries(query)) {
    parsed.searchParams.append(name, String(value));
  }
  return parsed.href;
}
