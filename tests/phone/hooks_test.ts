/**
 * Hooks run with sh -c, with RINGO_* variables, never with the password,
 * their output in the log, killed after their timeout.
 */
import { join } from "node:path";
import { HookRunner } from "../../phone/hooks.ts";
import { SessionLog } from "../../phone/session_log.ts";
import { assertEquals, assertMatch } from "../assert.ts";

const PROFILE = {
  name: "work",
  aor: "sip:alice@pbx",
  username: "alice",
  domain: "pbx",
  password_source: "cmd" as const,
};

async function withLog(fn: (log: SessionLog, dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "ringo-hooks-" });
  const log = await SessionLog.open(dir, "work");
  try {
    await fn(log, dir);
  } finally {
    await log.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a hook gets RINGO_EVENT, RINGO_PROFILE, RINGO_PROFILE_JSON and RINGO_EVENT_DATA, and no password", async () => {
  await withLog(async (log, dir) => {
    const out = join(dir, "env.txt");
    const hooks = new HookRunner({
      hooks: [{ event: "call_incoming", command: `env > '${out}'` }],
      profile: PROFILE,
      log,
      password: "alice-secret",
      hiddenVariables: ["MY_PW_VAR"],
      env: {
        PATH: Deno.env.get("PATH"),
        HOME: "/home/alice",
        SIP_PASSWORD: "alice-secret",
        MY_PW_VAR: "other",
        KEEP: "1",
      },
    });
    const [result] = await Promise.all(
      hooks.fire("call_incoming", { call_id: "c1", number: "4711" }),
    );
    assertEquals(result.code, 0);
    const env = Object.fromEntries(
      (await Deno.readTextFile(out)).trim().split("\n").map((l) => l.split(/=(.*)/s).slice(0, 2)),
    );
    assertEquals(env.RINGO_EVENT, "call_incoming");
    assertEquals(env.RINGO_PROFILE, "work");
    assertEquals(JSON.parse(env.RINGO_PROFILE_JSON).aor, "sip:alice@pbx");
    assertEquals(JSON.parse(env.RINGO_EVENT_DATA), { call_id: "c1", number: "4711" });
    assertEquals([env.KEEP, env.HOME], ["1", "/home/alice"]);
    assertEquals("SIP_PASSWORD" in env || "MY_PW_VAR" in env, false);
    assertEquals((await Deno.readTextFile(out)).includes("alice-secret"), false);
  });
});

Deno.test("only the hooks of the event run; their output and exit status go to the log", async () => {
  await withLog(async (log) => {
    const hooks = new HookRunner({
      hooks: [
        { event: "call_ended", command: "echo ended; echo oops >&2; exit 4" },
        { event: "call_incoming", command: "echo never" },
      ],
      profile: PROFILE,
      log,
    });
    const results = await Promise.all(hooks.fire("call_ended", {}));
    assertEquals(results.length, 1);
    assertEquals([results[0].code, results[0].stdout, results[0].stderr], [4, "ended\n", "oops\n"]);
    await log.close();
    const text = await Deno.readTextFile(log.path);
    assertMatch(text, /hook call_ended \(echo ended; echo oops >&2; exit 4\) exited with code 4/);
    assertMatch(text, /stdout: ended/);
    assertMatch(text, /stderr: oops/);
  });
});

Deno.test("a hook that runs too long is killed with its children after its timeout", async () => {
  await withLog(async (log, dir) => {
    const pidFile = join(dir, "child.pid");
    const hooks = new HookRunner({
      hooks: [{
        event: "voicemail",
        command: `sleep 30 & echo $! > '${pidFile}'; wait`,
        timeout: 300,
      }],
      profile: PROFILE,
      log,
    });
    const [result] = await Promise.all(hooks.fire("voicemail", {}));
    assertEquals(result.timedOut, true);
    const child = Number((await Deno.readTextFile(pidFile)).trim());
    let alive = true;
    try {
      alive = !Deno.readTextFileSync(`/proc/${child}/stat`).includes(") Z");
    } catch {
      alive = false;
    }
    assertEquals(alive, false);
  });
});

Deno.test("fire returns before the hook has finished: a slow hook does not hold up its caller", async () => {
  await withLog(async (log, dir) => {
    const done = join(dir, "done");
    const hooks = new HookRunner({
      hooks: [{ event: "call_outgoing", command: `sleep 1; touch '${done}'` }],
      profile: PROFILE,
      log,
    });
    const pending = hooks.fire("call_outgoing", {});
    assertEquals(await exists(done), false);
    await Promise.all(pending);
    assertEquals(await exists(done), true);
  });
});

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("secrets are masked in the session log", async () => {
  await withLog(async (log) => {
    log.addSecret("alice-secret");
    log.info("uanew <sip:alice@pbx>;auth_pass=alice-secret");
    await log.close();
    const text = await Deno.readTextFile(log.path);
    assertEquals(text.includes("alice-secret"), false);
    assertMatch(text, /auth_pass=\*{8}/);
  });
});
