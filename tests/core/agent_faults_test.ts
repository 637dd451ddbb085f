import { assertEquals, assertMatch, assertRejects, assertThrows } from "../assert.ts";
import {
  Agent,
  AgentError,
  BaresipError,
  CallState,
  findBaresipBinary,
  installHint,
} from "../../core/mod.ts";

function isRunning(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return !/^\d+ \(.*\) [ZX] /.test(stat); // a zombie has ended
  } catch {
    return false;
  }
}

/** Writes an executable fake "baresip" script and returns its path. */
async function fakeBaresip(dir: string, body: string): Promise<string> {
  const path = `${dir}/baresip`;
  await Deno.writeTextFile(
    path,
    `#!/bin/sh\nif [ "$1" = "-h" ]; then echo "baresip v1.0.0 Copyright"; exit 0; fi\n${body}\n`,
  );
  await Deno.chmod(path, 0o755);
  return path;
}

Deno.test("baresip killed mid-call: the agent reports its death and nothing hangs", async () => {
  const [a, b] = await Promise.all([Agent.start({ name: "A" }), Agent.start({ name: "B" })]);
  try {
    await a.dial(b.contactUri);
    await b.waitFor((s) => s.calls[0]?.state === CallState.Ringing);
    await b.accept();
    await a.waitFor((s) => s.calls[0]?.state === CallState.Established);

    const waiting = b.waitFor((s) => s.dtmfReceived === "9", {
      timeoutMs: 30_000,
      description: "a digit that never comes",
    });
    b.kill("SIGKILL");
    const error = await assertRejects(() => waiting, AgentError);
    assertMatch(
      error.message,
      /agent "B": its baresip process \(pid \d+\) died with signal SIGKILL/,
    );
    // The error ends with the last lines baresip printed (the call's audio set-up by now).
    const tail = /\(last log lines: (.+)\)$/.exec(error.message)?.[1] ?? "";
    const lines = tail.split(" | ");
    assertEquals(
      tail !== "" && lines.every((line) => b.log.text().includes(line)),
      true,
      tail,
    );
    assertMatch(b.log.text(), /Call established/);
    assertEquals(b.alive, false);
    assertEquals(b.exit?.signal, "SIGKILL");
    await assertRejects(() => b.hangup(), AgentError, "died with signal SIGKILL");
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

Deno.test("a missing baresip binary gives one clear sentence", async () => {
  const error = assertThrows(
    () => findBaresipBinary({ PATH: "/nonexistent" }, "/nonexistent/.tools/baresip/bin/baresip"),
    BaresipError,
    "baresip was not found: RINGO_BARESIP is not set, this checkout has no pinned build, and PATH has none",
  );
  assertEquals(error.hint, installHint());
  assertMatch(error.hint ?? "", /\.ci\/build-baresip/);
  await assertRejects(
    () => Agent.start({ name: "A", env: { RINGO_BARESIP: "/nonexistent/baresip" } }),
    BaresipError,
    "RINGO_BARESIP points at /nonexistent/baresip, which is not an executable file",
  );
});

Deno.test("baresip exiting before it is ready: the error has its exit code and last log lines", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const binary = await fakeBaresip(dir, 'echo "ua: init failed (Permission denied)"; exit 3');
    await assertRejects(
      () =>
        Agent.start({
          name: "A",
          env: { RINGO_BARESIP: binary, RINGO_BARESIP_MODULES: "/usr/lib/baresip/modules" },
        }),
      BaresipError,
      'baresip for agent "A" exited with code 3 before ctrl_tcp was ready (last log lines: ua: init failed (Permission denied))',
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("baresip hanging before it is ready is killed after the bounded wait", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const binary = await fakeBaresip(
      dir,
      'echo "stuck"; echo $$ > "$(dirname "$0")/pid"; exec sleep 600',
    );
    await assertRejects(
      () =>
        Agent.start({
          name: "A",
          readyTimeoutMs: 500,
          env: { RINGO_BARESIP: binary, RINGO_BARESIP_MODULES: "/usr/lib/baresip/modules" },
        }),
      BaresipError,
      'baresip for agent "A" was not ready within 500 ms (last log lines: stuck)',
    );
    const pid = Number(await Deno.readTextFile(`${dir}/pid`));
    assertEquals(isRunning(pid), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.test(`after ${signal} mid-call, the process exits and leaves no baresip of its own`, async () => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./fixtures/call_then_wait.ts", import.meta.url).pathname],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const { pids } = JSON.parse(text) as { pids: number[] };
    assertEquals(pids.every(isRunning), true);
    child.kill(signal);
    const status = await child.status;
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
    await child.stderr.cancel();
    assertEquals(status.code, signal === "SIGINT" ? 130 : 143);
    assertEquals(pids.filter(isRunning), []);
  });
}

Deno.test("after the ringo process is SIGKILLed, the kernel ends its baresip too", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./fixtures/call_then_wait.ts", import.meta.url).pathname],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  const { pids } = JSON.parse(text) as { pids: number[] };
  child.kill("SIGKILL");
  await child.status;
  reader.releaseLock();
  await child.stdout.cancel().catch(() => {});
  // pdeathsig is delivered at once; give the kernel a moment to reap
  for (let i = 0; i < 50 && pids.some(isRunning); i++) await new Promise((r) => setTimeout(r, 20));
  assertEquals(pids.filter(isRunning), []);
});
