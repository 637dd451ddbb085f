/**
 * Where agents keep their files: one folder per ringo process,
 * `<tmp>/ringo-run-<pid>-<random>/` (the suffix keeps apart the Workers of
 * one process, as in `deno test --parallel`), holding one folder per agent (its baresip
 * `config`, `accounts` and audio dumps). The process removes it when it
 * ends; if it is killed (SIGKILL, a crash) the folder stays, and the next
 * ringo removes the folders of processes that no longer run, by the PID in
 * their name. Passwords never reach these folders (see Agent.start).
 *
 * @module
 */
import { join } from "node:path";

const PREFIX = "ringo-run-";

let current: Promise<string> | undefined;

/**
 * This process's run folder, made (mode 0700) on first use, after removing
 * the stale folders of dead runs.
 *
 * @example
 * ```ts
 * const dir = await runDir(); // "/tmp/ringo-run-12345-1f2e3d4c"
 * ```
 */
export function runDir(): Promise<string> {
  current ??= (async () => {
    const base = tempBase();
    await removeStaleRunDirs(base);
    const dir = join(base, `${PREFIX}${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`);
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    await Deno.chmod(dir, 0o700);
    globalThis.addEventListener("unload", () => {
      try {
        Deno.removeSync(dir, { recursive: true });
      } catch {
        // already gone
      }
    });
    return dir;
  })();
  return current;
}

/**
 * A new folder (mode 0700) for agent `name` inside the run folder.
 *
 * @example
 * ```ts
 * await agentDir("A"); // "/tmp/ringo-run-12345-1f2e3d4c/agent-A-x1y2z3"
 * ```
 */
export async function agentDir(name: string): Promise<string> {
  const safe = name.replace(/[^A-Za-z0-9_-]+/g, "-").slice(0, 40) || "agent";
  return await Deno.makeTempDir({ dir: await runDir(), prefix: `agent-${safe}-` });
}

/**
 * Removes `<base>/ringo-run-<pid>-…` folders whose process is gone; returns
 * their paths. A folder whose PID runs (another ringo, or an unrelated
 * process that reused the PID) is kept. Only on systems with `/proc`.
 */
export async function removeStaleRunDirs(base = tempBase()): Promise<string[]> {
  if (!procAvailable()) return [];
  const removed: string[] = [];
  try {
    for await (const entry of Deno.readDir(base)) {
      const pid = new RegExp(`^${PREFIX}(\\d+)(?:-[0-9a-f]+)?$`).exec(entry.name)?.[1];
      if (!pid || !entry.isDirectory || Number(pid) === Deno.pid || processRuns(Number(pid))) {
        continue;
      }
      const path = join(base, entry.name);
      try {
        await Deno.remove(path, { recursive: true });
        removed.push(path);
      } catch {
        // another ringo removed it first, or it is not ours to remove
      }
    }
  } catch {
    // no temp folder to look in
  }
  return removed;
}

/** The system's temp folder. */
function tempBase(): string {
  return Deno.env.get("TMPDIR") || "/tmp";
}

function procAvailable(): boolean {
  try {
    return Deno.statSync("/proc/self").isDirectory;
  } catch {
    return false;
  }
}

function processRuns(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}
