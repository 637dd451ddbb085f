/**
 * The listing pass of a run (and all of `ringo flow check`): every scenario
 * file is loaded in its sandbox in list mode — `agent()`, `until()` and
 * `wait()` stop a plain script there, so no agent starts — to learn what
 * it declares, or that it does not load.
 *
 * @module
 */
import { RingoError } from "../core/errors.ts";
import type { ScenarioFile } from "./discover.ts";
import { ScenarioEnv } from "./env.ts";
import { type DeclaredScenario, implicitScenarioName, type WireFailure } from "./protocol.ts";
import { sandboxSpec, ScenarioWorker } from "./sandbox/host.ts";
import type { SandboxPool, SandboxSpec } from "./sandbox/pool.ts";
import type { SandboxGrants } from "./sandbox/permissions.ts";
import type { ScenarioEntry } from "./select.ts";

/** One or more scenario files could not be loaded (syntax error, missing import…). */
export class LoadFailure extends RingoError {
  readonly failures: Array<{ file: string; failure: WireFailure }>;
  constructor(failures: Array<{ file: string; failure: WireFailure }>) {
    const first = failures[0];
    const where = first.failure.location
      ? `${first.failure.location.file}:${first.failure.location.line}${
        first.failure.location.column ? `:${first.failure.location.column}` : ""
      }`
      : first.file;
    super(`cannot load ${where}: ${first.failure.message.split("\n")[0]}`);
    this.failures = failures;
  }
}

/** What every pass needs to load files. */
export interface LoadOptions {
  /** `--env-file`. */
  envFile?: string | readonly string[];
  grants: SandboxGrants;
  /** The environment `env()` falls back to; default the process's. */
  processEnv?: Record<string, string | undefined>;
  /** Longest run of a file's top-level code (`--timeout`); default 30 s. */
  loadTimeoutMs?: number;
  /** Heap limit of each scenario file's thread in MiB (`--memory-limit`). */
  memoryLimitMb?: number;
  /** Sandboxes started ahead (see sandbox/pool.ts); default: each started when needed. */
  pool?: SandboxPool;
  /** Sandboxes the pool should hold for after the listing (the first files to run). */
  keepAhead?: SandboxSpec[];
}

/** A loaded file and what it declares. */
export interface ListedFile extends ScenarioFile {
  /** True for a file without `scenario()` calls: it is one scenario itself. */
  plain: boolean;
  scenarios: DeclaredScenario[];
}

/** One scenario, as selection and the run see it. */
export interface PlannedScenario extends ScenarioEntry {
  source: ListedFile;
  /** Its index among the file's declared scenarios (unused for plain files). */
  index: number;
  timeoutMs?: number;
  /** It may run in its own sandbox beside the file's other scenarios (with `--jobs` > 1). */
  concurrent?: boolean;
}

/** Files listed at once: a sandbox's start is mostly waiting (see sandbox/pool.ts). */
export const LIST_CONCURRENCY = 8;

/**
 * Loads each file in list mode and returns what it declares. Throws
 * {@link LoadFailure} naming every file that does not load.
 *
 * @example
 * ```ts
 * const listed = await listScenarioFiles(await discoverScenarios(["examples/loopback"]), { grants: {} });
 * listed[0].scenarios; // [{ name: "two-party call", tags: ["loopback"] }, …]
 * ```
 */
export async function listScenarioFiles(
  files: ScenarioFile[],
  options: LoadOptions,
): Promise<ListedFile[]> {
  const results: ListedFile[] = new Array(files.length);
  const failures: Array<{ file: string; failure: WireFailure }> = [];
  let next = 0;
  const lane = async () => {
    while (next < files.length) {
      const i = next++;
      const file = files[i];
      const sandbox = options.pool?.take(specOf(file, options));
      options.pool?.prepare([
        ...files.slice(next, next + LIST_CONCURRENCY).map((f) => specOf(f, options)),
        ...options.keepAhead ?? [],
      ]);
      const worker = ScenarioWorker.open({
        ...file,
        sandbox,
        mode: "list",
        grants: options.grants,
        env: await loadEnv(file, options),
        loadTimeoutMs: options.loadTimeoutMs,
        memoryLimitMb: options.memoryLimitMb,
      });
      try {
        const loaded = await worker.loaded;
        if (loaded.kind === "listed") {
          results[i] = { ...file, plain: loaded.plain, scenarios: loaded.scenarios };
        } else if (loaded.kind === "load-error") {
          failures.push({ file: file.file, failure: loaded.failure });
        }
      } finally {
        await worker.close();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(LIST_CONCURRENCY, files.length) }, lane));
  if (failures.length > 0) {
    failures.sort((a, b) =>
      files.findIndex((f) => f.file === a.file) - files.findIndex((f) => f.file === b.file)
    );
    throw new LoadFailure(failures);
  }
  return results;
}

/**
 * The scenarios of `listed`, each plain file being one scenario named after it.
 *
 * @example
 * ```ts
 * planScenarios(listed).map((s) => `${s.file} › ${s.name}`);
 * ```
 */
export function planScenarios(listed: ListedFile[]): PlannedScenario[] {
  return listed.flatMap((source) =>
    source.plain
      ? [{ source, index: 0, file: source.file, name: implicitScenarioName(source.file), tags: [] }]
      : source.scenarios.map((s, index) => ({
        source,
        index,
        file: source.file,
        name: s.name,
        tags: s.tags,
        ...(s.skip !== undefined ? { skip: s.skip } : {}),
        ...(s.only !== undefined ? { only: s.only } : {}),
        ...(s.timeoutMs !== undefined ? { timeoutMs: s.timeoutMs } : {}),
        ...(s.concurrent ? { concurrent: true } : {}),
      }))
  );
}

/** The sandbox `file` needs under `options`. */
export function specOf(file: ScenarioFile, options: LoadOptions): SandboxSpec {
  return sandboxSpec({ ...file, grants: options.grants, memoryLimitMb: options.memoryLimitMb });
}

/** The layered environment of one scenario file. */
export function loadEnv(file: ScenarioFile, options: LoadOptions): Promise<ScenarioEnv> {
  return ScenarioEnv.load({
    scenarioFile: file.file,
    envFile: options.envFile,
    processEnv: options.processEnv ?? Deno.env.toObject(),
  });
}
