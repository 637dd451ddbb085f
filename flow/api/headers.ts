/**
 * SIP header lookups on the scenario side: case-insensitive, compact forms
 * (`f`, `t`, `i`, `m`, …) understood, repeated headers joined with `, `.
 * (The scenario side imports nothing outside `flow/`; this mirrors
 * `core/sip_headers.ts`.)
 *
 * @module
 */

const COMPACT: Readonly<Record<string, string>> = {
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

/** `f` → `From`; other names as written. */
function fullName(name: string): string {
  const trimmed = name.trim();
  return COMPACT[trimmed.toLowerCase()] ?? trimmed;
}

/**
 * Header `name` of `headers` (pairs in order): repeats joined with `, `,
 * undefined when absent.
 *
 * @example
 * ```ts
 * findHeader([["From", "<sip:a@x>"], ["X-A", "1"], ["X-A", "2"]], "x-a"); // "1, 2"
 * findHeader([["From", "<sip:a@x>"]], "f"); // "<sip:a@x>"
 * ```
 */
export function findHeader(
  headers: ReadonlyArray<readonly [string, string]>,
  name: string,
): string | undefined {
  const wanted = fullName(String(name)).toLowerCase();
  const values = headers.filter(([n]) => fullName(n).toLowerCase() === wanted).map(([, v]) => v);
  return values.length > 0 ? values.join(", ") : undefined;
}

/**
 * All headers as a record: full names (spelled as first seen), repeats
 * joined with `, `.
 *
 * @example
 * ```ts
 * headerRecord([["X-A", "1"], ["x-a", "2"], ["i", "abc"]]); // { "X-A": "1, 2", "Call-ID": "abc" }
 * ```
 */
export function headerRecord(
  headers: ReadonlyArray<readonly [string, string]>,
): Record<string, string> {
  const keys = new Map<string, string>();
  const out: Record<string, string> = {};
  for (const [name, value] of headers) {
    const full = fullName(name);
    const key = keys.get(full.toLowerCase());
    if (key === undefined) {
      keys.set(full.toLowerCase(), full);
      out[full] = value;
    } else {
      out[key] = `${out[key]}, ${value}`;
    }
  }
  return out;
}
