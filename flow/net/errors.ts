/**
 * The error of the runner's network side: an HTTP request, a mock server or
 * a WebSocket that failed, with what was asked and why.
 *
 * @module
 */

/**
 * A network operation of a scenario failed; the message names the URL (or
 * port) and the reason, the hint says what to check.
 *
 * @example
 * ```ts
 * throw new NetError("http GET http://127.0.0.1:9/ failed: connection refused", {
 *   hint: "is the server running and listening on that port?",
 * });
 * ```
 */
export class NetError extends Error {
  /** How to fix it, when there is a fix. */
  readonly hint?: string;
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "NetError";
    this.hint = options.hint;
  }
}

/**
 * A short reason for a failed connection, from the error fetch or a
 * WebSocket gave: `connection refused`, `host not found`, … or the error's
 * own message.
 *
 * @example
 * ```ts
 * connectionReason(new TypeError("… Connection refused (os error 111)")); // "connection refused"
 * ```
 */
export function connectionReason(error: unknown): string {
  const text = error instanceof Error
    ? `${error.message} ${(error.cause as Error | undefined)?.message ?? ""}`
    : String(error);
  if (/connection refused/i.test(text)) return "connection refused";
  if (/connection reset/i.test(text)) return "connection reset by the server";
  if (/failed to lookup|name or service not known|dns error/i.test(text)) return "host not found";
  if (/network is unreachable/i.test(text)) return "network unreachable";
  if (/invalid url|relative url|url parse|invalid uri/i.test(text)) return "invalid URL";
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, " ").trim();
}
