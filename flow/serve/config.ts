/**
 * The `ringo flow serve` config file (TOML), read and checked with zod:
 * `[server]`, `[auth]`, `[archive]`, `[metrics]` and one `[[monitor]]` table
 * per monitor. Every problem is reported at once, each naming the file, the
 * monitor and the field; relative paths are resolved against the config
 * file's folder.
 *
 * @module
 */
import { dirname, isAbsolute, resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import { z } from "zod";
import { Cron } from "croner";
import { parseDuration } from "../duration.ts";
import { ServeError } from "./errors.ts";
import { parseListen } from "./listen.ts";

/** The default `--listen` / `[server] listen`. */
export const DEFAULT_LISTEN = "127.0.0.1:9090";

/** What an API token or a user may do. */
export type Scope = "read" | "run";

/** A secret given inline as a hash, or read from a file or an environment variable. */
export interface SecretSource {
  /** An scrypt hash (`ringo flow serve --hash-password`). */
  hash?: string;
  /** A file holding the secret in clear (its first line). */
  file?: string;
  /** An environment variable holding the secret in clear. */
  env?: string;
}

/** One `[[auth.user]]`. */
export interface UserConfig {
  name: string;
  password: SecretSource;
  scopes: Scope[];
}

/** One `[[auth.token]]`. */
export interface TokenConfig {
  name: string;
  token: SecretSource;
  scopes: Scope[];
}

/** One `[[monitor]]`, with paths made absolute and durations in milliseconds. */
export interface MonitorConfig {
  name: string;
  description?: string;
  /** Scenario files or folders (absolute). */
  paths: string[];
  /** Cron expression, 5 or 6 fields (6: seconds first); absent: runs only on demand. */
  schedule?: string;
  /** IANA time zone of the schedule; default the host's. */
  timezone?: string;
  /** Limit of one whole run (all its scenarios); default 5 minutes. */
  timeoutMs: number;
  /** Per-scenario limit passed to `ringo flow run --timeout`; default the runner's (60 s). */
  scenarioTimeoutMs?: number;
  envFiles: string[];
  scenario: string[];
  tags: string[];
  excludeTags: string[];
  /** Further attempts after a failed one, before the run counts as failed. */
  retries: number;
  /** Keep each call's audio as WAV files in the archive. */
  saveAudio: boolean;
  /** JavaScript heap limit of each run's process, in MB (a scenario that fills it ends its run only). */
  memoryLimitMb: number;
  allowRead?: string[] | true;
  allowNet?: string[] | true;
  allowEnv?: string[] | true;
  /** Overrides of `[archive]` retention for this monitor. */
  keepRuns?: number;
  keepDays?: number;
}

/** A whole, checked config. */
export interface ServeConfig {
  /** The config file (absolute). */
  file: string;
  server: {
    listen: string;
    tlsCert?: string;
    tlsKey?: string;
    /** Runs at once; default 1. */
    concurrency: number;
  };
  auth: {
    users: UserConfig[];
    tokens: TokenConfig[];
    /** Lifetime of a dashboard session; default 12 h. */
    sessionMs: number;
  };
  archive: {
    /** Folder of the KV store and the runs' files (absolute). */
    path: string;
    /** Runs kept per monitor. */
    keepRuns: number;
    /** Days a run is kept. */
    keepDays: number;
    /** The newest runs per monitor whose WAV files are kept (older runs lose their audio). */
    keepAudio: number;
  };
  metrics: {
    enabled: boolean;
    /** Serve /metrics without a token (default: a token or session with the `read` scope). */
    public: boolean;
  };
  monitors: MonitorConfig[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const stringList = z.array(z.string().min(1)).default([]);
const oneOrMore = (what: string) =>
  z.union([z.string().min(1).transform((s) => [s]), z.array(z.string().min(1))], {
    error: `expected ${what} or a list of them`,
  }).default([]);
const grant = z.union([z.literal(true), z.array(z.string().min(1))], {
  error: "expected true (everything) or a list",
}).optional();
const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  try {
    const ms = parseDuration(value);
    if (ms > 0) return ms;
    ctx.addIssue({ code: "custom", message: "must be more than 0" });
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
  }
  return z.NEVER;
});
const scopes = z.array(z.enum(["read", "run"])).min(1).default(["read", "run"]);
const scryptHash = z.string().startsWith(
  "scrypt$",
  "expected an scrypt hash from `ringo flow serve --hash-password`",
).optional();
const path = z.string().min(1).optional();
const envName = z.string().regex(
  /^[A-Za-z_][A-Za-z0-9_]*$/,
  "expected an environment variable name",
)
  .optional();
const entryName = z.string().regex(NAME, "expected 1-64 letters, digits, . _ -");

const userSchema = z.object({
  name: entryName,
  scopes,
  password_hash: scryptHash,
  password_file: path,
  password_env: envName,
}).strict();
const tokenSchema = z.object({
  name: entryName,
  scopes,
  token_hash: scryptHash,
  token_file: path,
  token_env: envName,
}).strict();

const monitorSchema = z.object({
  name: z.string().regex(
    NAME,
    "expected 1-64 letters, digits, . _ - (starting with a letter or digit)",
  ),
  description: z.string().optional(),
  path: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
    error: "expected a scenario file or folder, or a list of them",
  }),
  schedule: z.string().check((ctx) => {
    const problem = cronProblem(ctx.value);
    if (problem) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
  }).optional(),
  timezone: z.string().check((ctx) => {
    if (isTimeZone(ctx.value)) return;
    const message = `unknown time zone ${JSON.stringify(ctx.value)} ` +
      `(expected an IANA name such as "Europe/Berlin" or "UTC")`;
    ctx.issues.push({ code: "custom", message, input: ctx.value });
  }).optional(),
  timeout: duration.optional(),
  scenario_timeout: duration.optional(),
  env_file: oneOrMore("an env file"),
  scenario: oneOrMore("a scenario name (or re:<regex>)"),
  tags: stringList,
  exclude_tags: stringList,
  retries: z.number().int().min(0).max(10).default(0),
  save_audio: z.boolean().default(false),
  memory_limit_mb: z.number().int().min(32).max(65536).default(1024),
  allow_read: grant,
  allow_net: grant,
  allow_env: grant,
  keep_runs: z.number().int().min(1).optional(),
  keep_days: z.number().positive().optional(),
}).strict();

const configSchema = z.object({
  server: z.object({
    listen: z.string().check((ctx) => {
      try {
        parseListen(ctx.value);
      } catch (error) {
        ctx.issues.push({ code: "custom", message: (error as Error).message, input: ctx.value });
      }
    }).optional(),
    tls_cert: z.string().min(1).optional(),
    tls_key: z.string().min(1).optional(),
    concurrency: z.number().int().min(1).max(64).default(1),
  }).strict().default({ concurrency: 1 }),
  auth: z.object({
    user: z.array(userSchema).default([]),
    token: z.array(tokenSchema).default([]),
    session: duration.optional(),
  }).strict().default({ user: [], token: [] }),
  archive: z.object({
    path: z.string().min(1).default("ringo-archive"),
    keep_runs: z.number().int().min(1).default(1000),
    keep_days: z.number().positive().default(30),
    keep_audio: z.number().int().min(0).default(20),
  }).strict().default({ path: "ringo-archive", keep_runs: 1000, keep_days: 30, keep_audio: 20 }),
  metrics: z.object({
    enabled: z.boolean().default(true),
    public: z.boolean().default(false),
  }).strict().default({ enabled: true, public: false }),
  monitor: z.array(monitorSchema).default([]),
}).strict().superRefine((c, ctx) => {
  const seen = new Set<string>();
  c.monitor.forEach((m, i) => {
    if (seen.has(m.name)) {
      ctx.addIssue({
        code: "custom",
        path: ["monitor", i, "name"],
        message: `a second monitor named ${JSON.stringify(m.name)}`,
      });
    }
    seen.add(m.name);
  });
  for (const [list, key] of [[c.auth.user, "user"], [c.auth.token, "token"]] as const) {
    const what = key === "user" ? "password" : "token";
    list.forEach((entry, i) => {
      const e = entry as Record<string, unknown>;
      const given = ["hash", "file", "env"].filter((k) => e[`${what}_${k}`] !== undefined);
      if (given.length !== 1) {
        ctx.addIssue({
          code: "custom",
          path: ["auth", key, i],
          message: `needs exactly one of ${what}_hash, ${what}_file, ${what}_env (found ${
            given.length === 0 ? "none" : given.map((k) => `${what}_${k}`).join(", ")
          })`,
        });
      }
    });
  }
  if ((c.server.tls_cert === undefined) !== (c.server.tls_key === undefined)) {
    ctx.addIssue({
      code: "custom",
      path: ["server"],
      message: "tls_cert and tls_key go together: give both or neither",
    });
  }
});

/**
 * Reads and checks the config file at `path`.
 *
 * @throws {ServeError} listing every problem, each as `file: where: what`.
 *
 * @example
 * ```ts
 * const config = await loadServeConfig("examples/serve/monitor.toml");
 * config.monitors.map((m) => m.name); // ["loopback-call", …]
 * ```
 */
export async function loadServeConfig(path: string): Promise<ServeConfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new ServeError(`cannot read the config ${path}: ${(error as Error).message}`, {
      hint: "give the path of a TOML file (see docs/flow/serve.md)",
    });
  }
  return parseServeConfig(text, resolve(path));
}

/**
 * Checks config `text` as if read from `file` (absolute; relative paths in
 * it resolve against its folder).
 *
 * @example
 * ```ts
 * parseServeConfig('[[monitor]]\nname = "x"\npath = "flows"\n', "/etc/ringo/serve.toml");
 * ```
 */
export function parseServeConfig(text: string, file: string): ServeConfig {
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (error) {
    const e = error as Error & { line?: number; column?: number };
    const at = e.line ? `:${e.line}${e.column ? `:${e.column}` : ""}` : "";
    throw new ServeError(`${file}${at}: not valid TOML: ${firstLine(e.message)}`);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) =>
      `${file}: ${where(raw, issue.path)}${describeIssue(issue)}`
    );
    throw new ServeError(problems.join("\n"), {
      hint: "docs/flow/serve.md lists every key of the config",
    });
  }
  const c = parsed.data;
  const base = dirname(file);
  const at = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  return {
    file,
    server: {
      listen: c.server.listen ?? DEFAULT_LISTEN,
      ...(c.server.tls_cert ? { tlsCert: at(c.server.tls_cert) } : {}),
      ...(c.server.tls_key ? { tlsKey: at(c.server.tls_key) } : {}),
      concurrency: c.server.concurrency,
    },
    auth: {
      users: c.auth.user.map((u) => ({
        name: u.name,
        scopes: u.scopes,
        password: secretOf(u.password_hash, u.password_file, u.password_env, at),
      })),
      tokens: c.auth.token.map((t) => ({
        name: t.name,
        scopes: t.scopes,
        token: secretOf(t.token_hash, t.token_file, t.token_env, at),
      })),
      sessionMs: c.auth.session ?? 12 * 3_600_000,
    },
    archive: {
      path: at(c.archive.path),
      keepRuns: c.archive.keep_runs,
      keepDays: c.archive.keep_days,
      keepAudio: c.archive.keep_audio,
    },
    metrics: { enabled: c.metrics.enabled, public: c.metrics.public },
    monitors: c.monitor.map((m) => ({
      name: m.name,
      ...(m.description !== undefined ? { description: m.description } : {}),
      paths: (Array.isArray(m.path) ? m.path : [m.path]).map(at),
      ...(m.schedule !== undefined ? { schedule: m.schedule.trim() } : {}),
      ...(m.timezone !== undefined ? { timezone: m.timezone } : {}),
      timeoutMs: m.timeout ?? 5 * 60_000,
      ...(m.scenario_timeout !== undefined ? { scenarioTimeoutMs: m.scenario_timeout } : {}),
      envFiles: m.env_file.map(at),
      scenario: m.scenario,
      tags: m.tags,
      excludeTags: m.exclude_tags,
      retries: m.retries,
      saveAudio: m.save_audio,
      memoryLimitMb: m.memory_limit_mb,
      ...(m.allow_read !== undefined
        ? { allowRead: m.allow_read === true ? true : m.allow_read.map(at) }
        : {}),
      ...(m.allow_net !== undefined ? { allowNet: m.allow_net } : {}),
      ...(m.allow_env !== undefined ? { allowEnv: m.allow_env } : {}),
      ...(m.keep_runs !== undefined ? { keepRuns: m.keep_runs } : {}),
      ...(m.keep_days !== undefined ? { keepDays: m.keep_days } : {}),
    })),
  };
}

/**
 * Why `schedule` is not a usable cron expression, or undefined when it is.
 *
 * @example
 * ```ts
 * cronProblem("*\/5 * * * *"); // undefined
 * cronProblem("* *"); // "expected a cron expression of 5 fields (minute first) or 6 (second first), got 2"
 * ```
 */
export function cronProblem(schedule: string): string | undefined {
  const fields = schedule.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5 && fields.length !== 6) {
    return `expected a cron expression of 5 fields (minute first) or 6 (second first), got ${fields.length}`;
  }
  try {
    const cron = new Cron(schedule, {
      paused: true,
    });
    const next = cron.nextRun();
    cron.stop();
    if (!next) return `${JSON.stringify(schedule)} never fires`;
  } catch (error) {
    return `${JSON.stringify(schedule)}: ${(error as Error).message.replace(/^CronPattern: /, "")}`;
  }
  return undefined;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function secretOf(
  hash: string | undefined,
  file: string | undefined,
  env: string | undefined,
  at: (p: string) => string,
): SecretSource {
  if (hash !== undefined) return { hash };
  if (file !== undefined) return { file: at(file) };
  return { env };
}

/** `monitor "pbx" (#2): schedule: ` for the issue path `["monitor", 1, "schedule"]`. */
function where(raw: unknown, path: readonly PropertyKey[]): string {
  const out: string[] = [];
  let table: string[] = [];
  let node: unknown = raw;
  for (const key of path) {
    const next = typeof node === "object" && node !== null
      ? (node as Record<PropertyKey, unknown>)[key]
      : undefined;
    if (typeof key === "number") {
      const name = isRecord(next) && typeof next.name === "string"
        ? ` ${JSON.stringify(next.name)}`
        : "";
      out.push(`${table.join(".")}${name} (#${key + 1})`);
      table = [];
    } else {
      table.push(String(key));
    }
    node = next;
  }
  if (table.length > 0) out.push(table.join("."));
  return out.length > 0 ? `${out.join(": ")}: ` : "";
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => JSON.stringify(k)).join(", ");
    return `unknown key${issue.keys.length > 1 ? "s" : ""} ${keys}`;
  }
  return issue.message.replace(/^Invalid input: /, "");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function firstLine(text: string): string {
  return text.split("\n")[0];
}
