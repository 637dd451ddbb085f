/**
 * Helpers for the flow end-to-end tests: run `ringo flow …` as a user
 * would (a deno subprocess), in temp folders of scenario files.
 *
 * @module
 */
import { join } from "node:path";
import { RINGO_DENO_FLAGS } from "../../.ci/deno_flags.ts";

/** The repository root. */
export const REPO = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

/** `deno run` with the flags ringo needs (the one list of `.ci/deno_flags.ts`). */
export const DENO_FLAGS = ["run", ...RINGO_DENO_FLAGS];

/** The ringo entry and the arguments before `run|check|init`. */
const ENTRY = [join(REPO, "main.ts"), "flow"];

/** What a finished run printed and returned. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `ringo flow <args…>` to the end. */
export async function ringoFlow(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<RunResult> {
  const output = await command(args, options).output();
  return {
    code: output.code,
    stdout: new TextDecoder().decode(output.stdout),
    stderr: new TextDecoder().decode(output.stderr),
  };
}

/** A `ringo flow <args…>` process to spawn (for signal tests). */
export function command(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: [...DENO_FLAGS, ...ENTRY, ...args],
    cwd: options.cwd ?? REPO,
    env: { NO_COLOR: "1", RUST_BACKTRACE: "0", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

/** A temp folder holding `files` (name → text), removed on dispose. */
export async function scenarioDir(
  files: Record<string, string>,
): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "ringo-flow-e2e-" });
  for (const [name, text] of Object.entries(files)) {
    const file = join(path, name);
    await Deno.mkdir(join(file, ".."), { recursive: true });
    await Deno.writeTextFile(file, text);
  }
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }),
  };
}

/** The last non-empty line of `text`. */
export function lastLine(text: string): string {
  return text.trimEnd().split("\n").at(-1) ?? "";
}

/** Each line of NDJSON output, parsed. */
export function parseNdjson(text: string): Array<Record<string, unknown>> {
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
}

/** Pids of live baresip processes whose parent is `pid`. */
export function baresipChildren(pid: number): number[] {
  const found: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const afterName = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const [state, ppid] = [afterName[0], Number(afterName[1])];
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      if (ppid === pid && comm === "baresip" && state !== "Z") found.push(Number(entry.name));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** True while process `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/**
 * Reads `stream` line by line until `predicate` holds for a line; returns
 * that line and a promise of the rest of the text.
 */
export async function readUntil(
  stream: ReadableStream<Uint8Array>,
  predicate: (line: string) => boolean,
): Promise<{ line: string; seen: string; rest: Promise<string> }> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let seen = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before the expected line; got:\n${seen}${buffer}`);
    buffer += value;
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      seen += `${line}\n`;
      if (predicate(line)) {
        const rest = (async () => {
          let text = buffer;
          for (;;) {
            const chunk = await reader.read();
            if (chunk.done) return text;
            text += chunk.value;
          }
        })();
        return { line, seen, rest };
      }
    }
  }
}

/** A two-party loopback call as a plain script, passing. */
export const PASSING_CALL = `import { agent, expect, State, until } from "@ringo/flow";
const a = await agent("A");
const b = await agent("B");
await a.dial(b);
await until(() => expect(b.state).toBe(State.Ringing), "10s");
await b.accept();
await until(() => expect(a.state).toBe(State.Established));
await a.hangup();
await until(() => expect(b.state).toBe(State.Idle));
`;
