/**
 * `http()` as the runner performs it: one request with a time limit, the
 * whole body read as text, and failures that name the method, the URL and
 * the reason (connection refused, timeout, …).
 *
 * @module
 */
import { formatSeconds } from "../duration.ts";
import { connectionReason, NetError } from "./errors.ts";
import type { WireHttpRequest, WireHttpResponse } from "./wire.ts";

/**
 * Sends `request` and reads the whole answer. Rejects with a
 * {@link NetError} naming the URL when the connection fails, the answer
 * does not come within `request.timeoutMs`, or `signal` aborts (the
 * scenario ended). Redirects are followed.
 *
 * @example
 * ```ts
 * const res = await httpRequest({ method: "GET", url: "http://127.0.0.1:8080/health", headers: [], timeoutMs: 5000 });
 * res.status; // 200
 * ```
 */
export async function httpRequest(
  request: WireHttpRequest,
  signal?: AbortSignal,
): Promise<WireHttpResponse> {
  const method = request.method.toUpperCase();
  const what = `http ${method} ${request.url}`;
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw new NetError(`${what} failed: invalid URL`, {
      hint: "give an absolute URL such as http://127.0.0.1:8080/path",
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new NetError(`${what} failed: only http: and https: URLs are supported`);
  }
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const combined = signal ? AbortSignal.any([timeout, signal]) : timeout;
  try {
    const response = await fetch(url, {
      method,
      headers: request.headers,
      body: request.body === undefined || method === "GET" || method === "HEAD"
        ? undefined
        : request.body,
      signal: combined,
    });
    const body = await response.text();
    return {
      url: response.url || request.url,
      status: response.status,
      statusText: response.statusText,
      headers: [...response.headers],
      body,
    };
  } catch (error) {
    if (timeout.aborted) {
      throw new NetError(`${what} timed out after ${formatSeconds(request.timeoutMs)}`, {
        hint: "the server did not answer in time; give it longer with the timeout option",
        cause: error,
      });
    }
    if (signal?.aborted) {
      throw new NetError(`${what} was cancelled: the scenario ended`, { cause: error });
    }
    const reason = connectionReason(error);
    throw new NetError(`${what} failed: ${reason}`, {
      hint: reason === "connection refused"
        ? "nothing listens there: is the server running, and is the port right?"
        : undefined,
      cause: error,
    });
  }
}
