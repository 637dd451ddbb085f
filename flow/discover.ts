/**
 * Which files a run loads: files named on the command line as they are,
 * and in folders every `*.ts` (recursively) that imports `@ringo/flow`,
 * except helper modules whose names start with `_` (shared code of the
 * scenarios beside them, e.g. `_accounts.ts`).
 *
 * @module
 */
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { RingoError } from "../core/errors.ts";

/** A path on the command line does not exist, or names nothing to run. */
export class DiscoveryError extends RingoError {}

/** One scenario file. */
export interface ScenarioFile {
  /** Absolute path. */
  path: string;
  /** As reports show it: relative to the current folder when inside it. */
  file: string;
  /**
   * The folder the scenario may read (and import helper modules from): the
   * folder given on the command line it was found in, or its own folder.
   */
  root: string;
}

const IMPORTS_FLOW = /(?:from|import)\s*\(?\s*["']@ringo\/flow(?:\/[^"']*)?["']/;
const SKIPPED_DIRS = new Set(["node_modules", ".git", ".tools", "dist", "coverage"]);

/**
 * Finds the scenario files for `paths` (default: the current folder),
 * sorted by path within each folder, without duplicates.
 *
 * @example
 * ```ts
 * await discoverScenarios(["examples/loopback"]);
 * // [{ path: "/…/examples/loopback/call.ts", file: "examples/loopback/call.ts" }, …]
 * ```
 */
export async function discoverScenarios(
  paths: readonly string[],
  cwd = Deno.cwd(),
): Promise<ScenarioFile[]> {
  const found: ScenarioFile[] = [];
  const seen = new Set<string>();
  const add = (path: string, root: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    found.push({ path, file: displayPath(path, cwd), root });
  };
  for (const given of paths.length > 0 ? paths : ["."]) {
    const path = resolve(cwd, given);
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch {
      throw new DiscoveryError(`no such file or folder: ${given}`);
    }
    if (info.isFile) {
      add(path, dirname(path));
      continue;
    }
    const before = found.length;
    for (const file of await scenarioFilesIn(path)) add(file, path);
    if (found.length === before) {
      throw new DiscoveryError(`no scenario files in ${given}`, {
        hint: 'a scenario file is a .ts file that imports "@ringo/flow"',
      });
    }
  }
  return found;
}

/**
 * Gives every file the folder `root` to read and import helper modules
 * from (`--root`), instead of the folder it was found in; `root` must
 * contain them all. Which scenarios run (and what `only` focuses on) is
 * still decided by the paths given.
 *
 * @example
 * ```ts
 * // ringo flow run flows/smoke --root flows: flows/smoke/call.ts may import flows/lib/pbx.ts
 * withRoot(await discoverScenarios(["flows/smoke"]), "flows");
 * ```
 */
export function withRoot(
  files: readonly ScenarioFile[],
  root: string,
  cwd = Deno.cwd(),
): ScenarioFile[] {
  const dir = resolve(cwd, root);
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(dir);
  } catch {
    throw new DiscoveryError(`--root ${root}: no such folder`);
  }
  if (!info.isDirectory) throw new DiscoveryError(`--root ${root}: not a folder`);
  return files.map((f) => {
    const rel = relative(dir, f.path);
    if (rel.startsWith("..") || isAbsolute(rel)) {
      throw new DiscoveryError(`--root ${root} does not contain ${f.file}`, {
        hint: "give a folder that holds every scenario of the run and the helpers they import",
      });
    }
    return { ...f, root: dir };
  });
}

/**
 * The path as reports show it: relative to `cwd` when inside it, else absolute.
 *
 * @example
 * ```ts
 * displayPath("/work/flows/call.ts", "/work"); // "flows/call.ts"
 * displayPath("/tmp/call.ts", "/work"); // "/tmp/call.ts"
 * ```
 */
export function displayPath(path: string, cwd = Deno.cwd()): string {
  const rel = relative(cwd, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

/**
 * The files below `dir` that `accept` takes, sorted by name within each
 * folder, recursively. By default hidden folders and `node_modules`,
 * `.git`, `dist`… are not entered; `enter` decides instead where every
 * folder counts (a run's own output).
 *
 * @example
 * ```ts
 * await filesBelow("scenarios", (name) => name.endsWith(".js")); // ["/…/scenarios/a.js", …]
 * await filesBelow("run/audio", (name) => name.endsWith(".wav"), () => true);
 * ```
 */
export async function filesBelow(
  dir: string,
  accept: (name: string, path: string) => boolean | Promise<boolean>,
  enter: (name: string) => boolean = isSourceFolder,
): Promise<string[]> {
  const entries: Deno.DirEntry[] = [];
  for await (const entry of Deno.readDir(dir)) entries.push(entry);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) {
      if (enter(entry.name)) files.push(...await filesBelow(path, accept, enter));
    } else if (entry.isFile && await accept(entry.name, path)) {
      files.push(path);
    }
  }
  return files;
}

function isSourceFolder(name: string): boolean {
  return !name.startsWith(".") && !SKIPPED_DIRS.has(name);
}

function scenarioFilesIn(dir: string): Promise<string[]> {
  return filesBelow(dir, async (name, path) => isScenarioName(name) && await importsFlow(path));
}

function isScenarioName(name: string): boolean {
  return /\.(ts|mts)$/.test(name) && !name.startsWith("_") && !name.endsWith(".d.ts") &&
    !/[._]test\.m?ts$/.test(name);
}

async function importsFlow(path: string): Promise<boolean> {
  try {
    return IMPORTS_FLOW.test(await Deno.readTextFile(path));
  } catch {
    return false;
  }
}
