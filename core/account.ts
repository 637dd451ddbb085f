/**
 * SIP account settings: their schema (validated with zod), and the baresip
 * `accounts` line they become.
 *
 * @module
 */
import { z } from "zod";
import { AgentError } from "./errors.ts";
import { checkAccountText } from "./sip_input.ts";

const headerValue = z.union([z.string(), z.number()]).transform(String);

/** zod schema of {@link AccountSettings}; unknown keys are an error. */
export const accountSettingsSchema = z.object({
  username: z.string().min(1).regex(/^[^\s@;<>"]+$/, "no spaces, '@', ';', '<', '>' or quotes"),
  domain: z.string().min(1).regex(/^[^\s@;<>"]+$/, "a host or host:port"),
  password: z.string().optional(),
  display_name: z.string().optional(),
  transport: z.enum(["udp", "tcp", "tls"]).optional(),
  auth_user: z.string().optional(),
  outbound: z.string().optional(),
  stun_server: z.string().optional(),
  media_enc: z.enum(["srtp", "srtp-mand", "srtp-mandf", "dtls_srtp", "zrtp"]).optional(),
  regint: z.number().int().min(0).optional(),
  mwi: z.boolean().optional(),
  dtmf_mode: z.enum(["rtpevent", "info", "auto"]).optional(),
  /** Answer calls to any user at this agent (baresip ≥ 3.11.0). */
  catchall: z.boolean().optional(),
  /** Codecs to offer, in order of preference (`["opus", "PCMU"]`). */
  audio_codecs: z.array(z.string().regex(/^[A-Za-z0-9_.\/-]+$/)).optional(),
  headers: z.union([
    z.record(z.string(), headerValue),
    z.array(z.tuple([z.string(), headerValue])),
  ]).optional(),
}).strict();

/**
 * One SIP account as a user writes it (profiles, scenarios).
 *
 * @example
 * ```ts
 * const alice: AccountSettings = { username: "alice", domain: "pbx.example.com", password: "s3cret" };
 * ```
 */
export type AccountSettings = z.input<typeof accountSettingsSchema>;

/** Default registration interval when an account registers (seconds). */
export const DEFAULT_REGINT = 3600;

/**
 * Validates account settings, throwing an {@link AgentError} that names the
 * field and what was expected.
 */
export function parseAccountSettings(input: unknown): AccountSettings {
  const parsed = accountSettingsSchema.safeParse(input);
  if (parsed.success) {
    checkAccountText(input as Record<string, unknown>);
    return input as AccountSettings;
  }
  const issue = parsed.error.issues[0];
  const field = issue.path.join(".") || "(account)";
  throw new AgentError(`invalid account setting ${field}: ${issue.message}`);
}

/** The account's address of record, e.g. `sip:alice@pbx.example.com`. */
export function accountAor(account: Pick<AccountSettings, "username" | "domain">): string {
  return `sip:${account.username}@${account.domain}`;
}

/** The headers as ordered name/value pairs (repeats allowed). */
export function headerList(headers: AccountSettings["headers"]): Array<[string, string]> {
  if (!headers) return [];
  if (Array.isArray(headers)) return headers.map(([n, v]) => [n, String(v)]);
  return Object.entries(headers).map(([n, v]) => [n, String(v)]);
}

/**
 * Renders the baresip `accounts` line (also the parameter of `uanew`).
 * `regint` overrides the account's (0 = do not register).
 *
 * @example
 * ```ts
 * renderAccountLine({ username: "alice", domain: "127.0.0.1:5060", password: "pw" }, { regint: 0 });
 * // '<sip:alice@127.0.0.1:5060>;auth_pass=pw;regint=0;answermode=manual'
 * ```
 */
export function renderAccountLine(account: AccountSettings, options: { regint: number }): string {
  const uriParams = account.transport && account.transport !== "udp"
    ? `;transport=${account.transport}`
    : "";
  let line = `<${accountAor(account)}${uriParams}>`;
  if (account.display_name) line = `"${plain("display_name", account.display_name)}" ${line}`;
  const params: string[] = [];
  if (account.auth_user) params.push(`auth_user=${token("auth_user", account.auth_user)}`);
  if (account.password !== undefined && account.password !== "") {
    params.push(`auth_pass=${token("password", account.password)}`);
  }
  if (account.outbound) params.push(`outbound="${plain("outbound", account.outbound)}"`);
  if (account.stun_server) {
    params.push("medianat=stun");
    const server = account.stun_server.startsWith("stun:")
      ? account.stun_server
      : `stun:${account.stun_server}`;
    params.push(`stunserver=${token("stun_server", server)}`);
  }
  if (account.media_enc) params.push(`mediaenc=${account.media_enc}`);
  params.push(`regint=${options.regint}`);
  if (account.mwi !== undefined) params.push(`mwi=${account.mwi ? "yes" : "no"}`);
  if (account.dtmf_mode && account.dtmf_mode !== "rtpevent") {
    params.push(`dtmfmode=${account.dtmf_mode}`);
  }
  if (account.audio_codecs?.length) params.push(`audio_codecs=${account.audio_codecs.join(",")}`);
  if (account.catchall) params.push("catchall=yes");
  params.push("answermode=manual");
  return `${line};${params.join(";")}`;
}

/** Values baresip reads up to the next space or ';': refuse what it would cut. */
function token(field: string, value: string): string {
  if (/[\s;"<>,]/.test(value)) {
    throw new AgentError(
      `${field} cannot contain spaces, ';', ',', '<', '>' or '"': baresip's account line would cut it there`,
    );
  }
  return value;
}

/** Values baresip reads between quotes: refuse quotes and line breaks. */
function plain(field: string, value: string): string {
  if (/["\r\n]/.test(value)) {
    throw new AgentError(`${field} cannot contain '"' or line breaks`);
  }
  return value;
}
