/**
 * The type check of scenario files: one `deno check` of every file, before
 * any agent starts (`ringo flow check`, and `ringo flow run` unless
 * `--no-typecheck`). It runs with `--no-npm` and `--no-remote` unless
 * `--allow-import` grants such modules, so a scenario that imports an npm
 * package or a URL is refused here, before anything downloads it (Deno
 * fetches a module's static imports before the sandbox's import guard can
 * refuse them).
 *
 * @module
 */
import { basename } from "node:path";
import { pathToFileURL } from "node:url";
import { findExecutable, pathDirs } from "../core/executables.ts";
import type { ScenarioFile } from "./discover.ts";
import type { SandboxGrants } from "./sandbox/permissions.ts";

/** ringo's import map: what `@ringo/flow` and the engine's packages resolve to. */
export const IMPORT_MAP_URL = new URL("../import_map.json", import.meta.url);

/** How a type check ended. */
export type TypeCheckResult =
  | { ok: true }
  /**
   * `typeErrors`: false when deno stopped before type-checking (a syntax
   * error, a module not found), which the load pass reports with the line;
   * `refusedImports`: the check refused an npm or remote import.
   */
  | { ok: false; errors: string; typeErrors: boolean; refusedImports: boolean }
  /** No deno binary to check with (a compiled ringo without deno on PATH). */
  | { ok: true; skipped: string };

/**
 * Type-checks `files` with one `deno check`; the errors name each file as
 * reports show it, with its line and column.
 *
 * @example
 * ```ts
 * const result = await typeCheck(files, {});
 * if (!result.ok) console.error(result.errors);
 * ```
 */
export async function typeCheck(
  files: ScenarioFile[],
  grants: SandboxGrants,
): Promise<TypeCheckResult> {
  const deno = denoBinary();
  if (!deno) return { ok: true, skipped: "type check skipped: no deno binary found" };
  if (IMPORT_MAP_URL.protocol !== "file:") {
    // ringo itself is remote: checking with --no-remote cannot load it.
    return { ok: true, skipped: "type check skipped: ringo runs from a URL" };
  }
  const granted = grants.allowImport === true ? ["*"] : grants.allowImport || [];
  const npm = granted.some((g) => g === "*" || g.startsWith("npm:"));
  const remote = granted.some((g) => !g.startsWith("npm:"));
  const output = await new Deno.Command(deno, {
    args: [
      "check",
      "--quiet",
      ...(npm ? [] : ["--no-npm"]),
      ...(remote ? [] : ["--no-remote"]),
      "--import-map",
      IMPORT_MAP_URL.href,
      ...files.map((f) => f.path),
    ],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", RUST_BACKTRACE: "0" },
  }).output();
  if (output.success) return { ok: true };
  let text = new TextDecoder().decode(output.stderr) + new TextDecoder().decode(output.stdout);
  text = text.replace(/\n+Stack backtrace:[\s\S]*$/, "\n");
  for (const f of files) text = text.replaceAll(pathToFileURL(f.path).href, f.file);
  const errors = explainRefusedImports(text.endsWith("\n") ? text : `${text}\n`);
  return {
    ok: false,
    errors,
    // TS2307 (module not found) reads better as the load pass's error.
    typeErrors: [...text.matchAll(/\bTS(\d{4})\b/g)].some((m) => m[1] !== "2307"),
    refusedImports: errors !== text && errors.includes("unless granted"),
  };
}

/**
 * The deno binary that runs ringo (when it is not a compiled ringo), else
 * `deno` from PATH, else undefined.
 */
export function denoBinary(): string | undefined {
  const exec = Deno.execPath();
  if (/^deno(\.exe)?$/i.test(basename(exec))) return exec;
  return findExecutable("deno", pathDirs(Deno.env.toObject()));
}

/** deno's words for an import `--no-npm`/`--no-remote` refused, as ringo says it. */
function explainRefusedImports(text: string): string {
  return text
    .replace(
      /error: (?:npm specifiers were requested; but --no-npm is specified|.*--no-npm.*)$/gm,
      "error: scenarios may not import npm packages unless granted: `ringo flow run --allow-import=npm:<package>`",
    )
    .replace(
      /error: (?:A remote specifier was requested: "([^"]*)", but --no-remote is specified\.?)$/gm,
      (_, url: string) =>
        `error: import of ${url} refused: scenarios may not load modules from the network unless granted (\`ringo flow run --allow-import=<host>\`)`,
    );
}
