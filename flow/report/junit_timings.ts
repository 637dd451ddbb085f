/**
 * Scenario durations read back from JUnit XML reports (`--shard-timings`):
 * ringo's own (`classname` is the file, `name` the scenario) or any JUnit
 * file with that shape. Only `<testcase>` start tags are read, so reports
 * of other tools, with other elements around them, read too.
 *
 * @module
 */
import { join } from "node:path";
import { RingoError } from "../../core/errors.ts";
import { shardKey } from "../shard.ts";

/** A timings file is missing or holds no test case. */
export class TimingsError extends RingoError {}

/**
 * The durations (ms) of the test cases in `xml`, by `file › name`; a
 * scenario listed more than once keeps its longest time.
 *
 * @example
 * ```ts
 * parseJunitTimings('<testcase name="A calls B" classname="call.ts" time="2.5"/>');
 * // Map { "call.ts › A calls B" => 2500 }
 * ```
 */
export function parseJunitTimings(xml: string): Map<string, number> {
  const timings = new Map<string, number>();
  for (const match of xml.matchAll(/<testcase\b([^>]*)>/g)) {
    const attrs = readAttributes(match[1]);
    const time = Number(attrs.time);
    if (attrs.name === undefined || attrs.classname === undefined || !Number.isFinite(time)) {
      continue;
    }
    const key = shardKey({ file: attrs.classname, name: attrs.name });
    timings.set(key, Math.max(timings.get(key) ?? 0, time * 1000));
  }
  return timings;
}

/**
 * Reads every file of `paths` (a folder stands for the `.xml` files in it,
 * e.g. the reports of every shard of the last run) and merges their
 * durations. Throws {@link TimingsError} when a path is missing or nothing
 * holds a test case.
 *
 * @example
 * ```ts
 * const timings = await readJunitTimings(["last-run/"]);
 * ```
 */
export async function readJunitTimings(paths: readonly string[]): Promise<Map<string, number>> {
  const files: string[] = [];
  for (const path of paths) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch {
      throw new TimingsError(`--shard-timings ${path}: no such file or folder`);
    }
    if (!info.isDirectory) {
      files.push(path);
      continue;
    }
    for await (const entry of Deno.readDir(path)) {
      if (entry.isFile && entry.name.endsWith(".xml")) files.push(join(path, entry.name));
    }
  }
  const timings = new Map<string, number>();
  for (const file of files.sort()) {
    for (const [key, ms] of parseJunitTimings(await Deno.readTextFile(file))) {
      timings.set(key, Math.max(timings.get(key) ?? 0, ms));
    }
  }
  if (timings.size === 0) {
    throw new TimingsError(
      `--shard-timings ${paths.join(", ")}: no <testcase> with a name, classname and time`,
      { hint: "give the JUnit reports (--junit) of an earlier run" },
    );
  }
  return timings;
}

function readAttributes(text: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of text.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    attrs[m[1]] = unescapeXml(m[2] ?? m[3]);
  }
  return attrs;
}

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, code: string) => {
    switch (code) {
      case "amp":
        return "&";
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "quot":
        return '"';
      case "apos":
        return "'";
    }
    return String.fromCodePoint(
      code.startsWith("#x") ? parseInt(code.slice(2), 16) : Number(code.slice(1)),
    );
  });
}
