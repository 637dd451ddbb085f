/**
 * SIP final response codes a user agent sends when it declines a call, with
 * their standard reason phrases (RFC 3261 §21 and later RFCs).
 *
 * @module
 */

const REASON_PHRASES: Readonly<Record<number, string>> = {
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  408: "Request Timeout",
  410: "Gone",
  415: "Unsupported Media Type",
  420: "Bad Extension",
  480: "Temporarily Unavailable",
  481: "Call/Transaction Does Not Exist",
  482: "Loop Detected",
  483: "Too Many Hops",
  484: "Address Incomplete",
  485: "Ambiguous",
  486: "Busy Here",
  487: "Request Terminated",
  488: "Not Acceptable Here",
  491: "Request Pending",
  500: "Server Internal Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Server Time-out",
  600: "Busy Everywhere",
  603: "Decline",
  604: "Does Not Exist Anywhere",
  606: "Not Acceptable",
  607: "Unwanted",
  608: "Rejected",
};

/**
 * The standard reason phrase of a final response code, or a generic one by
 * class.
 *
 * @example
 * ```ts
 * reasonPhrase(603); // "Decline"
 * reasonPhrase(499); // "Request Failure"
 * ```
 */
export function reasonPhrase(code: number): string {
  return REASON_PHRASES[code] ??
    (code >= 600 ? "Global Failure" : code >= 500 ? "Server Failure" : "Request Failure");
}

/**
 * Checks that `code` is a final response a callee may decline with (400–699).
 *
 * @example
 * ```ts
 * isDeclineCode(603); // true
 * isDeclineCode(302); // false
 * ```
 */
export function isDeclineCode(code: number): boolean {
  return Number.isInteger(code) && code >= 400 && code <= 699;
}
