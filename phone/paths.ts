/**
 * Where the phone keeps its files, after the XDG base directory rules:
 * configuration (profiles, `ringo.toml`, `contacts.toml`) under
 * `$XDG_CONFIG_HOME/ringo`, the history store under `$XDG_DATA_HOME/ringo`,
 * and the control sockets of running sessions under
 * `$XDG_RUNTIME_DIR/ringo/sessions` (or a private folder in the temp dir
 * when there is no runtime dir).
 *
 * The three roots come from core/paths.ts (shared with `ringo doctor`);
 * this adds the phone's own files. Everything takes the environment as a
 * value, so tests (and a user's `XDG_CONFIG_HOME=… ringo phone …`) point
 * it elsewhere.
 *
 * @module
 */
import { join } from "node:path";
import { ringoPaths } from "../core/paths.ts";
import { ProfileError } from "./errors.ts";

/** The environment the paths are derived from. */
export type PathEnv = Record<string, string | undefined>;

/** Every place the phone reads or writes. */
export interface PhonePaths {
  /** `$XDG_CONFIG_HOME/ringo` (default `~/.config/ringo`). */
  configDir: string;
  /** `<configDir>/profiles`: one folder per profile. */
  profilesDir: string;
  /** `<configDir>/ringo.toml`: the global configuration. */
  globalConfig: string;
  /** `<configDir>/contacts.toml`: the contact book. */
  contacts: string;
  /** `$XDG_DATA_HOME/ringo` (default `~/.local/share/ringo`). */
  dataDir: string;
  /** `<dataDir>/history.kv`: call and dial history (Deno KV). */
  historyDb: string;
  /** The folder holding each running session's control socket and registry entry. */
  sessionsDir: string;
  /** `$XDG_STATE_HOME/ringo/logs` (default `~/.local/state/ringo/logs`): one log per profile. */
  logsDir: string;
}

/**
 * The paths for `env` (default: the process environment).
 *
 * @example
 * ```ts
 * phonePaths({ HOME: "/home/ada" }).profilesDir; // "/home/ada/.config/ringo/profiles"
 * phonePaths({ XDG_RUNTIME_DIR: "/run/user/1000", HOME: "/home/ada" }).sessionsDir;
 * // "/run/user/1000/ringo/sessions"
 * ```
 */
export function phonePaths(env: PathEnv = Deno.env.toObject()): PhonePaths {
  const { configDir, dataDir, sessionsDir } = ringoPaths(env);
  const stateHome = env.XDG_STATE_HOME?.startsWith("/")
    ? env.XDG_STATE_HOME
    : join(env.HOME || "/", ".local", "state");
  return {
    configDir,
    profilesDir: join(configDir, "profiles"),
    globalConfig: join(configDir, "ringo.toml"),
    contacts: join(configDir, "contacts.toml"),
    dataDir,
    historyDb: join(dataDir, "history.kv"),
    sessionsDir,
    logsDir: join(stateHome, "ringo", "logs"),
  };
}

/**
 * Creates `dir` (and its parents) if missing and makes sure only this user
 * can enter it (mode 0700). An existing folder owned by someone else is
 * refused: a socket in it could be replaced.
 *
 * @throws {ProfileError} naming the folder and what is wrong with it.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await Deno.stat(dir);
  if (!info.isDirectory) {
    throw new ProfileError(`${dir} exists but is not a folder`);
  }
  const me = uid();
  if (info.uid !== null && me >= 0 && info.uid !== me) {
    throw new ProfileError(
      `${dir} belongs to another user (uid ${info.uid}); ringo will not use it`,
      {
        hint: "set XDG_RUNTIME_DIR to a folder of your own",
      },
    );
  }
  if (((info.mode ?? 0) & 0o077) !== 0) await Deno.chmod(dir, 0o700);
}

/**
 * Expands a leading `~/` to the home folder and makes a relative path
 * relative to `base`.
 *
 * @example
 * ```ts
 * resolveUserPath("~/pw.txt", "/etc", { HOME: "/home/ada" }); // "/home/ada/pw.txt"
 * resolveUserPath("pw.txt", "/home/ada/.config/ringo"); // "/home/ada/.config/ringo/pw.txt"
 * ```
 */
export function resolveUserPath(
  path: string,
  base: string,
  env: PathEnv = Deno.env.toObject(),
): string {
  if (path === "~" || path.startsWith("~/")) {
    if (!env.HOME) throw new ProfileError(`cannot expand ${path}: HOME is not set`);
    return join(env.HOME, path.slice(1));
  }
  return path.startsWith("/") ? path : join(base, path);
}

function uid(): number {
  try {
    return Deno.uid() ?? -1;
  } catch {
    return -1;
  }
}
