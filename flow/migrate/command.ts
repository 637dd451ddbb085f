/**
 * `ringo flow migrate`: rewrites ringo-flow scenarios, says per file what
 * it wrote and what it could not carry over (with the line), then checks
 * the new files as `ringo flow check` does. Exit code 0 when everything
 * was carried over and checks, 1 when a file needs a person (a `todo`
 * note, a type error), 2 when a path or a source is unusable.
 *
 * @module
 */
import { describeError } from "../../core/mod.ts";
import { checkScenarios } from "../check.ts";
import type { ScenarioFile } from "../discover.ts";
import type { Writer } from "../report/events.ts";
import { type MigratedFile, MigrateError, migrateFiles } from "./files.ts";

/** Options of `ringo flow migrate`. */
export interface FlowMigrateOptions {
  /** ringo-flow `.js` files and folders; default the current folder. */
  paths?: string[];
  /** Write below this folder instead of beside each source. */
  out?: string;
  force?: boolean;
  /** Print the migrated code instead of writing it. */
  dryRun?: boolean;
  /** Check the written files (type check and listing) afterwards; default true. */
  check?: boolean;
}

/**
 * Runs `ringo flow migrate`; resolves with the exit code.
 *
 * @example
 * ```ts
 * Deno.exit(await migrateFlow({ paths: ["scenarios/"], out: "flows/" }));
 * ```
 */
export async function migrateFlow(
  options: FlowMigrateOptions,
  io: { write: Writer; writeError: Writer } = { write: stdout, writeError: stderr },
): Promise<number> {
  let files: MigratedFile[];
  try {
    files = await migrateFiles(options.paths ?? [], {
      out: options.out,
      force: options.force,
      dryRun: options.dryRun,
    });
  } catch (error) {
    if (!(error instanceof MigrateError)) throw error;
    io.writeError(`error: ${describeError(error)}\n`);
    return 2;
  }
  let code = 0;
  for (const f of files) {
    if (f.error && !f.result) {
      const at = f.error.line ? `${f.source}:${f.error.line}:${f.error.column}` : f.source;
      io.writeError(`error: cannot migrate ${at}: ${f.error.message}\n`);
      code = 2;
      continue;
    }
    const r = f.result!;
    if (options.dryRun) io.write(`// ${f.targetShown}\n${r.code}\n`);
    else if (f.written) {
      io.write(
        `${f.source} → ${f.targetShown} (${count(r.awaits, "await")} added, ${
          count(r.renames, "name")
        } changed)\n`,
      );
    } else {
      io.writeError(`error: ${f.error!.message}\n`);
      code = 2;
    }
    for (const n of r.notes) {
      io.write(`  ${f.source}:${n.line}:${n.column}: ${n.level}: ${n.message}\n`);
      if (n.level === "todo") code = Math.max(code, 1);
    }
  }
  const written = files.filter((f) => f.written && !f.result?.helperOnly);
  if (options.check !== false && written.length > 0) {
    io.write(`\nchecking the migrated scenarios (ringo flow check):\n`);
    const scenarios: ScenarioFile[] = written.map((f) => ({
      path: f.target,
      file: f.targetShown,
      root: commonRoot(files.filter((x) => x.written).map((x) => x.target)),
    }));
    const ok = await checkScenarios(scenarios, {
      grants: {},
      write: io.write,
      writeError: io.writeError,
    });
    if (!ok) code = Math.max(code, 1);
  }
  return code;
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

/** The deepest folder holding every path (helpers of the run are imported from it). */
function commonRoot(paths: string[]): string {
  const parts = paths.map((p) => p.split("/").slice(0, -1));
  const first = parts[0] ?? [];
  let n = first.length;
  for (const p of parts) {
    let i = 0;
    while (i < n && p[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n).join("/") || "/";
}

const stdout: Writer = (text) => writeAll(Deno.stdout, text);
const stderr: Writer = (text) => writeAll(Deno.stderr, text);

function writeAll(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  let bytes = new TextEncoder().encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(stream.writeSync(bytes));
}
