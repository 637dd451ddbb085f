/**
 * `ringo flow migrate` over files and folders: finds ringo-flow's
 * JavaScript scenarios, names each `@ringo/flow` file (`call.js` →
 * `call.ts`; a file of helpers only → `_helpers.ts`, so `flow run` does not
 * take it for a scenario), points relative imports between them at the
 * new names, and writes them beside the sources or below `--out`.
 *
 * @module
 */
import { basename, dirname, extname, join, relative, resolve } from "node:path";
import { RingoError } from "../../core/errors.ts";
import { displayPath, filesBelow } from "../discover.ts";
import { migrateSource, type MigrationResult, MigrationSyntaxError } from "./rewrite.ts";

/** Options of {@link migrateFiles}. */
export interface MigrateFilesOptions {
  /** Write below this folder (keeping each file's place below the path it was found in). */
  out?: string;
  /** Overwrite files that exist. */
  force?: boolean;
  /** Do not write: return the code only. */
  dryRun?: boolean;
  cwd?: string;
}

/** What became of one source file. */
export interface MigratedFile {
  /** The source, as reports show it. */
  source: string;
  /** The `@ringo/flow` file, absolute. */
  target: string;
  /** The target as reports show it. */
  targetShown: string;
  /** The rewrite (absent when the source does not parse). */
  result?: MigrationResult;
  /** Why nothing was written: a syntax error, an existing target. */
  error?: { message: string; line?: number; column?: number };
  written: boolean;
}

/** A path names no ringo-flow scenario. */
export class MigrateError extends RingoError {}

const SOURCE = /\.(m?js|cjs)$/;

/**
 * Migrates every ringo-flow scenario in `paths` (files, or folders: every
 * `*.js`/`*.mjs` below them).
 *
 * @example
 * ```ts
 * for (const f of await migrateFiles(["scenarios/"])) console.log(f.source, "→", f.targetShown);
 * ```
 */
export async function migrateFiles(
  paths: readonly string[],
  options: MigrateFilesOptions = {},
): Promise<MigratedFile[]> {
  const cwd = options.cwd ?? Deno.cwd();
  const sources = await findSources(paths, cwd);
  const texts = new Map<string, string>();
  for (const s of sources) texts.set(s.path, await Deno.readTextFile(s.path));
  // First pass: which files hold helpers only (their names get a leading `_`).
  const targets = new Map<string, string>();
  for (const s of sources) {
    let helper = false;
    try {
      helper = migrateSource(texts.get(s.path)!).helperOnly;
    } catch {
      // reported by the second pass
    }
    targets.set(s.path, targetPath(s, helper, options.out, cwd));
  }
  // Functions that turn async in one file are awaited where others import
  // them: repeat until no file adds one (a chain of helpers).
  const asyncExports = new Map<string, Set<string>>();
  const importedAsync = (from: string) => (spec: string, name: string) =>
    asyncExports.get(resolve(dirname(from), spec))?.has(name) ?? false;
  for (let changed = true, round = 0; changed && round < sources.length + 1; round++) {
    changed = false;
    for (const s of sources) {
      let names: string[] = [];
      try {
        names = migrateSource(texts.get(s.path)!, { importedAsync: importedAsync(s.path) })
          .asyncExports;
      } catch {
        continue;
      }
      const known = asyncExports.get(s.path) ?? new Set();
      if (names.some((n) => !known.has(n))) {
        asyncExports.set(s.path, new Set([...known, ...names]));
        changed = true;
      }
    }
  }
  const out: MigratedFile[] = [];
  for (const s of sources) {
    const target = targets.get(s.path)!;
    const shown = displayPath(target, cwd);
    const source = displayPath(s.path, cwd);
    const base: Omit<MigratedFile, "written"> = { source, target, targetShown: shown };
    let result: MigrationResult;
    try {
      result = migrateSource(texts.get(s.path)!, {
        sourceName: basename(s.path),
        mapImport: (spec) => mapImport(spec, s.path, target, targets),
        importedAsync: importedAsync(s.path),
      });
    } catch (error) {
      if (!(error instanceof MigrationSyntaxError)) throw error;
      out.push({
        ...base,
        error: { message: error.message, line: error.line, column: error.column },
        written: false,
      });
      continue;
    }
    if (!options.dryRun) {
      await Deno.mkdir(dirname(target), { recursive: true });
      try {
        await Deno.writeTextFile(target, result.code, { createNew: !options.force });
      } catch (error) {
        if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
        out.push({
          ...base,
          result,
          error: { message: `${shown} exists (use --force to overwrite it)` },
          written: false,
        });
        continue;
      }
    }
    out.push({ ...base, result, written: !options.dryRun });
  }
  return out;
}

interface Source {
  path: string;
  /** The folder given on the command line it was found in (or its own folder). */
  base: string;
}

async function findSources(paths: readonly string[], cwd: string): Promise<Source[]> {
  const found: Source[] = [];
  for (const given of paths.length > 0 ? paths : ["."]) {
    const path = resolve(cwd, given);
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch {
      throw new MigrateError(`no such file or folder: ${given}`);
    }
    if (info.isFile) {
      if (!SOURCE.test(path)) {
        throw new MigrateError(`${given} is not a JavaScript file`, {
          hint: "ringo flow migrate rewrites ringo-flow's .js scenarios",
        });
      }
      found.push({ path, base: dirname(path) });
      continue;
    }
    const before = found.length;
    for (const file of await filesBelow(path, (name) => SOURCE.test(name))) {
      found.push({ path: file, base: path });
    }
    if (found.length === before) throw new MigrateError(`no .js scenarios in ${given}`);
  }
  return found;
}

function targetPath(source: Source, helper: boolean, out: string | undefined, cwd: string): string {
  const name = basename(source.path, extname(source.path));
  const file = `${helper && !name.startsWith("_") ? "_" : ""}${name}.ts`;
  const dir = out
    ? join(resolve(cwd, out), relative(source.base, dirname(source.path)))
    : dirname(source.path);
  return join(dir, file);
}

/** A relative import of another migrated file points at its new name. */
function mapImport(
  spec: string,
  from: string,
  target: string,
  targets: ReadonlyMap<string, string>,
): string | { todo: string } {
  if (!spec.startsWith("./") && !spec.startsWith("../")) return spec;
  const imported = resolve(dirname(from), spec);
  const migrated = targets.get(imported);
  if (migrated) {
    const rel = relative(dirname(target), migrated);
    return rel.startsWith(".") ? rel : `./${rel}`;
  }
  if (SOURCE.test(spec)) {
    return {
      todo: `${spec} was not migrated with this file: migrate it too, or point the import at ` +
        "its TypeScript version",
    };
  }
  return spec;
}
