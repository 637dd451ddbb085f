/**
 * What `ringo phone history` does: print or export a profile's calls (or
 * every profile's, or the messages), newest first, and import the original
 * ringo's JSON-lines `call_history`.
 *
 * @module
 */
import { consoleOutput, type Output, reportFailure } from "./output.ts";
import { basename, dirname } from "node:path";
import { HistoryError } from "./errors.ts";
import { type CallRecord, HistoryStore, type MessageRecord } from "./history.ts";
import { ensurePrivateDir, phonePaths } from "./paths.ts";

/** Options of {@link showHistory}. */
export interface ShowHistoryOptions {
  /** One profile; all when undefined. */
  profile?: string;
  json?: boolean;
  limit?: number;
  /** The messages instead of the calls. */
  messages?: boolean;
  env?: Record<string, string | undefined>;
}

/**
 * `ringo phone history [<name>] [--json] [--limit N] [--messages]`.
 *
 * @example
 * ```ts
 * await showHistory({ profile: "work", limit: 20 });
 * ```
 */
export async function showHistory(
  options: ShowHistoryOptions,
  output: Output = consoleOutput,
): Promise<number> {
  try {
    const paths = phonePaths(options.env);
    await ensurePrivateDir(paths.dataDir);
    await using history = await HistoryStore.open(paths.historyDb);
    if (options.messages) {
      const messages = await history.messages(options.profile, { limit: options.limit });
      if (options.json) output.out(JSON.stringify(messages, null, 2));
      else if (messages.length === 0) output.out("no messages yet");
      else for (const m of messages) output.out(formatMessage(m, options.profile === undefined));
      return 0;
    }
    const calls = await history.calls(options.profile, { limit: options.limit });
    if (options.json) output.out(JSON.stringify(calls, null, 2));
    else if (calls.length === 0) {
      output.out(options.profile ? `no calls of "${options.profile}" yet` : "no calls yet");
    } else for (const c of calls) output.out(formatCall(c, options.profile === undefined));
    return 0;
  } catch (error) {
    return reportFailure(error, output);
  }
}

/**
 * `ringo phone history import <file> [--profile NAME]`: the profile is
 * taken from the file's place (`profiles/<name>/call_history`) unless given.
 */
export async function importHistory(
  options: { file: string; profile?: string; env?: Record<string, string | undefined> },
  output: Output = consoleOutput,
): Promise<number> {
  try {
    const profile = options.profile ?? profileFromPath(options.file);
    if (!profile) {
      throw new HistoryError(`which profile is ${options.file} of?`, {
        hint: "name it: ringo phone history import FILE --profile NAME",
      });
    }
    let text: string;
    try {
      text = await Deno.readTextFile(options.file);
    } catch (error) {
      throw new HistoryError(
        `cannot read ${options.file}: ${(error as Error).message.split(":")[0]}`,
      );
    }
    const paths = phonePaths(options.env);
    await ensurePrivateDir(paths.dataDir);
    await using history = await HistoryStore.open(paths.historyDb);
    const report = await history.importJsonl(text, profile);
    for (const s of report.skipped) {
      output.err(`ringo: warning: ${options.file}:${s.line}: ${s.reason}; skipped`);
    }
    output.out(
      `imported ${report.imported} call${report.imported === 1 ? "" : "s"} into "${profile}"` +
        (report.alreadyThere ? ` (${report.alreadyThere} already there)` : "") +
        (report.skipped.length
          ? `, skipped ${report.skipped.length} line${report.skipped.length === 1 ? "" : "s"}`
          : ""),
    );
    return 0;
  } catch (error) {
    return reportFailure(error, output);
  }
}

/** One call as a line: time, direction, peer, outcome, duration, reason. */
export function formatCall(c: CallRecord, withProfile: boolean): string {
  const arrow = c.direction === "outgoing" ? "→" : "←";
  const peer = c.contact
    ? `${c.contact} (${c.number})`
    : c.displayName
    ? `${c.displayName} (${c.number})`
    : c.peer;
  const how = c.outcome === "answered" ? clock(c.durationSecs) : c.outcome.replace("_", " ");
  const reason = c.reason && c.outcome !== "answered" ? `  ${c.reason}` : "";
  const views = (c.headerViews ?? []).map((v) => `  ${v.label}: ${v.value}`).join("");
  return `${localTime(c.startedAt)}  ${
    withProfile ? `${c.profile}  ` : ""
  }${arrow} ${peer}  ${how}${reason}${views}`;
}

/** One message as a line. */
export function formatMessage(m: MessageRecord, withProfile: boolean): string {
  const arrow = m.direction === "outgoing" ? "→" : "←";
  const peer = m.contact ? `${m.contact} (${m.peer})` : m.peer;
  const answer = m.statusCode && m.statusCode >= 300 ? `  [${m.statusCode}]` : "";
  return `${localTime(m.at)}  ${withProfile ? `${m.profile}  ` : ""}${arrow} ${peer}: ${
    m.body.replaceAll("\n", " ⏎ ")
  }${answer}`;
}

/** `profiles/<name>/call_history` → `<name>`. */
export function profileFromPath(file: string): string | undefined {
  return basename(file) === "call_history" && basename(dirname(dirname(file))) === "profiles"
    ? basename(dirname(file))
    : undefined;
}

function clock(secs: number): string {
  const h = Math.floor(secs / 3600);
  const m = Math.floor((secs % 3600) / 60);
  const s = secs % 60;
  return `${h > 0 ? `${h}:` : ""}${String(m).padStart(h > 0 ? 2 : 1, "0")}:${
    String(s).padStart(2, "0")
  }`;
}

function localTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${
    p(d.getMinutes())
  }:${p(d.getSeconds())}`;
}
