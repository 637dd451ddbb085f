/**
 * SIP header names and lookups: compact forms (`f`, `t`, `i`, …) expanded
 * to their full names, case-insensitive lookups, and repeated headers
 * joined the way RFC 3261 §7.3.1 allows (`, `).
 *
 * @module
 */

/** One header as it appeared: its name as written, its value with folding undone. */
export type SipHeader = [name: string, value: string];

/** RFC 3261 §7.3.3 and later RFCs' compact header names → full names. */
export const COMPACT_HEADER_NAMES: Readonly<Record<string, string>> = {
  a: "Accept-Contact",
  b: "Referred-By",
  c: "Content-Type",
  d: "Request-Disposition",
  e: "Content-Encoding",
  f: "From",
  i: "Call-ID",
  j: "Reject-Contact",
  k: "Supported",
  l: "Content-Length",
  m: "Contact",
  n: "Identity-Info",
  o: "Event",
  r: "Refer-To",
  s: "Subject",
  t: "To",
  u: "Allow-Events",
  v: "Via",
  x: "Session-Expires",
  y: "Identity",
};

/**
 * The full form of a header name: a compact form is expanded, any other
 * name is returned as written.
 *
 * @example
 * ```ts
 * fullHeaderName("i"); // "Call-ID"
 * fullHeaderName("X-Test"); // "X-Test"
 * ```
 */
export function fullHeaderName(name: string): string {
  const trimmed = name.trim();
  return COMPACT_HEADER_NAMES[trimmed.toLowerCase()] ?? trimmed;
}

/**
 * Every value of header `name` in order, matched case-insensitively, with
 * compact forms on either side understood.
 *
 * @example
 * ```ts
 * headerValues([["f", "<sip:a@x>"], ["X-A", "1"], ["x-a", "2"]], "From"); // ["<sip:a@x>"]
 * headerValues([["X-A", "1"], ["x-a", "2"]], "X-A"); // ["1", "2"]
 * ```
 */
export function headerValues(headers: readonly SipHeader[], name: string): string[] {
  const wanted = fullHeaderName(name).toLowerCase();
  return headers.filter(([n]) => fullHeaderName(n).toLowerCase() === wanted).map(([, v]) => v);
}

/**
 * Header `name` as one value: repeats joined with `, `; undefined when absent.
 *
 * @example
 * ```ts
 * headerValue([["Via", "SIP/2.0/UDP a"], ["v", "SIP/2.0/UDP b"]], "via"); // "SIP/2.0/UDP a, SIP/2.0/UDP b"
 * ```
 */
export function headerValue(headers: readonly SipHeader[], name: string): string | undefined {
  const values = headerValues(headers, name);
  return values.length > 0 ? values.join(", ") : undefined;
}

/**
 * All headers as a record keyed by full name (the spelling of the first
 * occurrence; compact forms expanded), repeats joined with `, `, in order
 * of first appearance.
 *
 * @example
 * ```ts
 * headerRecord([["i", "abc"], ["X-A", "1"], ["x-a", "2"]]); // { "Call-ID": "abc", "X-A": "1, 2" }
 * ```
 */
export function headerRecord(headers: readonly SipHeader[]): Record<string, string> {
  const keys = new Map<string, string>();
  const out: Record<string, string> = {};
  for (const [name, value] of headers) {
    const full = fullHeaderName(name);
    const lower = full.toLowerCase();
    const key = keys.get(lower);
    if (key === undefined) {
      keys.set(lower, full);
      out[full] = value;
    } else {
      out[key] = `${out[key]}, ${value}`;
    }
  }
  return out;
}

/**
 * All headers as a record keyed by full name (as {@link headerRecord}),
 * each with every value in order, one entry per header line: values that
 * contain commas stay whole.
 *
 * @example
 * ```ts
 * headerRecordAll([["History-Info", "<sip:a>;index=1"], ["history-info", "<sip:b>;index=1.1"]]);
 * // { "History-Info": ["<sip:a>;index=1", "<sip:b>;index=1.1"] }
 * ```
 */
export function headerRecordAll(headers: readonly SipHeader[]): Record<string, string[]> {
  const keys = new Map<string, string>();
  const out: Record<string, string[]> = {};
  for (const [name, value] of headers) {
    const full = fullHeaderName(name);
    const lower = full.toLowerCase();
    const key = keys.get(lower) ?? full;
    keys.set(lower, key);
    (out[key] ??= []).push(value);
  }
  return out;
}
