/**
 * A phone world for TUI end-to-end tests: private config, data, state and
 * runtime folders (nothing of the user's is touched), a real kamailio test
 * PBX, `ringo` run as a user runs it (`ringo phone profile add`, headless
 * sessions as other parties, `ringo control`), and the TUI itself in a
 * real terminal (tmux). Everything started is stopped by `close()`.
 *
 * @module
 */
import { join } from "node:path";
import { RINGO_DENO_FLAGS } from "../../.ci/deno_flags.ts";
import { type CommandResult, runCommand } from "../command.ts";
import { startPbx, type TestPbx } from "../pbx/pbx.ts";
import { startTmux, type TmuxTerminal } from "./tmux.ts";

/** The repository root. */
export const REPO = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

/** The command line that runs ringo (with the one flag list of `.ci/deno_flags.ts`). */
export const RINGO = [Deno.execPath(), "run", ...RINGO_DENO_FLAGS, join(REPO, "main.ts")];

/** What a finished ringo command printed. */
export type Output = CommandResult;

/** One headless session started for a test (another party of the calls). */
export interface HeadlessSession {
  name: string;
  process: Deno.ChildProcess;
  /** Runs `ringo control -t <name> <args…>`. */
  control(...args: string[]): Promise<Output>;
  /** `status --json` of the session. */
  status(): Promise<
    Record<string, unknown> & { calls: Record<string, unknown>[]; dtmf_received: string }
  >;
}

/** The world. */
export interface PhoneEnv extends AsyncDisposable {
  pbx: TestPbx;
  /** The environment every ringo and the terminal get. */
  env: Record<string, string>;
  /** Runs `ringo <args…>` to its end. */
  ringo(args: string[]): Promise<Output>;
  /** Adds a profile for a test user of the PBX with `ringo phone profile add`. */
  addProfile(name: "alice" | "bob" | "carol" | "dave", extra?: string[]): Promise<void>;
  /** Starts `ringo phone start <name> --headless` and waits until it is registered. */
  headless(name: "alice" | "bob" | "carol" | "dave"): Promise<HeadlessSession>;
  /** Opens a terminal (tmux) with this environment. */
  terminal(columns?: number, rows?: number): Promise<TmuxTerminal>;
  /** The shell command line that runs ringo with `args`. */
  commandLine(args: string[]): string;
  close(): Promise<void>;
}

/** The baresip the tests use (`RINGO_BARESIP`, else the PATH's). */
export const BARESIP = Deno.env.get("RINGO_BARESIP");

/**
 * Creates the world.
 *
 * @example
 * ```ts
 * await using world = await phoneEnv();
 * await world.addProfile("bob");
 * const bob = await world.headless("bob");
 * ```
 */
export async function phoneEnv(): Promise<PhoneEnv> {
  const root = await Deno.makeTempDir({ prefix: "ringo-tui-e2e-" });
  const runtime = join(root, "run");
  await Deno.mkdir(runtime, { mode: 0o700 });
  // HOME stays (deno's module cache lives under it); every XDG folder is the test's own.
  const env: Record<string, string> = {
    ...Deno.env.toObject(),
    XDG_CONFIG_HOME: join(root, "config"),
    XDG_DATA_HOME: join(root, "data"),
    XDG_STATE_HOME: join(root, "state"),
    XDG_RUNTIME_DIR: runtime,
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    NO_COLOR: "1",
    EDITOR: "false",
    ...(BARESIP ? { RINGO_BARESIP: BARESIP } : {}),
  };
  const pbx = await startPbx();
  const sessions: HeadlessSession[] = [];
  const terminals: TmuxTerminal[] = [];

  const ringo = (args: string[]): Promise<Output> =>
    runCommand([...RINGO, ...args], { env, cwd: root });

  const world: PhoneEnv = {
    pbx,
    env,
    ringo,
    async addProfile(name, extra = []) {
      const passwordFile = join(root, `${name}.password`);
      await Deno.writeTextFile(passwordFile, pbx.users[name] + "\n", { mode: 0o600 });
      const out = await ringo([
        "phone",
        "profile",
        "add",
        name,
        "--username",
        name,
        "--domain",
        `${pbx.domain}:${pbx.port}`,
        "--password-file",
        passwordFile,
        ...extra,
      ]);
      if (out.code !== 0) throw new Error(`profile add ${name} failed: ${out.stderr}`);
    },
    async headless(name) {
      const process = new Deno.Command(RINGO[0], {
        args: [...RINGO.slice(1), "phone", "start", name, "--headless", "--no-notify"],
        env,
        cwd: root,
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).spawn();
      // The session says it is up (registered, socket bound) on standard error.
      const reader = process.stderr.pipeThrough(new TextDecoderStream()).getReader();
      let seen = "";
      while (!/is up as/.test(seen)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`headless session ${name} ended before it was up:\n${seen}`);
        seen += value;
      }
      void (async () => {
        while (!(await reader.read()).done) { /* drain */ }
      })();
      const control = (...args: string[]) => ringo(["control", "-t", name, ...args]);
      const session: HeadlessSession = {
        name,
        process,
        control,
        async status() {
          const out = await control("status", "--json");
          if (out.code !== 0) throw new Error(`status of ${name} failed: ${out.stderr}`);
          return JSON.parse(out.stdout).data;
        },
      };
      sessions.push(session);
      return session;
    },
    async terminal(columns = 100, rows = 30) {
      const term = await startTmux({ columns, rows, env, cwd: root });
      terminals.push(term);
      return term;
    },
    commandLine: (args) =>
      [...RINGO, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a}'`)).join(" "),
    async close() {
      for (const term of terminals.splice(0)) await term.close();
      for (const session of sessions.splice(0)) {
        try {
          session.process.kill("SIGTERM");
        } catch {
          // already ended
        }
        await session.process.status;
      }
      await pbx.stop();
      await Deno.remove(root, { recursive: true }).catch(() => {});
    },
    [Symbol.asyncDispose]: () => world.close(),
  };
  return world;
}

/** How often {@link eventually} looks again. */
const STATUS_TICK_MS = 200;

/**
 * Waits for `check` to hold on what `probe` reads (a headless session's
 * `status --json`). A tick, not an event: `control wait` covers call states
 * but not every field a test looks at (received DTMF, a held flag), and an
 * `events` stream opened just before an action can miss what it caused;
 * the status is the session's state of record.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, STATUS_TICK_MS));
  }
  throw new Error(
    `${what} did not happen within ${timeoutMs} ms; last seen: ${JSON.stringify(last)}`,
  );
}
