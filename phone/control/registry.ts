/**
 * The registry of running sessions: beside each session's socket
 * `<profile>-<pid>.sock` lies `<profile>-<pid>.json` (pid, profile, AOR,
 * socket, start time), written only once the socket is bound. Listing
 * reaps entries whose process is gone or whose socket refuses connections
 * (a session killed with SIGKILL leaves both files behind).
 *
 * @module
 */
import { join } from "node:path";
import { ControlError } from "../errors.ts";

/** One running session, as `ringo control list --json` shows it. */
export interface SessionEntry {
  pid: number;
  profile: string;
  aor: string;
  /** The control socket's path. */
  socket: string;
  started_at: string;
  headless: boolean;
}

/** The longest Unix socket path the platforms take (macOS: 104 bytes with the NUL). */
const MAX_SOCKET_PATH_BYTES = 103;

/**
 * The socket path of a session: `<dir>/<profile>-<pid>.sock`, or
 * `<dir>/session-<pid>.sock` when that would be too long for a socket.
 *
 * @example
 * ```ts
 * socketPathFor("/run/user/1000/ringo/sessions", "work", 4242);
 * // "/run/user/1000/ringo/sessions/work-4242.sock"
 * ```
 */
export function socketPathFor(dir: string, profile: string, pid: number): string {
  const named = join(dir, `${profile}-${pid}.sock`);
  return new TextEncoder().encode(named).length <= MAX_SOCKET_PATH_BYTES
    ? named
    : join(dir, `session-${pid}.sock`);
}

/** The registry entry file that belongs to a socket. */
export function entryPathFor(socket: string): string {
  return socket.replace(/\.sock$/, ".json");
}

/** Writes a session's entry (atomically, mode 0600); returns its path. */
export async function writeEntry(entry: SessionEntry): Promise<string> {
  const path = entryPathFor(entry.socket);
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(temp, JSON.stringify(entry, null, 2) + "\n", { mode: 0o600 });
  await Deno.rename(temp, path);
  return path;
}

/** Removes a session's entry and socket files (missing ones are fine). */
export async function removeEntry(entry: Pick<SessionEntry, "socket">): Promise<void> {
  await Deno.remove(entryPathFor(entry.socket)).catch(() => {});
  await Deno.remove(entry.socket).catch(() => {});
}

/**
 * The entries in `dir` whose process looks alive, without touching any
 * socket (synchronous, for shell completions).
 */
export function readEntries(dir: string): SessionEntry[] {
  const out: SessionEntry[] = [];
  let names: string[];
  try {
    names = [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith(".json")).map((
      e,
    ) => e.name);
  } catch {
    return [];
  }
  for (const name of names) {
    try {
      const entry = parseEntry(Deno.readTextFileSync(join(dir, name)));
      if (entry && processAlive(entry.pid) !== false) out.push(entry);
    } catch {
      // unreadable: not ours to judge here
    }
  }
  return out.sort((a, b) => a.profile.localeCompare(b.profile) || a.pid - b.pid);
}

/**
 * The running sessions in `dir`, oldest first; stale entries (dead
 * process, refused or missing socket) are removed on the way.
 */
export async function listSessions(dir: string): Promise<SessionEntry[]> {
  const out: SessionEntry[] = [];
  let names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && e.name.endsWith(".json")) names.push(e.name);
    }
  } catch {
    return [];
  }
  names = names.sort();
  for (const name of names) {
    const file = join(dir, name);
    let entry: SessionEntry | undefined;
    try {
      entry = parseEntry(await Deno.readTextFile(file));
    } catch {
      continue;
    }
    if (!entry) {
      await Deno.remove(file).catch(() => {});
      continue;
    }
    if (processAlive(entry.pid) === false || !(await socketAnswers(entry.socket))) {
      await removeEntry(entry);
      continue;
    }
    out.push(entry);
  }
  return out.sort((a, b) => a.started_at.localeCompare(b.started_at) || a.pid - b.pid);
}

/**
 * The one session `target` names: a PID, or a profile name (which must
 * have exactly one running session).
 *
 * @throws {ControlError} no such session, or several of that profile (listing their PIDs).
 * @example
 * ```ts
 * resolveTarget(sessions, "work").pid; // 4242
 * resolveTarget(sessions, "4242").profile; // "work"
 * ```
 */
export function resolveTarget(sessions: readonly SessionEntry[], target: string): SessionEntry {
  if (/^\d+$/.test(target)) {
    const byPid = sessions.find((s) => s.pid === Number(target));
    if (byPid) return byPid;
  }
  const matches = sessions.filter((s) => s.profile === target);
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    throw new ControlError(
      `${matches.length} sessions of profile "${target}" are running (PIDs ${
        matches.map((s) => s.pid).join(", ")
      }): name one by its PID`,
      { hint: `ringo control -t ${matches[0].pid} …` },
    );
  }
  const running = sessions.length
    ? ` (running: ${sessions.map((s) => `${s.profile} [${s.pid}]`).join(", ")})`
    : " (no session is running)";
  throw new ControlError(`no running session matches "${target}"${running}`, {
    hint: "start one with: ringo phone start <profile> --headless",
  });
}

/** True when a process with that PID exists, false when it does not, undefined when this system cannot tell. */
export function processAlive(pid: number): boolean | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    Deno.statSync("/proc/self");
  } catch {
    return undefined;
  }
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** True when something accepts connections on the Unix socket `path`. */
export async function socketAnswers(path: string): Promise<boolean> {
  try {
    const conn = await Deno.connect({ transport: "unix", path });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

function parseEntry(text: string): SessionEntry | undefined {
  const data = JSON.parse(text) as Partial<SessionEntry>;
  if (
    typeof data.pid !== "number" || typeof data.profile !== "string" ||
    typeof data.socket !== "string"
  ) return undefined;
  return {
    pid: data.pid,
    profile: data.profile,
    aor: typeof data.aor === "string" ? data.aor : "",
    socket: data.socket,
    started_at: typeof data.started_at === "string" ? data.started_at : "",
    headless: data.headless === true,
  };
}
