/**
 * One SIP account as a user writes it in `profiles/<name>/profile.toml`:
 * the zod schema (unknown keys are errors), its defaults, the name rules,
 * and the two views the rest of ringo needs — the engine's account
 * settings (with the password resolved elsewhere) and a public view with
 * no secret in it, for listings, hooks and status.
 *
 * @module
 */
import { z } from "zod";
import { accountAor, type AccountSettings, DEFAULT_REGINT } from "../core/account.ts";
import { ProfileError } from "./errors.ts";

/** RFC 3261 `token`: what a header name may be. */
const HEADER_NAME = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
/** What baresip's account line and a SIP URI accept in a user or host. */
const URI_PART = /^[^\s@;<>"]+$/;

const oneLine = (what: string) =>
  z.string().refine((v) => !/[\r\n]/.test(v), `${what} cannot contain CR or LF`);

/** zod schema of a `profile.toml`. */
export const profileSchema = z.object({
  username: z.string().min(1, "cannot be empty").regex(
    URI_PART,
    "no spaces, '@', ';', '<', '>' or quotes",
  ),
  domain: z.string().min(1, "cannot be empty").regex(URI_PART, "a host or host:port"),
  password: z.string().optional(),
  password_file: z.string().min(1, "cannot be empty").optional(),
  password_cmd: z.string().min(1, "cannot be empty").optional(),
  display_name: oneLine("display_name").optional(),
  auth_user: z.string().regex(URI_PART, "no spaces, '@', ';', '<', '>' or quotes").optional(),
  transport: z.enum(["udp", "tcp", "tls"]).optional(),
  outbound: oneLine("outbound").optional(),
  stun_server: z.string().optional(),
  media_enc: z.enum(["srtp", "srtp-mand", "srtp-mandf", "dtls_srtp", "zrtp"]).optional(),
  audio_codecs: z.array(
    z.string().regex(/^[A-Za-z0-9_.\/-]+$/, "a codec name such as PCMU or opus"),
  )
    .optional(),
  regint: z.number().int().min(0).optional(),
  dtmf_mode: z.enum(["rtpevent", "info", "auto"]).optional(),
  notes: z.string().optional(),
  custom_headers: z.array(
    z.tuple([
      z.string().regex(HEADER_NAME, "a header name (letters, digits and -.!%*_+`'~)"),
      oneLine("a header value"),
    ]),
  ).optional(),
  header_display: z.array(z.tuple([z.string().min(1, "a label"), oneLine("a template")]))
    .optional(),
  notify: z.boolean().optional(),
  mwi: z.boolean().optional(),
  auto_hold: z.boolean().optional(),
  catchall: z.boolean().optional(),
  deflect: z.boolean().optional(),
  deflect_target: z.string().regex(/^\S+$/, "a SIP URI or a number").optional(),
  metadata: z.record(z.string(), z.string()).optional(),
}).strict().superRefine((p, ctx) => {
  if (p.deflect && !p.deflect_target) {
    ctx.addIssue({
      code: "custom",
      path: ["deflect_target"],
      message: "is needed when deflect = true",
    });
  }
});

/** A profile's settings as written in its `profile.toml`. */
export type ProfileSettings = z.infer<typeof profileSchema>;

/** Every field of a profile, in the order `profile.toml` files are written. */
export const PROFILE_FIELDS = Object.keys(profileSchema.shape) as Array<keyof ProfileSettings>;

/** A profile read from disk. */
export interface Profile {
  /** The folder name: what `ringo phone start <name>` takes. */
  name: string;
  /** The profile's folder. */
  dir: string;
  /** Its `profile.toml`. */
  file: string;
  settings: ProfileSettings;
}

/** Defaults of the switches, as the original ringo has them. */
export const PROFILE_DEFAULTS = {
  notify: true,
  mwi: true,
  auto_hold: true,
  catchall: true,
  deflect: false,
} as const;

/** Where a profile's password comes from (the precedence is cmd > file > inline). */
export type PasswordSource = "cmd" | "file" | "inline" | "none";

/** The fields `ringo phone list --format` and the picker can show. */
export const PUBLIC_FIELDS = [
  "name",
  "aor",
  "username",
  "domain",
  "display_name",
  "transport",
  "auth_user",
  "outbound",
  "stun_server",
  "media_enc",
] as const;

/** A profile with no secret in it: for listings, hooks (`RINGO_PROFILE_JSON`) and status. */
export type PublicProfile =
  & Omit<ProfileSettings, "password" | "password_file" | "password_cmd">
  & { name: string; aor: string; password_source: PasswordSource };

/**
 * Validates parsed TOML as a profile.
 *
 * @throws {ProfileError} naming the file, the field and what was expected.
 * @example
 * ```ts
 * parseProfileSettings({ username: "alice", domain: "pbx.example.com" }, "profile.toml");
 * parseProfileSettings({ username: "alice" }, "work/profile.toml");
 * // throws: work/profile.toml: domain: Invalid input: expected string, received undefined
 * ```
 */
export function parseProfileSettings(input: unknown, file: string): ProfileSettings {
  const parsed = profileSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ProfileError(`${file}: ${describeIssue(parsed.error.issues[0])}`, {
    hint: "see docs/phone/profiles.md for every field",
  });
}

/**
 * Checks a profile name: any text but `/`, control characters, `.` and
 * `..`, with no space at either end (spaces inside are fine).
 *
 * @throws {ProfileError} saying what is wrong with the name.
 * @example
 * ```ts
 * checkProfileName("work phone"); // ok
 * checkProfileName("a/b"); // throws: profile names cannot contain '/'
 * ```
 */
export function checkProfileName(name: string): void {
  const problem = name === "" ? "cannot be empty" : name.includes("/")
    ? "cannot contain '/'"
    // deno-lint-ignore no-control-regex
    : /[\x00-\x1f\x7f]/.test(name)
    ? "cannot contain control characters"
    : name === "." || name === ".."
    ? `cannot be '${name}'`
    : name.trim() !== name
    ? "cannot start or end with a space"
    : name.length > 100
    ? "cannot be longer than 100 characters"
    : undefined;
  if (problem) {
    throw new ProfileError(
      `invalid profile name ${JSON.stringify(name)}: profile names ${problem}`,
    );
  }
}

/** The precedence of the password fields: cmd > file > inline. */
export function passwordSource(settings: ProfileSettings): PasswordSource {
  if (settings.password_cmd) return "cmd";
  if (settings.password_file) return "file";
  if (settings.password !== undefined && settings.password !== "") return "inline";
  return "none";
}

/**
 * The profile without its password fields, plus its name, AOR and where
 * the password comes from.
 *
 * @example
 * ```ts
 * publicProfile({ name: "work", dir: "", file: "", settings: { username: "a", domain: "x", password: "pw" } });
 * // { name: "work", aor: "sip:a@x", password_source: "inline", username: "a", domain: "x" }
 * ```
 */
export function publicProfile(profile: Profile): PublicProfile {
  const { password: _p, password_file: _f, password_cmd: _c, ...rest } = profile.settings;
  return {
    name: profile.name,
    aor: accountAor(profile.settings),
    password_source: passwordSource(profile.settings),
    ...rest,
  };
}

/**
 * The engine's account for a profile, with `password` the one resolved
 * from the profile's password source (see password.ts).
 */
export function accountSettings(
  settings: ProfileSettings,
  password: string | undefined,
): AccountSettings {
  return withoutUndefined({
    username: settings.username,
    domain: settings.domain,
    password,
    display_name: settings.display_name,
    transport: settings.transport,
    auth_user: settings.auth_user,
    outbound: settings.outbound,
    stun_server: settings.stun_server,
    media_enc: settings.media_enc,
    regint: settings.regint ?? DEFAULT_REGINT,
    mwi: settings.mwi ?? PROFILE_DEFAULTS.mwi,
    dtmf_mode: settings.dtmf_mode,
    headers: settings.custom_headers?.map(([n, v]): [string, string] => [n, v]),
  }) as AccountSettings;
}

/** A field path as users read it: `custom_headers[1][0]`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    out += typeof key === "number" ? `[${key}]` : out === "" ? String(key) : `.${String(key)}`;
  }
  return out || "(the whole file)";
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => JSON.stringify(k)).join(", ");
    const where = issue.path.length ? `${formatFieldPath(issue.path)}: ` : "";
    return `${where}unknown field${issue.keys.length > 1 ? "s" : ""} ${keys}`;
  }
  return `${formatFieldPath(issue.path)}: ${issue.message}`;
}

function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
