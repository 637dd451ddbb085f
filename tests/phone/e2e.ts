/**
 * Helpers for the phone's end-to-end tests: a private home (XDG folders in
 * a temp dir), `ringo …` run as a user would, headless sessions started
 * and stopped, and checks that nothing is left behind.
 *
 * @module
 */
import { join } from "node:path";
import { type PhonePaths, phonePaths } from "../../phone/paths.ts";
import { TEST_USERS } from "../pbx/pbx.ts";
import { baresipChildren, DENO_FLAGS, isAlive, readUntil, REPO } from "../flow/e2e.ts";

export { baresipChildren, isAlive };

/** JSON that `ringo … --json` printed: the assertions check its shape. */
// deno-lint-ignore no-explicit-any
export type Json = any;

/** What a finished `ringo` printed and returned. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A private set of XDG folders, removed on dispose. */
export interface PhoneHome extends AsyncDisposable {
  dir: string;
  env: Record<string, string>;
  paths: PhonePaths;
}

/** Makes a private home; `RINGO_BARESIP` and `PATH` pass through. */
export async function phoneHome(extraEnv: Record<string, string> = {}): Promise<PhoneHome> {
  const dir = await Deno.makeTempDir({ prefix: "ringo-phone-e2e-" });
  const runtime = join(dir, "run");
  await Deno.mkdir(runtime, { mode: 0o700 });
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: Deno.env.get("HOME") ?? dir,
    XDG_CONFIG_HOME: join(dir, "config"),
    XDG_DATA_HOME: join(dir, "data"),
    XDG_STATE_HOME: join(dir, "state"),
    XDG_RUNTIME_DIR: runtime,
    NO_COLOR: "1",
    ...pass("RINGO_BARESIP", "RINGO_BARESIP_MODULES", "DENO_DIR"),
    ...extraEnv,
  };
  return {
    dir,
    env,
    paths: phonePaths(env),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }).catch(() => {}),
  };
}

/** The `ringo` command with `args`, in `home`. */
export function ringoCommand(
  home: PhoneHome,
  args: readonly string[],
  options: { stdin?: boolean; env?: Record<string, string> } = {},
): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: [...DENO_FLAGS, join(REPO, "main.ts"), ...args],
    env: { ...home.env, ...options.env },
    clearEnv: true,
    stdin: options.stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  });
}

/** Runs `ringo args…` to its end (with `stdin` fed to it, when given). */
export async function ringo(
  home: PhoneHome,
  args: readonly string[],
  options: { stdin?: string; env?: Record<string, string> } = {},
): Promise<RunResult> {
  const child = ringoCommand(home, args, { stdin: options.stdin !== undefined, env: options.env })
    .spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const output = await child.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

/**
 * `ringo phone profile add` for test users of the PBX on `port` (their
 * passwords through `--password-stdin`), each with its extra flags.
 */
export async function addProfiles(
  home: PhoneHome,
  port: number,
  users: Partial<Record<keyof typeof TEST_USERS, readonly string[]>>,
): Promise<void> {
  for (const [user, flags] of Object.entries(users) as Array<[keyof typeof TEST_USERS, string[]]>) {
    const run = await ringo(home, [
      "phone",
      "profile",
      "add",
      user,
      "--username",
      user,
      "--domain",
      `127.0.0.1:${port}`,
      "--password-stdin",
      ...flags,
    ], { stdin: TEST_USERS[user] });
    if (run.code !== 0) throw new Error(`profile add ${user} exited ${run.code}: ${run.stderr}`);
  }
}

/** `caller` dials `callee`, which answers; resolves once the caller's call is established. */
export async function connect(home: PhoneHome, caller: string, callee: string): Promise<void> {
  await ctl(home, caller, "dial", callee);
  await ctl(home, callee, "wait", "ringing", "--timeout", "15s");
  await ctl(home, callee, "accept");
  await ctl(home, caller, "wait", "established");
}

/** `ringo control -t target args… --json`, parsed. */
export async function ctlJson(
  home: PhoneHome,
  target: string,
  ...args: string[]
): Promise<{ code: number; ok: boolean; data: Json; error: string | null; stderr: string }> {
  const run = await ringo(home, ["control", "-t", target, ...args, "--json"]);
  let parsed: { ok: boolean; data: unknown; error: string | null };
  try {
    parsed = JSON.parse(run.stdout);
  } catch {
    throw new Error(
      `ringo control ${
        args.join(" ")
      } printed no JSON (exit ${run.code}):\n${run.stdout}${run.stderr}`,
    );
  }
  return { code: run.code, ...parsed, stderr: run.stderr } as never;
}

/** `ringo control -t target args…`, asserting success; returns what it printed. */
export async function ctl(home: PhoneHome, target: string, ...args: string[]): Promise<string> {
  const run = await ringo(home, ["control", "-t", target, ...args]);
  if (run.code !== 0) {
    throw new Error(
      `ringo control -t ${target} ${args.join(" ")} exited ${run.code}: ${run.stderr}${run.stdout}`,
    );
  }
  return run.stdout.trim();
}

/** A `ringo phone start … --headless` running in the background. */
export class RunningSession implements AsyncDisposable {
  readonly profile: string;
  readonly child: Deno.ChildProcess;
  readonly pid: number;
  /** The session's stderr after the start line, once it has exited. */
  readonly rest: Promise<string>;
  readonly status: Promise<Deno.CommandStatus>;
  /** What it printed up to the start line. */
  readonly started: string;

  private constructor(
    profile: string,
    child: Deno.ChildProcess,
    started: string,
    rest: Promise<string>,
  ) {
    this.profile = profile;
    this.child = child;
    this.pid = child.pid;
    this.started = started;
    this.rest = rest;
    this.status = child.status;
  }

  /** Starts a session and resolves once it says it is up (its socket bound, its entry written). */
  static async start(
    home: PhoneHome,
    profile: string,
    extraArgs: readonly string[] = ["--headless"],
  ): Promise<RunningSession> {
    const child = ringoCommand(home, ["phone", "start", profile, ...extraArgs]).spawn();
    void child.stdout.cancel();
    try {
      const { seen, rest } = await readUntil(child.stderr, (line) => /is up as/.test(line));
      return new RunningSession(profile, child, seen, rest);
    } catch (error) {
      try {
        child.kill("SIGKILL");
      } catch {
        // gone
      }
      await child.status;
      throw error;
    }
  }

  /** The baresip processes of this session. */
  baresip(): number[] {
    return baresipChildren(this.pid);
  }

  /** Sends `signal` and waits for the exit; returns the exit status and all the session printed. */
  async stop(
    signal: Deno.Signal = "SIGTERM",
  ): Promise<{ status: Deno.CommandStatus; output: string }> {
    try {
      this.child.kill(signal);
    } catch {
      // already gone
    }
    return await this.exited();
  }

  /** Waits for the session to end by itself; returns the exit status and all it printed. */
  async exited(): Promise<{ status: Deno.CommandStatus; output: string }> {
    const status = await this.status;
    return { status, output: this.started + await this.rest };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!isAlive(this.pid)) {
      await this.status;
      await this.rest.catch(() => "");
      return;
    }
    await this.stop("SIGTERM");
  }
}

/** Every process's command line that mentions `text` (to prove a secret reached no argv). */
export function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).replaceAll("\0", " ");
      if (cmdline.includes(text)) found.push(`${entry.name}: ${cmdline}`);
    } catch {
      // ended meanwhile
    }
  }
  return found;
}

/** Every file below `dir` whose bytes contain `text`. */
export async function filesMentioning(dir: string, text: string): Promise<string[]> {
  const found: string[] = [];
  const needle = new TextEncoder().encode(text);
  async function walk(d: string) {
    for await (const entry of Deno.readDir(d)) {
      const path = join(d, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile && contains(await Deno.readFile(path), needle)) found.push(path);
    }
  }
  await walk(dir);
  return found;
}

/** The files left in the sessions folder (sockets, registry entries). */
export function sessionFiles(home: PhoneHome): string[] {
  try {
    return [...Deno.readDirSync(home.paths.sessionsDir)].map((e) => e.name).sort();
  } catch {
    return [];
  }
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

function pass(...names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = Deno.env.get(name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}
