/**
 * Custom INVITE headers from an account's `headers`: `${uuid}` templates
 * expanded per call, and the values encoded for baresip's `uaaddheader`.
 *
 * @module
 */
import { requireHeader } from "./sip_input.ts";
import type { SipHeader } from "./sip_headers.ts";

/**
 * Expands the templates of one call's headers: every `${uuid}` becomes
 * `uuid` (one value for all headers of the INVITE), `$$` becomes `$`; any
 * other `$` is kept as written. Order and repeats are kept.
 *
 * @example
 * ```ts
 * expandHeaderTemplates([["X-Id", "call-${uuid}"], ["X-Price", "$$5"]], "1b4e…");
 * // [["X-Id", "call-1b4e…"], ["X-Price", "$5"]]
 * ```
 */
export function expandHeaderTemplates(
  headers: readonly SipHeader[],
  uuid: string = crypto.randomUUID(),
): SipHeader[] {
  return headers.map(([name, value]) => [
    name,
    value.replace(/\$\$|\$\{uuid\}/g, (m) => (m === "$$" ? "$" : uuid)),
  ]);
}

/** RFC 3261 `hvalue` characters that `uaaddheader` takes unescaped. */
const HVALUE_SAFE = /^[A-Za-z0-9\-_.!~*'()[\]/?:+$]$/;

/**
 * Percent-encodes a header value for baresip's `uaaddheader`, which cuts
 * its parameters at the first space and un-escapes the value with
 * `uri_header_unescape` (only the RFC 3261 hvalue characters pass as they are).
 *
 * @example
 * ```ts
 * encodeHeaderValue("<sip:1@x.com>;index=1"); // "%3Csip:1%40x.com%3E%3Bindex%3D1"
 * ```
 */
export function encodeHeaderValue(value: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(value)) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && HVALUE_SAFE.test(c)
      ? c
      : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/**
 * The parameters of `uaaddheader` for one header of the agent's only user
 * agent (index 0): `Name=encoded-value 0`.
 *
 * @throws {AgentError} when the name is not an RFC 3261 token, or the value has a line break.
 * @example
 * ```ts
 * uaAddHeaderParams("X-Test", "a b"); // "X-Test=a%20b 0"
 * ```
 */
export function uaAddHeaderParams(name: string, value: string): string {
  checkHeader(name, value);
  return `${name}=${encodeHeaderValue(value)} 0`;
}

/**
 * Checks a header before it is sent: a name that is an RFC 3261 token, a
 * value without control characters (see sip_input.ts).
 *
 * @throws {AgentError} naming the header and the problem.
 */
export function checkHeader(name: string, value: string): void {
  requireHeader(name, value);
}
