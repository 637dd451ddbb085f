/**
 * The session registry: socket paths, target resolution, reaping of stale
 * entries (dead process, refused socket).
 */
import { join } from "node:path";
import {
  listSessions,
  readEntries,
  resolveTarget,
  type SessionEntry,
  socketPathFor,
  writeEntry,
} from "../../../phone/control/registry.ts";
import { ControlError } from "../../../phone/errors.ts";
import { assertEquals, assertThrows } from "../../assert.ts";

const entry = (profile: string, pid: number, dir = "/tmp"): SessionEntry => ({
  pid,
  profile,
  aor: `sip:${profile}@pbx`,
  socket: socketPathFor(dir, profile, pid),
  started_at: new Date(pid).toISOString(),
  headless: true,
});

Deno.test("a socket is named after the profile and PID, or the PID alone when the path would be too long", () => {
  assertEquals(
    socketPathFor("/run/user/1000/ringo/sessions", "work", 42),
    "/run/user/1000/ringo/sessions/work-42.sock",
  );
  assertEquals(socketPathFor("/run/ringo", "x".repeat(120), 42), "/run/ringo/session-42.sock");
});

Deno.test("a target is a PID or a profile with one session; several sessions of one profile list their PIDs", () => {
  const sessions = [entry("work", 101), entry("work", 102), entry("home", 103)];
  assertEquals(resolveTarget(sessions, "home").pid, 103);
  assertEquals(resolveTarget(sessions, "102").profile, "work");
  assertThrows(
    () => resolveTarget(sessions, "work"),
    ControlError,
    '2 sessions of profile "work" are running (PIDs 101, 102)',
  );
  assertThrows(
    () => resolveTarget(sessions, "gone"),
    ControlError,
    'no running session matches "gone"',
  );
});

Deno.test("listing reaps entries whose process is gone or whose socket refuses, and keeps live ones", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ringo-registry-" });
  const listener = Deno.listen({ transport: "unix", path: join(dir, "live.sock") });
  try {
    const live = { ...entry("live", Deno.pid, dir), socket: join(dir, "live.sock") };
    const deadPid = { ...entry("dead", 2 ** 22 + 7, dir) };
    const noSocket = { ...entry("nosock", Deno.pid, dir), socket: join(dir, "nosock.sock") };
    for (const e of [live, deadPid, noSocket]) await writeEntry(e);
    await Deno.writeTextFile(noSocket.socket, "not a socket");
    assertEquals(readEntries(dir).map((e) => e.profile), ["live", "nosock"]);
    assertEquals((await listSessions(dir)).map((e) => e.profile), ["live"]);
    const left = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assertEquals(left, ["live.json", "live.sock"]);
  } finally {
    listener.close();
    await Deno.remove(dir, { recursive: true });
  }
});
