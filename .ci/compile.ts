/**
 * `deno task compile`: builds the `ringo` binary for Linux and macOS on x64
 * and arm64 into `dist/`, with the flags ringo needs at run time (KV, Worker
 * permissions for the scenario sandbox, all permissions for the host) and
 * the scenario Worker's entry embedded.
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
    "--unstable-kv",
    "--unstable-worker-options",
    "--allow-all",
    // Loaded with `new Worker(new URL(...))`, which static analysis does not follow.
    "--include",
    "flow/sandbox/worker.ts",
    "--include",
    "flow/sandbox/relay.ts",
    "--include",
    "flow/api/mod.ts",
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
