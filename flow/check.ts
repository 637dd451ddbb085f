/**
 * `ringo flow check`: type-check scenario files with `deno check` (when a
 * deno binary is at hand), then load them in their sandboxes without
 * starting agents and list their scenarios with tags.
 *
 * @module
 */
import type { ScenarioFile } from "./discover.ts";
import type { Writer } from "./report/events.ts";
import {
  type ListedFile,
  listScenarioFiles,
  LoadFailure,
  type LoadOptions,
  planScenarios,
} from "./listing.ts";
import { typeCheck } from "./typecheck.ts";

/** Options of {@link checkScenarios}. */
export interface CheckOptions extends LoadOptions {
  /** One JSON object per scenario instead of the listing. */
  json?: boolean;
  /** Only errors. */
  quiet?: boolean;
  write: Writer;
  writeError: Writer;
}

/**
 * Type-checks and lists `files`; returns false when a file does not check
 * or does not load (the errors are written to `writeError`).
 *
 * @example
 * ```ts
 * const ok = await checkScenarios(files, { grants: {}, write: console.log, writeError: console.error });
 * ```
 */
export async function checkScenarios(
  files: ScenarioFile[],
  options: CheckOptions,
): Promise<boolean> {
  const ok = await typeCheckFiles(files, options);
  let listed: ListedFile[] = [];
  try {
    listed = await listScenarioFiles(files, options);
  } catch (error) {
    if (!(error instanceof LoadFailure)) throw error;
    for (const { file, failure } of error.failures) {
      const loc = failure.location;
      const at = loc ? `${loc.file}:${loc.line}${loc.column ? `:${loc.column}` : ""}` : file;
      options.writeError(
        `error: cannot load ${at}\n  ${failure.message.replaceAll("\n", "\n  ")}\n`,
      );
    }
    return false;
  }
  const planned = planScenarios(listed);
  if (options.json) {
    for (const s of planned) {
      options.write(`${
        JSON.stringify({
          type: "scenario",
          file: s.file,
          name: s.name,
          tags: s.tags,
          ...(s.skip !== undefined ? { skip: s.skip } : {}),
          ...(s.only ? { only: true } : {}),
        })
      }\n`);
    }
    return ok;
  }
  if (options.quiet) return ok;
  for (const file of listed) {
    options.write(`${file.file}${file.plain ? " (one scenario: the whole file)" : ""}\n`);
    for (const s of planned.filter((p) => p.source === file)) {
      const tags = s.tags.length > 0 ? ` [${s.tags.join(", ")}]` : "";
      const marks = [
        s.skip ? `skip${typeof s.skip === "string" ? `: ${s.skip}` : ""}` : "",
        s.only ? "only" : "",
      ].filter(Boolean);
      options.write(`  ${s.name}${tags}${marks.length ? ` (${marks.join(", ")})` : ""}\n`);
    }
  }
  const n = planned.length;
  options.write(
    `\n${n} scenario${n === 1 ? "" : "s"} in ${listed.length} file${
      listed.length === 1 ? "" : "s"
    }\n`,
  );
  return ok;
}

async function typeCheckFiles(files: ScenarioFile[], options: CheckOptions): Promise<boolean> {
  const result = await typeCheck(files, options.grants);
  if ("skipped" in result) {
    if (!options.quiet) options.writeError(`note: ${result.skipped}\n`);
    return true;
  }
  if (!result.ok) options.writeError(result.errors);
  return result.ok;
}
