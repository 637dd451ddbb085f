/**
 * The global `ringo.toml`: `include`s merged in order (tables merge key by
 * key, arrays and values replace, cycles and missing files are warnings),
 * then each section — `[picker]`, `[theme]`, `[baresip]`, `[[hooks]]` —
 * validated with zod on its own. A file that does not parse, or a section
 * that is wrong, is a warning with the line or the field; ringo then runs
 * on the defaults instead of refusing to start.
 *
 * @module
 */
import { dirname } from "node:path";
import { parse as parseToml } from "smol-toml";
import { z } from "zod";
import { parseDuration } from "../flow/duration.ts";
import { resolveUserPath } from "./paths.ts";
import { formatFieldPath, PUBLIC_FIELDS } from "./profile.ts";
import { tomlErrorLine } from "./profile_store.ts";

/** The events a `[[hooks]]` entry can name. */
export const HOOK_EVENTS = [
  "profile_loaded",
  "registration_failed",
  "call_incoming",
  "call_outgoing",
  "call_established",
  "call_ended",
  "voicemail",
  "message_received",
] as const;
/** One of {@link HOOK_EVENTS}. */
export type HookEvent = typeof HOOK_EVENTS[number];

/** How long a hook may run before it is killed, unless it sets `timeout`. */
export const DEFAULT_HOOK_TIMEOUT_MS = 30_000;

/** The audio drivers `[baresip] audio_driver` can name. */
export const AUDIO_DRIVERS = ["pipewire", "pulse", "alsa", "coreaudio"] as const;

const color = z.string().regex(
  /^(#[0-9a-fA-F]{6}|[a-z_]+)$/,
  "a color name (cyan, dark_gray…) or #rrggbb",
);

const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  try {
    return parseDuration(value);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});

/** zod schemas of the sections, each validated on its own. */
export const sectionSchemas = {
  picker: z.object({
    info: z.array(z.enum(PUBLIC_FIELDS.filter((f) => f !== "name") as [string, ...string[]]))
      .optional(),
  }).strict(),
  theme: z.object({
    accent: color.optional(),
    subtle: color.optional(),
    success: color.optional(),
    danger: color.optional(),
    attention: color.optional(),
    transfer: color.optional(),
  }).strict(),
  baresip: z.object({
    module_path: z.string().optional(),
    audio_driver: z.enum(AUDIO_DRIVERS).optional(),
    audio_player_device: z.string().optional(),
    audio_source_device: z.string().optional(),
    audio_alert_device: z.string().optional(),
    sip_cafile: z.string().optional(),
    sip_capath: z.string().optional(),
    extra: z.record(
      z.string().regex(/^[A-Za-z0-9_]+$/, "a baresip config key"),
      z.union([z.string(), z.number(), z.boolean()]).transform(String)
        .refine((v) => !/[\r\n]/.test(v), "cannot contain line breaks"),
    ).optional(),
  }).strict(),
  hooks: z.array(
    z.object({
      event: z.enum(HOOK_EVENTS),
      command: z.string().min(1, "cannot be empty"),
      timeout: duration.optional(),
    }).strict(),
  ),
};

/** The validated global configuration (every section present, maybe empty). */
export interface GlobalConfig {
  picker: z.infer<typeof sectionSchemas.picker>;
  theme: z.infer<typeof sectionSchemas.theme>;
  baresip: z.infer<typeof sectionSchemas.baresip>;
  hooks: z.infer<typeof sectionSchemas.hooks>;
}

/** One configured hook. */
export type HookConfig = GlobalConfig["hooks"][number];

/** What {@link loadGlobalConfig} found: the configuration and the warnings about it. */
export interface LoadedConfig {
  config: GlobalConfig;
  /** One sentence per problem: a parse error with its line, a wrong field, a missing include. */
  warnings: string[];
  /** The files read, in merge order. */
  files: string[];
}

/** The configuration when there is no `ringo.toml`. */
export function defaultGlobalConfig(): GlobalConfig {
  return { picker: {}, theme: {}, baresip: {}, hooks: [] };
}

/**
 * Reads `file` (usually `~/.config/ringo/ringo.toml`) and its includes. A
 * missing file gives the defaults and no warning.
 *
 * @example
 * ```ts
 * const { config, warnings } = await loadGlobalConfig(phonePaths().globalConfig);
 * for (const w of warnings) console.error(`warning: ${w}`);
 * ```
 */
export async function loadGlobalConfig(
  file: string,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): Promise<LoadedConfig> {
  const warnings: string[] = [];
  const files: string[] = [];
  let merged: Record<string, unknown> = {};
  try {
    merged = await readWithIncludes(file, [file], { warnings, files, env, optional: true });
  } catch (error) {
    if (!(error instanceof ParseFailure)) throw error;
    warnings.push(`${error.message}; using the default configuration`);
    return { config: defaultGlobalConfig(), warnings, files };
  }
  return { config: validateSections(merged, file, warnings), warnings, files };
}

/**
 * Merges `over` into `base`: tables merge key by key (recursively), any
 * other value — arrays included — replaces. Neither input is changed.
 *
 * @example
 * ```ts
 * mergeTables({ theme: { accent: "cyan", danger: "red" }, hooks: [1] }, { theme: { accent: "blue" }, hooks: [2] });
 * // { theme: { accent: "blue", danger: "red" }, hooks: [2] }
 * ```
 */
export function mergeTables(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const before = out[key];
    out[key] = isTable(before) && isTable(value) ? mergeTables(before, value) : value;
  }
  return out;
}

class ParseFailure extends Error {}

interface ReadState {
  warnings: string[];
  files: string[];
  env: Record<string, string | undefined>;
  optional?: boolean;
}

async function readWithIncludes(
  file: string,
  stack: string[],
  state: ReadState,
): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound && state.optional) return {};
    throw new ParseFailure(`cannot read ${file}: ${(error as Error).message}`);
  }
  let data: Record<string, unknown>;
  try {
    data = { ...parseToml(text) };
  } catch (error) {
    throw new ParseFailure(`${file}: ${tomlErrorLine(error)}`);
  }
  state.files.push(file);
  const includes = data.include;
  delete data.include;
  let merged: Record<string, unknown> = {};
  if (includes !== undefined) {
    if (!Array.isArray(includes) || includes.some((i) => typeof i !== "string")) {
      state.warnings.push(`${file}: include: expected a list of file paths; includes ignored`);
    } else {
      for (const include of includes as string[]) {
        const path = resolveUserPath(include, dirname(file), state.env);
        if (stack.includes(path)) {
          state.warnings.push(
            `${file}: include cycle (${[...stack, path].join(" → ")}); ${include} skipped`,
          );
          continue;
        }
        try {
          const included = await readWithIncludes(path, [...stack, path], {
            ...state,
            optional: false,
          });
          merged = mergeTables(merged, included);
        } catch (error) {
          if (!(error instanceof ParseFailure)) throw error;
          const missing = /No such file|not found/i.test(error.message);
          state.warnings.push(
            missing
              ? `${file}: include ${include} does not exist (${path}); skipped`
              : `${error.message}; that include is skipped`,
          );
        }
      }
    }
  }
  return mergeTables(merged, data);
}

function validateSections(
  data: Record<string, unknown>,
  file: string,
  warnings: string[],
): GlobalConfig {
  const config = defaultGlobalConfig();
  for (const key of Object.keys(data)) {
    if (!(key in sectionSchemas)) {
      warnings.push(
        `${file}: unknown section "${key}" (known: ${
          Object.keys(sectionSchemas).join(", ")
        }, include)`,
      );
    }
  }
  for (const [key, schema] of Object.entries(sectionSchemas)) {
    if (data[key] === undefined) continue;
    const parsed = schema.safeParse(data[key]);
    if (parsed.success) {
      (config as unknown as Record<string, unknown>)[key] = parsed.data;
      continue;
    }
    const issue = parsed.error.issues[0];
    const field = formatFieldPath([key, ...issue.path]);
    const message = issue.code === "unrecognized_keys"
      ? `unknown field${issue.keys.length > 1 ? "s" : ""} ${
        issue.keys.map((k) => JSON.stringify(k)).join(", ")
      }`
      : issue.message;
    warnings.push(`${file}: ${field}: ${message}; using the defaults for [${key}]`);
  }
  return config;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof Date);
}
