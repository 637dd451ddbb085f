/**
 * Paths of what a run writes: folder names made from scenario, file and
 * agent names (which a scenario chooses, so they may be `..` or hold
 * slashes), proven to stay inside their output folder, and the checks of
 * `--junit`, `--save-audio` and `--pcap` made before any scenario runs, so
 * that an unwritable place is a usage error rather than a lost report.
 *
 * @module
 */
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { RingoError } from "../core/errors.ts";

/** Longest folder name made from a name. */
const MAX_SEGMENT = 80;

/**
 * `name` as one safe path segment: runs of other characters than letters,
 * digits, `.`, `_` and `-` become `-`, leading dots become `_` (so never
 * `.` or `..`), and a long name is cut with a hash of the whole.
 *
 * @example
 * ```ts
 * safeSegment("A calls B"); // "A-calls-B"
 * safeSegment(".."); // "_"
 * safeSegment("../../etc"); // "_-etc"
 * ```
 */
export function safeSegment(name: string): string {
  let segment = name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "")
    .replace(/^\.+/, "_");
  if (segment === "") segment = "_";
  if (segment.length > MAX_SEGMENT) segment = `${segment.slice(0, MAX_SEGMENT - 9)}-${hash(name)}`;
  return segment;
}

const taken = new Map<string, string>();

/**
 * {@link safeSegment} of `name`, made unique within `scope` (a parent
 * folder) for this process: a second name that gives the same segment
 * (`A calls B` and `A-calls-B`) gets `-2`, `-3`… The same name always gives
 * the same segment.
 *
 * @example
 * ```ts
 * uniqueSegment("/out", "a b"); // "a-b"
 * uniqueSegment("/out", "a-b"); // "a-b-2"
 * ```
 */
export function uniqueSegment(scope: string, name: string): string {
  const base = safeSegment(name);
  for (let n = 1;; n++) {
    const segment = n === 1 ? base : `${base}-${n}`;
    const key = `${scope}\0${segment}`;
    const owner = taken.get(key);
    if (owner === undefined) taken.set(key, name);
    if (owner === undefined || owner === name) return segment;
  }
}

/**
 * The folder names of a scenario's output below an output folder: its
 * file's, then its own (`--save-audio DIR/<file>/<scenario>/<agent>/`,
 * `--pcap DIR/<file>/<scenario>.pcap`).
 *
 * @example
 * ```ts
 * outputSegments("flows/call.ts", "A calls B"); // ["flows-call.ts", "A-calls-B"]
 * ```
 */
export function outputSegments(file: string, scenario: string): [string, string] {
  const fileSegment = uniqueSegment("", file);
  return [fileSegment, uniqueSegment(fileSegment, scenario)];
}

/**
 * A scenario's output folder as a reader of a finished run finds it
 * (`ringo flow serve`'s archive): `<file>/<scenario>` by
 * {@link safeSegment}. The run itself writes with {@link outputSegments},
 * which is the same unless two names of one run give the same segment.
 *
 * @example
 * ```ts
 * scenarioFolder("flows/call.ts", "A calls B"); // "flows-call.ts/A-calls-B"
 * ```
 */
export function scenarioFolder(file: string, scenario: string): string {
  return `${safeSegment(file)}/${safeSegment(scenario)}`;
}

/**
 * `root` joined with `segments`, after proving the result lies inside
 * `root`; throws otherwise (a bug: segments come from {@link safeSegment}).
 *
 * @example
 * ```ts
 * insideFolder("ringo-audio", ["call.ts", "A-calls-B", "A"]); // "ringo-audio/call.ts/A-calls-B/A"
 * insideFolder("ringo-audio", [".."]); // throws
 * ```
 */
export function insideFolder(root: string, segments: string[]): string {
  const path = join(root, ...segments);
  const rel = relative(resolve(root), resolve(path));
  if (segments.length > 0 && (rel === "" || rel.startsWith("..") || isAbsolute(rel))) {
    throw new RingoError(`internal: ${JSON.stringify(segments.join("/"))} leaves ${root}`);
  }
  return path;
}

/**
 * Checks before the run that `path` (the file of `flag`) can be written:
 * its folder exists or can be made, it is not a folder itself, and a file
 * can be created beside it. Makes the missing folders.
 *
 * @throws {RingoError} one sentence naming the flag, the path and the cause.
 */
export async function checkOutputFile(flag: string, path: string): Promise<void> {
  const stat = await statOrUndefined(path);
  if (stat?.isDirectory) {
    throw new RingoError(`${flag} ${path}: that is a folder, not a file`, {
      hint: `name a file, e.g. ${join(path, "report.xml")}`,
    });
  }
  await checkOutputFolder(flag, dirname(path), path);
  if (stat) {
    try {
      (await Deno.open(path, { write: true })).close();
    } catch (error) {
      throw new RingoError(`${flag} ${path}: cannot write it (${reason(error)})`);
    }
  }
}

/**
 * Checks before the run that files can be written in folder `dir` (of
 * `flag`), making it (and its parents) when missing.
 *
 * @throws {RingoError} one sentence naming the flag, the path and the cause.
 */
export async function checkOutputFolder(flag: string, dir: string, shown = dir): Promise<void> {
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (error) {
    const blocker = await fileOnTheWay(dir);
    throw new RingoError(
      blocker
        ? `${flag} ${shown}: ${blocker} is a file, not a folder`
        : `${flag} ${shown}: cannot make the folder ${dir} (${reason(error)})`,
    );
  }
  try {
    const probe = await Deno.makeTempFile({ dir, prefix: ".ringo-write-check-" });
    await Deno.remove(probe);
  } catch (error) {
    throw new RingoError(`${flag} ${shown}: cannot write in ${dir} (${reason(error)})`);
  }
}

/**
 * Where a report goes when its own place failed at the end of the run: a
 * file named after it in the system's temp folder, with this process's id.
 *
 * @example
 * ```ts
 * fallbackPath("reports/flow.xml"); // "/tmp/ringo-12345-flow.xml"
 * ```
 */
export function fallbackPath(path: string): string {
  const base = path.split(/[\\/]/).filter(Boolean).at(-1) ?? "report";
  return join(Deno.env.get("TMPDIR") || "/tmp", `ringo-${Deno.pid}-${safeSegment(base)}`);
}

/** An error's cause in a few words: `permission denied`, `no space left on device`. */
export function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\(os error \d+\)/, "").replace(/:.*$/, "").trim().toLowerCase() ||
    "unknown error";
}

async function statOrUndefined(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.stat(path);
  } catch {
    return undefined;
  }
}

/** The first ancestor of `dir` (or itself) that exists and is not a folder. */
async function fileOnTheWay(dir: string): Promise<string | undefined> {
  for (let d = resolve(dir);; d = dirname(d)) {
    const stat = await statOrUndefined(d);
    if (stat) return stat.isDirectory ? undefined : d;
    if (dirname(d) === d) return undefined;
  }
}

/** 8 hex digits of FNV-1a over `text`. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}
