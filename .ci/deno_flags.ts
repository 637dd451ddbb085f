/**
 * The deno flags ringo runs with, in one list, wherever it runs: the
 * `ringo`, `demo` and `bench` tasks of `deno.json`, `deno compile`
 * (`.ci/compile.ts`), the container image's `ringo` command (`Dockerfile`),
 * the install-from-a-URL commands of `README.md` and `docs/install.md`, and
 * the tests that run ringo as a user would. `tests/dist/flags_test.ts` checks
 * each of those against this list, so they cannot drift.
 *
 * - `--unstable-kv`: history and archives live in Deno KV;
 * - `--unstable-worker-options`: scenarios run in Workers with scoped
 *   permissions (the sandbox); without it a Worker cannot narrow them;
 * - `--allow-all`: ringo itself runs baresip, opens sockets, reads configs.
 *
 * @example
 * ```ts
 * import { RINGO_DENO_FLAGS } from "./deno_flags.ts";
 * new Deno.Command(Deno.execPath(), { args: ["run", ...RINGO_DENO_FLAGS, "main.ts", "--version"] });
 * ```
 *
 * @module
 */

/** Runtime flags of every way ringo runs (`deno run`, `deno install`, `deno compile`). */
export const RINGO_DENO_FLAGS: readonly string[] = [
  "--unstable-kv",
  "--unstable-worker-options",
  "--allow-all",
];

/**
 * Files `deno compile` must embed besides what `main.ts` imports statically:
 * the scenario Worker's entry (loaded with `new Worker(new URL(…))`, which
 * static analysis does not follow), `@ringo/flow`, which scenario files
 * import from the binary's import map, and the files of `ringo flow serve`'s
 * dashboard, which it reads at run time.
 */
export const COMPILE_INCLUDES: readonly string[] = [
  "flow/sandbox/worker.ts",
  "flow/sandbox/relay.ts",
  "flow/api/mod.ts",
  "flow/serve/dashboard",
];
