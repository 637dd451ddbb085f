/**
 * How `ringo flow serve` starts `ringo flow run` as a child: the same
 * program it is running as. Under `deno run`, that is the deno binary with
 * ringo's entry and the flags of the `ringo` task; as a compiled binary, the
 * binary itself (its flags are compiled in).
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { findSetpriv } from "../../core/mod.ts";

/** The deno flags of the `ringo` task in deno.json (after `deno run`). */
export const RINGO_DENO_FLAGS = ["--unstable-kv", "--unstable-worker-options", "--allow-all"];

const MAIN = new URL("../../main.ts", import.meta.url);

/** A program and its arguments. */
export interface Invocation {
  program: string;
  args: string[];
}

/**
 * `ringo <args>` as this process would run it; on Linux under
 * `setpriv --pdeathsig TERM`, so a child outlives no serve process killed
 * with SIGKILL (its SIGTERM handler then stops its agents).
 *
 * @example
 * ```ts
 * ringoInvocation(["flow", "run", "flows/"]);
 * // { program: "/usr/bin/setpriv", args: ["--pdeathsig", "TERM", "/usr/bin/deno", "run", …, "/opt/ringo/main.ts", "flow", "run", "flows/"] }
 * ```
 */
export function ringoInvocation(
  args: string[],
  options: { standalone?: boolean; setpriv?: string | null } = {},
): Invocation {
  const standalone = options.standalone ?? Deno.build.standalone;
  const ringo = standalone
    ? [Deno.execPath(), ...args]
    : [Deno.execPath(), "run", ...RINGO_DENO_FLAGS, mainPath(), ...args];
  const setpriv = options.setpriv === null
    ? undefined
    : options.setpriv ?? (Deno.build.os === "linux" ? findSetpriv() : undefined);
  if (setpriv) return { program: setpriv, args: ["--pdeathsig", "TERM", ...ringo] };
  return { program: ringo[0], args: ringo.slice(1) };
}

function mainPath(): string {
  return MAIN.protocol === "file:" ? fileURLToPath(MAIN) : MAIN.href;
}
