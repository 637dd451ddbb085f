/**
 * Bad inputs as a user meets them: a missing profile, a failing password
 * command, a wrong password, an unreachable registrar, a broken
 * ringo.toml, malformed and oversized control frames, a session killed
 * with SIGKILL, two sessions of one profile. Each gives one sentence and
 * leaves no process behind; the control socket never crashes its session.
 */
import { join } from "node:path";
import { encodeNetstring, NetstringParser } from "../../core/netstring.ts";
import { MAX_REQUEST_BYTES } from "../../phone/control/wire.ts";
import { startPbx } from "../pbx/pbx.ts";
import { assertEquals, assertMatch } from "../assert.ts";
import {
  ctl,
  ctlJson,
  isAlive,
  type Json,
  phoneHome,
  ringo,
  RunningSession,
  sessionFiles,
} from "./e2e.ts";

/** Processes started with `RINGO_TEST_TAG=tag` in their environment (ringo and its baresip). */
function taggedProcesses(tag: string): number[] {
  const found: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name) || Number(entry.name) === Deno.pid) continue;
    try {
      if (
        Deno.readTextFileSync(`/proc/${entry.name}/environ`).includes(`RINGO_TEST_TAG=${tag}\0`)
      ) {
        if (isAlive(Number(entry.name))) found.push(Number(entry.name));
      }
    } catch {
      // ended meanwhile, or not ours
    }
  }
  return found;
}

async function addProfile(
  home: Awaited<ReturnType<typeof phoneHome>>,
  name: string,
  ...flags: string[]
) {
  const run = await ringo(home, ["phone", "profile", "add", name, ...flags]);
  assertEquals(run.code, 0, run.stderr);
}

Deno.test("a missing profile, a failing password command and a broken profile file each stop with one sentence", async () => {
  const tag = crypto.randomUUID();
  await using home = await phoneHome({ RINGO_TEST_TAG: tag });
  await addProfile(
    home,
    "locked",
    "--username",
    "a",
    "--domain",
    "127.0.0.1:9",
    "--password-cmd",
    "echo 'keyring locked' >&2; exit 5",
  );
  await Deno.mkdir(join(home.paths.profilesDir, "broken"));
  await Deno.writeTextFile(
    join(home.paths.profilesDir, "broken", "profile.toml"),
    'username = "a"\ndomain = 5\n',
  );
  const cases: Array<[string, RegExp]> = [
    ["nobody", /^ringo: there is no profile "nobody" \(profiles: broken, locked\)$/m],
    ["locked", /^ringo: profile "locked": password_cmd exited with code 5 \(keyring locked\)$/m],
    ["broken", /^ringo: .*broken\/profile\.toml: domain: .*expected string/m],
  ];
  for (const [name, expected] of cases) {
    const run = await ringo(home, ["phone", "start", name, "--headless"]);
    assertEquals(run.code, 1, name);
    assertMatch(run.stderr, expected);
    assertEquals(
      run.stderr.split("\n").filter((l) => l.startsWith("ringo:")).length,
      1,
      run.stderr,
    );
  }
  assertEquals(taggedProcesses(tag), []);
  assertEquals(sessionFiles(home), []);
});

Deno.test("a wrong password and an unreachable registrar give one sentence and leave no baresip", async () => {
  const tag = crypto.randomUUID();
  await using pbx = await startPbx();
  await using home = await phoneHome({ RINGO_TEST_TAG: tag });
  await addProfile(
    home,
    "wrong",
    "--username",
    "alice",
    "--domain",
    `127.0.0.1:${pbx.port}`,
    "--password-cmd",
    "echo not-the-password",
  );
  await addProfile(
    home,
    "away",
    "--username",
    "alice",
    "--domain",
    "127.0.0.1:9",
    "--password-cmd",
    "echo x",
  );
  const [wrong, away] = await Promise.all([
    ringo(home, ["phone", "start", "wrong", "--headless"]),
    ringo(home, ["phone", "start", "away", "--headless"]),
  ]);
  assertEquals(wrong.code, 1);
  assertMatch(
    wrong.stderr,
    /^ringo: could not register as sip:alice@127\.0\.0\.1:\d+: 403 Forbidden - Wrong Password$/m,
  );
  assertMatch(wrong.stderr, /hint: check the username, auth_user and password/);
  assertEquals(away.code, 1);
  assertMatch(
    away.stderr,
    /^ringo: no answer from the registrar of sip:alice@127\.0\.0\.1:9 within 15 s$/m,
  );
  assertEquals(taggedProcesses(tag), []);
  assertEquals(sessionFiles(home), []);
  for (const run of [wrong, away]) assertEquals(run.stderr.includes("not-the-password"), false);
});

Deno.test("malformed and oversized control frames get an error answer; the session carries on", async () => {
  await using home = await phoneHome();
  await addProfile(home, "solo", "--username", "solo", "--domain", "127.0.0.1", "--regint", "0");
  await using _session = await RunningSession.start(home, "solo");
  const entry = JSON.parse(
    await Deno.readTextFile(
      join(home.paths.sessionsDir, sessionFiles(home).find((f) => f.endsWith(".json"))!),
    ),
  );

  async function exchange(
    bytes: Uint8Array,
    frames: number,
  ): Promise<{ replies: Json[]; closed: boolean }> {
    const conn = await Deno.connect({ transport: "unix", path: entry.socket });
    const parser = new NetstringParser({ maxFrameBytes: 1 << 20 });
    const replies: Json[] = [];
    let closed = false;
    try {
      await conn.write(bytes);
      const buffer = new Uint8Array(65536);
      while (replies.length < frames) {
        const n = await conn.read(buffer);
        if (n === null) {
          closed = true;
          break;
        }
        for (const f of parser.push(buffer.subarray(0, n))) {
          replies.push(JSON.parse(new TextDecoder().decode(f)));
        }
      }
      if (!closed) {
        // A connection that stays open answers the next request too; a closed one refuses it.
        const n = await conn.write(
          encodeNetstring(JSON.stringify({ id: "next", command: "calls", args: [] })),
        )
          .then(() => conn.read(buffer)).catch(() => null);
        if (n === null) closed = true;
        else {for (const f of parser.push(buffer.subarray(0, n))) {
            replies.push(JSON.parse(new TextDecoder().decode(f)));
          }}
      }
    } finally {
      conn.close();
    }
    return { replies, closed };
  }

  const text = (s: string) => new TextEncoder().encode(s);
  const notJson = await exchange(encodeNetstring("hello"), 1);
  assertEquals([notJson.replies[0].ok, notJson.replies[0].error], [
    false,
    "malformed request: the frame is not JSON",
  ]);
  assertEquals([notJson.closed, notJson.replies[1]?.id, notJson.replies[1]?.ok], [
    false,
    "next",
    true,
  ]);

  const badShape = await exchange(
    encodeNetstring(JSON.stringify({ id: 7, command: "dial", args: [], extra: 1 })),
    1,
  );
  assertEquals([badShape.replies[0].id, badShape.replies[0].error], [
    7,
    'invalid request: unknown field "extra"',
  ]);

  const missing = await exchange(
    encodeNetstring(JSON.stringify({ id: 8, command: "dial", args: [] })),
    1,
  );
  assertEquals(missing.replies[0].error, "dial needs <target> (usage: dial <target>)");

  const broken = await exchange(text("12x:"), 1);
  assertMatch(
    broken.replies[0].error,
    /^malformed request: malformed netstring: expected a digit or ':'/,
  );
  assertEquals(broken.closed, true);

  const huge = await exchange(text(`${MAX_REQUEST_BYTES + 1}:`), 1);
  assertMatch(
    huge.replies[0].error,
    /^malformed request: netstring frame too large: \d+\+ bytes, the limit is 65536/,
  );
  assertEquals(huge.closed, true);

  assertEquals((await ctlJson(home, "solo", "status")).data.registration.state, "unregistered");
});

Deno.test("a session killed with SIGKILL leaves no baresip, and its stale entry is reaped", async () => {
  await using home = await phoneHome();
  await addProfile(home, "solo", "--username", "solo", "--domain", "127.0.0.1", "--regint", "0");
  const session = await RunningSession.start(home, "solo");
  const engines = session.baresip();
  assertEquals(engines.length, 1);
  await session.stop("SIGKILL");
  assertEquals(sessionFiles(home).length, 2);
  for (let i = 0; i < 100 && engines.some(isAlive); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assertEquals(engines.filter(isAlive), []);
  const list = await ringo(home, ["control", "list"]);
  assertEquals(list.stdout.trim(), "no running sessions");
  assertEquals(sessionFiles(home), []);
  const refused = await ringo(home, ["control", "-t", "solo", "status"]);
  assertEquals(refused.code, 1);
  assertMatch(
    refused.stderr,
    /^ringo: no running session matches "solo" \(no session is running\)$/m,
  );
});

Deno.test("two sessions of one profile: the name is ambiguous and says so, the PID is not", async () => {
  await using home = await phoneHome();
  await addProfile(home, "twin", "--username", "twin", "--domain", "127.0.0.1", "--regint", "0");
  await using first = await RunningSession.start(home, "twin");
  await using second = await RunningSession.start(home, "twin");
  const byName = await ringo(home, ["control", "-t", "twin", "status"]);
  assertEquals(byName.code, 1);
  const pids = [first.pid, second.pid].sort((a, b) => a - b).join(", ");
  assertMatch(
    byName.stderr,
    new RegExp(`2 sessions of profile "twin" are running \\(PIDs ${pids}\\): name one by its PID`),
  );
  const byPid = await ctlJson(home, String(second.pid), "status");
  assertEquals([byPid.ok, byPid.data.pid], [true, second.pid]);
  await ctl(home, String(first.pid), "shutdown");
  assertEquals((await first.exited()).status.code, 0);
  assertEquals((await ctlJson(home, "twin", "status")).data.pid, second.pid);
});

Deno.test("a broken ringo.toml is a warning with its line, and the session starts on the defaults", async () => {
  await using home = await phoneHome();
  await addProfile(home, "solo", "--username", "solo", "--domain", "127.0.0.1", "--regint", "0");
  await Deno.writeTextFile(join(home.paths.configDir, "ringo.toml"), '[theme]\naccent = "cyan\n');
  await using session = await RunningSession.start(home, "solo");
  assertMatch(
    session.started,
    /^ringo: warning: .*ringo\.toml: line 2: .*; using the default configuration$/m,
  );
  assertEquals((await ctlJson(home, "solo", "status")).ok, true);
});

Deno.test("a lost terminal (SIGHUP) stops a session cleanly", async () => {
  await using home = await phoneHome();
  await addProfile(home, "solo", "--username", "solo", "--domain", "127.0.0.1", "--regint", "0");
  const session = await RunningSession.start(home, "solo");
  const engines = session.baresip();
  const { status, output } = await session.stop("SIGHUP");
  assertEquals(status.code, 129);
  assertMatch(output, /stopped \(SIGHUP received\)/);
  assertEquals(engines.filter(isAlive), []);
  assertEquals(sessionFiles(home), []);
});
