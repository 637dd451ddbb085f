/**
 * The two small template languages of the phone:
 *
 * - `ringo phone list --format '{name}\t{aor}'`: `{field}` placeholders of
 *   a profile's public fields (an unknown one is an error that lists the
 *   known ones), `\t` and `\n` escapes;
 * - a profile's `header_display` views: `${Header-Name}` is the value of
 *   that header in the received INVITE (names case-insensitive, compact
 *   forms understood), `$$` a literal `$`. A view whose placeholders name
 *   only headers the INVITE lacks is not shown at all.
 *
 * @module
 */
import { headerValue, type SipHeader } from "../core/sip_headers.ts";
import { ProfileError } from "./errors.ts";
import { PUBLIC_FIELDS, type PublicProfile } from "./profile.ts";

/**
 * Renders a `--format` template for one profile.
 *
 * @throws {ProfileError} an unknown `{placeholder}`.
 * @example
 * ```ts
 * renderListFormat("{name}\\t{aor}", { name: "work", aor: "sip:a@x", username: "a", domain: "x", password_source: "none" });
 * // "work\tsip:a@x"
 * ```
 */
export function renderListFormat(template: string, profile: PublicProfile): string {
  checkListFormat(template);
  const values = profile as unknown as Record<string, unknown>;
  return unescape(template).replace(/\{([a-z_]+)\}/g, (_, field: string) => {
    const value = values[field];
    return value === undefined || value === null ? "" : String(value);
  });
}

/**
 * Checks a `--format` template before any profile is printed.
 *
 * @throws {ProfileError} naming the unknown placeholder and the known ones.
 */
export function checkListFormat(template: string): void {
  for (const [, field] of template.matchAll(/\{([^{}]*)\}/g)) {
    if (!(PUBLIC_FIELDS as readonly string[]).includes(field)) {
      throw new ProfileError(
        `unknown placeholder {${field}} in --format: expected one of ${
          PUBLIC_FIELDS.map((f) => `{${f}}`).join(", ")
        }`,
      );
    }
  }
}

/** One rendered `header_display` view. */
export interface HeaderView {
  label: string;
  value: string;
}

/**
 * Renders a profile's `header_display` views against the headers of a
 * received INVITE; views that name only absent headers are left out.
 *
 * @example
 * ```ts
 * renderHeaderViews([["Ticket", "https://t/${X-Ticket}"], ["Queue", "${X-Queue}"]], [["x-ticket", "42"]]);
 * // [{ label: "Ticket", value: "https://t/42" }]
 * ```
 */
export function renderHeaderViews(
  views: ReadonlyArray<readonly [string, string]>,
  headers: readonly SipHeader[],
): HeaderView[] {
  const out: HeaderView[] = [];
  for (const [label, template] of views) {
    const value = renderHeaderTemplate(template, headers);
    if (value !== undefined) out.push({ label, value });
  }
  return out;
}

/**
 * Renders one `header_display` template: `${Name}` → the header's value
 * (absent: empty), `$$` → `$`, any other `$` kept. Undefined when the
 * template has placeholders and none of their headers is present.
 *
 * @example
 * ```ts
 * renderHeaderTemplate("id=${X-Id}", [["X-Id", "7"]]); // "id=7"
 * renderHeaderTemplate("id=${X-Id}", []); // undefined
 * renderHeaderTemplate("costs $$5", []); // "costs $5"
 * ```
 */
export function renderHeaderTemplate(
  template: string,
  headers: readonly SipHeader[],
): string | undefined {
  let placeholders = 0;
  let found = 0;
  const value = template.replace(/\$\$|\$\{([^}]*)\}/g, (whole, name?: string) => {
    if (whole === "$$") return "$";
    placeholders++;
    const header = headerValue(headers, name!);
    if (header === undefined) return "";
    found++;
    return header;
  });
  return placeholders > 0 && found === 0 ? undefined : value;
}

function unescape(template: string): string {
  return template.replace(
    /\\([tn\\])/g,
    (_, c: string) => (c === "t" ? "\t" : c === "n" ? "\n" : "\\"),
  );
}
