/**
 * The sandbox's permissions: what a scenario Worker may do (read its own
 * folder, plus what `--allow-read`, `--allow-net` and `--allow-env` grant),
 * and how a denial is explained in ringo's terms rather than Deno's.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { isAbsolute, relative } from "node:path";
import type { ImportPolicy } from "../protocol.ts";
import { importHosts, importPolicy } from "./imports.ts";

/**
 * ringo's own modules the scenario thread loads itself (relay.ts starts
 * worker.ts as a thread of the sandbox, which needs read access to them):
 * the flow folder and the two core modules the scenario API shares. They are
 * ringo's public source; a scenario gains nothing by reading them, and the
 * host's own checks (`loadEnv`, `file()`) never count them as readable.
 */
export const RINGO_SANDBOX_MODULES: string[] = new URL("../", import.meta.url).protocol === "file:"
  ? [
    fileURLToPath(new URL("../", import.meta.url)),
    fileURLToPath(new URL("../../core/sip_headers.ts", import.meta.url)),
    fileURLToPath(new URL("../../core/errors.ts", import.meta.url)),
  ]
  : [];

/** What the command line grants scenarios beyond their own folder. */
export interface SandboxGrants {
  /** Extra paths scenarios may read (`--allow-read`). */
  allowRead?: string[];
  /** Hosts scenarios may reach (`--allow-net`); `true` for any. */
  allowNet?: string[] | boolean;
  /** Variables scenarios may read with `Deno.env` (`--allow-env`); `true` for all. */
  allowEnv?: string[] | boolean;
  /** Packages (`npm:x`, `jsr:@s/x`) and hosts scenarios may import from (`--allow-import`); `true` for any. */
  allowImport?: string[] | boolean;
}

/**
 * The Worker permissions of a scenario in `scenarioDirs` (its own folder,
 * and the folder given on the command line it was found in). Running programs,
 * writing files, FFI and system information are always denied.
 *
 * @example
 * ```ts
 * new Worker(url, {
 *   type: "module",
 *   deno: { permissions: workerPermissions(["/home/me/flows"], { allowNet: ["pbx.example.com"] }) },
 * });
 * ```
 */
export function workerPermissions(
  scenarioDirs: string[],
  grants: SandboxGrants = {},
  moduleDirs: string[] = [],
): Deno.PermissionOptionsObject {
  const policy: ImportPolicy = importPolicy(grants.allowImport, []);
  return {
    run: false,
    write: false,
    ffi: false,
    sys: false,
    import: importHosts(policy),
    read: [...readablePaths(scenarioDirs, grants), ...moduleDirs],
    net: grantList(grants.allowNet),
    env: grantList(grants.allowEnv),
  };
}

/** The paths a scenario may read: the ones {@link workerPermissions} grants. */
export function readablePaths(scenarioDirs: string[], grants: SandboxGrants = {}): string[] {
  return [...scenarioDirs, ...(grants.allowRead ?? [])];
}

/**
 * Whether the absolute `path` lies in one of the absolute `readable` paths
 * (the host checks this before reading a file for a scenario, as `loadEnv`).
 *
 * @example
 * ```ts
 * isReadable("/flows/secrets.env", ["/flows"]); // true
 * isReadable("/etc/passwd", ["/flows"]); // false
 * ```
 */
export function isReadable(path: string, readable: string[]): boolean {
  return readable.some((dir) => {
    const rel = relative(dir, path);
    return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
  });
}

/**
 * Rewrites Deno's permission message (`Requires run access to "id", run
 * again with the --allow-run flag`) into one naming ringo's flags, or
 * returns `undefined` for any other message.
 *
 * @example
 * ```ts
 * explainDenied('Requires read access to "/etc/passwd", run again with the --allow-read flag');
 * // 'Requires read access to "/etc/passwd": a scenario may only read its own folder; grant more with `ringo flow run --allow-read=/etc/passwd`'
 * ```
 */
export function explainDenied(message: string): string | undefined {
  const match = /Requires (\w+) access(?: to ("[^"]*"|[^,]+))?/.exec(message);
  if (!match) return undefined;
  const [, kind, what] = match;
  if (what === undefined) {
    // Deno names no target when a Node built-in reads the whole environment.
    return `Requires ${kind} access: ${
      kind === "env"
        ? "a Node module read the whole environment, which scenarios may not; read " +
          'variables with env("NAME"), or grant them with `ringo flow run --allow-env=NAME`'
        : `scenarios may not use ${kind} access`
    }`;
  }
  const target = what.startsWith('"') ? what.slice(1, -1) : what.trim();
  const base = `Requires ${kind} access to ${what}`;
  switch (kind) {
    case "read":
      return `${base}: a scenario may only read its own folder; grant more with ` +
        `\`ringo flow run --allow-read=${target}\``;
    case "net":
      return `${base}: scenarios have no network access of their own (agents do not need it); ` +
        `grant it with \`ringo flow run --allow-net=${target}\``;
    case "env":
      return `${base}: read scenario variables with env("${target}") (from .env files or ` +
        `the environment), or grant Deno.env with \`ringo flow run --allow-env=${target}\``;
    case "run":
      return `${base}: scenarios may not run programs (ringo has no flag to allow it); ` +
        `drive calls through agents, or run the program before ringo`;
    case "write":
      return `${base}: scenarios may not write files (ringo has no flag to allow it); ` +
        `use log() for output, and --save-audio for recordings`;
    case "import":
      return `${base}: scenarios may not load modules from the network unless granted; ` +
        `grant the host with \`ringo flow run --allow-import=${target}\``;
    case "sys":
      return `${base}: scenarios may not read system information (ringo has no flag to allow it)`;
    default:
      return `${base}: scenarios may not use ${kind} access (ringo has no flag to allow it)`;
  }
}

function grantList(grant: string[] | boolean | undefined): string[] | boolean {
  if (grant === true) return true;
  if (!grant || grant.length === 0) return false;
  return grant;
}
