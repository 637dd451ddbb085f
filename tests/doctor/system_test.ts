import { join } from "node:path";
import { assertEquals, assertMatch } from "../assert.ts";
import { systemChecks } from "../../doctor/system.ts";
import { fakes } from "./fakes.ts";

/** The checks for a home of XDG folders below `dir`. */
async function checksIn(dir: string, extra: Record<string, string> = {}, modulePath?: string) {
  const env = {
    HOME: dir,
    XDG_RUNTIME_DIR: join(dir, "run"),
    XDG_DATA_HOME: join(dir, "data"),
    ...extra,
  };
  const checks = await systemChecks(env, "debian", modulePath);
  return Object.fromEntries(checks.map((c) => [c.name, c]));
}

Deno.test("folders that do not exist yet are fine when they can be created", async () => {
  await using f = await fakes();
  const { sessions, data } = await checksIn(f.dir);
  assertEquals([sessions.status, data.status], ["ok", "ok"]);
  assertEquals(sessions.summary, `${f.dir}/run/ringo/sessions will be created when needed`);
  assertEquals(data.summary, `${f.dir}/data/ringo will be created when needed`);
});

Deno.test("a sessions folder others can enter fails: their sockets would reach your sessions", async () => {
  await using f = await fakes();
  const sessions = join(f.dir, "run", "ringo", "sessions");
  await Deno.mkdir(sessions, { recursive: true });
  await Deno.chmod(sessions, 0o755);
  const open = (await checksIn(f.dir)).sessions;
  assertEquals(open.status, "fail");
  assertEquals(open.summary, `${sessions} is mode 755: other users could reach your sessions`);
  assertEquals(open.fix, `chmod 700 ${sessions}`);
  await Deno.chmod(sessions, 0o700);
  const closed = (await checksIn(f.dir)).sessions;
  assertEquals([closed.status, closed.summary], ["ok", `${sessions} (mode 700)`]);
});

Deno.test("a runtime folder too long for Unix socket paths fails with what to set", async () => {
  await using f = await fakes();
  const long = join(f.dir, "r".repeat(90));
  const { sessions } = await checksIn(f.dir, { XDG_RUNTIME_DIR: long });
  assertEquals(sessions.status, "fail");
  assertMatch(sessions.summary, /is too long for Unix socket paths \(10[37] bytes at most\)$/);
  assertEquals(sessions.fix, "set XDG_RUNTIME_DIR to a shorter folder");
});

Deno.test({
  name: "a data folder that belongs to another user fails, with the chown that fixes it",
  ignore: Deno.uid() !== 0, // only root can give a folder away
  async fn() {
    await using f = await fakes();
    const data = join(f.dir, "data", "ringo");
    await Deno.mkdir(data, { recursive: true });
    await Deno.chown(data, 4242, 4242);
    const check = (await checksIn(f.dir)).data;
    assertEquals(check.status, "fail");
    assertEquals(check.summary, `${data} belongs to uid 4242, not to you (uid 0)`);
    assertEquals(check.fix, `sudo chown -R $(id -u):$(id -g) ${data}`);
  },
});

Deno.test("audio: a driver module and a sound server make it ok; without either the phone is warned about", async () => {
  await using f = await fakes();
  const modules = join(f.dir, "modules");
  await Deno.mkdir(modules);
  const none = (await checksIn(f.dir, {}, modules)).audio;
  assertEquals([none.status, none.summary], ["warn", "baresip has no audio-driver module"]);
  assertMatch(none.details!.join("\n"), /ringo flow needs neither/);
  await Deno.writeTextFile(join(modules, "pulse.so"), "");
  const noServer = (await checksIn(f.dir, {}, modules)).audio;
  assertEquals([noServer.status, noServer.summary], ["warn", "no sound device"]);
  await Deno.mkdir(join(f.dir, "run", "pulse"), { recursive: true });
  await Deno.writeTextFile(join(f.dir, "run", "pulse", "native"), "");
  const { audio } = await checksIn(f.dir, {}, modules);
  assertEquals(audio.status, "ok");
  assertEquals(audio.details![0], "baresip drivers: pulse");
  assertMatch(
    audio.details![1],
    new RegExp(`^devices: PulseAudio server ${f.dir}/run/pulse/native`),
  );
});
