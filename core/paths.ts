/**
 * Where ringo keeps its files, after the XDG base directories (on macOS
 * too, as the original ringo does): profiles and `ringo.toml` under the
 * config folder, the Deno KV store (call history, archives) under the data
 * folder, and the control sockets of running phone sessions under the
 * runtime folder — or, without `XDG_RUNTIME_DIR`, a private folder of the
 * system's temp folder.
 *
 * @module
 */
import { join } from "node:path";

/** ringo's folders for one user. */
export interface RingoPaths {
  /** `$XDG_CONFIG_HOME/ringo` (default `~/.config/ringo`). */
  configDir: string;
  /** `$XDG_DATA_HOME/ringo` (default `~/.local/share/ringo`): the KV store lives here. */
  dataDir: string;
  /**
   * `$XDG_RUNTIME_DIR/ringo/sessions`, else `<temp>/ringo-<uid>/sessions`:
   * one Unix socket per phone session (folder 0700, socket 0600).
   */
  sessionsDir: string;
}

/**
 * ringo's folders for the environment `env` (default the process's).
 *
 * @example
 * ```ts
 * ringoPaths({ HOME: "/home/ann", XDG_RUNTIME_DIR: "/run/user/1000" }).sessionsDir;
 * // "/run/user/1000/ringo/sessions"
 * ```
 */
export function ringoPaths(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): RingoPaths {
  const home = env.HOME || "/";
  const configHome = absolute(env.XDG_CONFIG_HOME) ?? join(home, ".config");
  const dataHome = absolute(env.XDG_DATA_HOME) ?? join(home, ".local", "share");
  const runtime = absolute(env.XDG_RUNTIME_DIR);
  const temp = absolute(env.TMPDIR) ?? "/tmp";
  return {
    configDir: join(configHome, "ringo"),
    dataDir: join(dataHome, "ringo"),
    sessionsDir: runtime
      ? join(runtime, "ringo", "sessions")
      : join(temp, `ringo-${Deno.uid() ?? "user"}`, "sessions"),
  };
}

/** The XDG specification ignores relative values. */
function absolute(value: string | undefined): string | undefined {
  return value && value.startsWith("/") ? value : undefined;
}
