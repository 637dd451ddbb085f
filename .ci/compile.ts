/**
 * `deno task compile`: builds the `ringo` binary for Linux and macOS on x64
 * and arm64 into `dist/ringo-<target>`, with the flags ringo needs at run
 * time and the files it loads dynamically embedded (both from
 * `deno_flags.ts`, the one list every way of running ringo uses).
 *
 * `deno compile` downloads the runtime of each target, so this needs the
 * internet: it runs in the release workflow on GitHub, not on machines
 * without network access. Pass target triples to build only some.
 *
 * @example
 * ```sh
 * deno task compile                          # all four targets
 * deno task compile x86_64-unknown-linux-gnu # one
 * ```
 *
 * @module
 */

import { COMPILE_INCLUDES, RINGO_DENO_FLAGS } from "./deno_flags.ts";

/** Targets of a release. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
];

/** `deno compile` arguments for one target. */
export function compileArgs(target: string, outDir = "dist"): string[] {
  return [
    "compile",
    ...RINGO_DENO_FLAGS,
    ...COMPILE_INCLUDES.flatMap((path) => ["--include", path]),
    "--target",
    target,
    "--output",
    `${outDir}/ringo-${target}`,
    "main.ts",
  ];
}

if (import.meta.main) {
  const targets = Deno.args.length > 0 ? Deno.args : TARGETS;
  for (const target of targets) {
    if (!TARGETS.includes(target)) {
      console.error(`unknown target ${target}; one of: ${TARGETS.join(", ")}`);
      Deno.exit(2);
    }
    console.error(`compiling ringo for ${target}`);
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: compileArgs(target),
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (code !== 0) {
      console.error(`deno compile failed for ${target} (exit ${code})`);
      Deno.exit(code);
    }
  }
}
