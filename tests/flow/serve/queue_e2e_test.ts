/**
 * The run queue, schedules and the process lifecycle of `ringo flow serve`:
 * a per-second cron, the concurrency limit and per-monitor exclusivity, the
 * timeout kill, a kill -9 mid-run and the restart after it, and SIGHUP.
 */
import { assertEquals, assertMatch } from "../../assert.ts";
import {
  allGone,
  awaitRunChange,
  call,
  descendantsNamed,
  FIXTURES,
  serverSentEvents,
  startServe,
} from "./serve_helpers.ts";

const TOKEN = "queue-test-token-0123456789";
const AUTH = `[[auth.token]]\nname = "ci"\ntoken_env = "T_CI"\n`;
const env = { T_CI: TOKEN };
const monitor = (name: string, fixture: string, extra = "") =>
  `[[monitor]]\nname = "${name}"\npath = "${FIXTURES}${fixture}"\n${extra}\n`;

Deno.test("a per-second schedule fires runs of its monitor", async () => {
  await using serve = await startServe({
    config: `[archive]\npath = "\${DIR}/archive"\n${AUTH}${
      monitor("tick", "pass.ts", 'schedule = "* * * * * *"')
    }`,
    env,
  });
  const passed: string[] = [];
  await awaitRunChange(serve, TOKEN, (run) => {
    if (run.status === "passed" && run.trigger === "schedule") passed.push(run.id);
    return passed.length === 2;
  });
  const [tick] = (await call(serve, "/api/monitors", { token: TOKEN })).json.monitors;
  assertEquals(tick.schedule, "* * * * * *");
  assertEquals(Date.parse(tick.nextRun) - Date.now() < 2_000, true, tick.nextRun);
  const runs = (await call(serve, "/api/runs?monitor=tick", { token: TOKEN })).json.runs;
  assertEquals(runs.every((r: { trigger: string }) => r.trigger === "schedule"), true);
  assertEquals(
    runs.filter((r: { status: string }) => r.status === "queued").length <= 1,
    true,
    "fires coalesce",
  );
});

Deno.test("at most `concurrency` runs at once, never two of one monitor", async () => {
  await using serve = await startServe({
    config: `[server]\nconcurrency = 2\n[archive]\npath = "\${DIR}/archive"\n${AUTH}` +
      monitor("slow", "slow.ts") + monitor("slow-too", "slow.ts") + monitor("pass", "pass.ts"),
    env,
  });
  const start = async (name: string) =>
    (await call(serve, `/api/monitors/${name}/runs`, { token: TOKEN, method: "POST" })).json
      .id as string;
  const ids = [
    await start("slow"),
    await start("slow"),
    await start("slow-too"),
    await start("pass"),
  ];
  const states = await Promise.all(
    ids.map(async (id) => (await call(serve, `/api/runs/${id}`, { token: TOKEN })).json.status),
  );
  assertEquals(states[1], "queued", "the second run of slow waits for the first");
  assertEquals(states[3], "queued", "pass waits: two runs are running");

  const done: Array<{ status: string; startedAt: string; endedAt: string }> = [];
  for (const id of ids) {
    for await (
      const e of serverSentEvents(`${serve.url}/api/runs/${id}/events`, {
        Authorization: `Bearer ${TOKEN}`,
      })
    ) {
      if (e.event === "end") break;
    }
    done.push((await call(serve, `/api/runs/${id}`, { token: TOKEN })).json);
  }
  assertEquals(done.map((r) => r.status), ["passed", "passed", "passed", "passed"]);
  const span = (
    r: { startedAt: string; endedAt: string },
  ) => [Date.parse(r.startedAt), Date.parse(r.endedAt)];
  const [slow1, slow2] = [span(done[0]), span(done[1])];
  assertEquals(slow2[0] >= slow1[1], true, "slow's runs did not overlap");
  for (const [a] of done.map(span)) {
    const atOnce = done.map(span).filter(([s, e]) => s <= a && a < e).length;
    assertEquals(atOnce <= 2, true, "never more than two at once");
  }
});

Deno.test("a run that overruns its timeout is stopped, recorded as timeout, and leaves no baresip", async () => {
  await using serve = await startServe({
    config: `[archive]\npath = "\${DIR}/archive"\n${AUTH}${
      // Room for the sandbox, two baresips and the call on a loaded machine: the
      // timeout must fire while the call is up, not before.
      monitor("hang", "hang.ts", 'timeout = "12s"')}`,
    env,
  });
  const { id } =
    (await call(serve, "/api/monitors/hang/runs", { token: TOKEN, method: "POST" })).json;
  let agents: number[] = [];
  let end;
  for await (
    const e of serverSentEvents(`${serve.url}/api/runs/${id}/events`, {
      Authorization: `Bearer ${TOKEN}`,
    })
  ) {
    if (e.event === "end") {
      end = JSON.parse(e.data);
      break;
    }
    if (e.data.includes('"call is up"')) agents = descendantsNamed(serve.pid, "baresip");
  }
  assertEquals(agents.length, 2, "the run's two agents were found while the call was up");
  assertEquals(end.status, "timeout");
  assertMatch(end.message, /took longer than the monitor's timeout of 12s and was stopped/);
  assertEquals(end.scenarios[0].status, "interrupted");
  assertEquals(await allGone(agents), []);
  assertEquals(descendantsNamed(serve.pid, "baresip"), []);
  assertEquals((await call(serve, "/healthz")).json.running, 0, "serve itself carries on");
});

Deno.test("a scenario that fills its memory ends its own run as an error; serve carries on", async () => {
  await using serve = await startServe({
    config: `[archive]\npath = "\${DIR}/archive"\n${AUTH}` +
      monitor("hog", "hog.ts", "memory_limit_mb = 64") + monitor("pass", "pass.ts"),
    env,
  });
  const hog = await call(serve, "/api/monitors/hog/runs?wait=true", {
    token: TOKEN,
    method: "POST",
  });
  assertEquals([hog.status, hog.json.status], [502, "error"], hog.text);
  // The sandbox's heap limit stops the file in a sentence (the kernel's or V8's kill if it could not).
  assertMatch(
    hog.json.message,
    /used more than its 64 MiB memory limit and was stopped|ringo flow run was ended by SIG|exited with code/,
  );
  const pass = await call(serve, "/api/monitors/pass/runs?wait=true", {
    token: TOKEN,
    method: "POST",
  });
  assertEquals(pass.json.status, "passed");
});

Deno.test("kill -9 mid-run: no baresip is left, and after a restart the run is interrupted and the counters are back", async () => {
  const config = `[archive]\npath = "\${DIR}/archive"\n${AUTH}` +
    monitor("hang", "hang.ts", 'timeout = "1m"') + monitor("pass", "pass.ts");
  let dir: string;
  let id: string;
  let agents: number[] = [];
  {
    await using serve = await startServe({ config, env, keepDir: true });
    dir = serve.dir;
    assertEquals(
      (await call(serve, "/api/monitors/pass/runs?wait=true", { token: TOKEN, method: "POST" }))
        .status,
      200,
    );
    id = (await call(serve, "/api/monitors/hang/runs", { token: TOKEN, method: "POST" })).json.id;
    for await (
      const e of serverSentEvents(`${serve.url}/api/runs/${id}/events`, {
        Authorization: `Bearer ${TOKEN}`,
      })
    ) {
      if (e.data.includes('"call is up"')) break;
    }
    agents = descendantsNamed(serve.pid, "baresip");
    assertEquals(agents.length, 2);
    await serve.kill9();
  }
  assertEquals(await allGone(agents), [], "the agents died with their run");
  await using again = await startServe({ config, env, dir });
  assertMatch(again.log(), new RegExp(`run ${id} of hang was left unfinished: interrupted`));
  const run = (await call(again, `/api/runs/${id}`, { token: TOKEN })).json;
  assertEquals(run.status, "interrupted");
  assertEquals(run.message, "ringo flow serve stopped while this run was running");
  const metrics = (await call(again, "/metrics", { token: TOKEN })).text;
  assertMatch(metrics, /^ringo_monitor_runs_total\{monitor="pass",result="passed"\} 1$/m);
  assertMatch(metrics, /^ringo_monitor_runs_total\{monitor="hang",result="interrupted"\} 1$/m);
  assertMatch(metrics, /^ringo_monitor_last_success\{monitor="pass"\} 1$/m);
});

Deno.test("SIGHUP reloads the config and keeps the queued runs", async () => {
  const base = `[archive]\npath = "\${DIR}/archive"\n${AUTH}` + monitor("slow", "slow.ts") +
    monitor("pass", "pass.ts");
  await using serve = await startServe({ config: base, env });
  const slow =
    (await call(serve, "/api/monitors/slow/runs", { token: TOKEN, method: "POST" })).json.id;
  const queued =
    (await call(serve, "/api/monitors/pass/runs", { token: TOKEN, method: "POST" })).json.id;
  assertEquals((await call(serve, `/api/runs/${queued}`, { token: TOKEN })).json.status, "queued");

  await Deno.writeTextFile(
    serve.config,
    (base + monitor("added", "pass.ts")).replaceAll("${DIR}", serve.dir),
  );
  Deno.kill(serve.pid, "SIGHUP");
  for (;;) {
    // No event tells a client that the config was read again: ask until it shows.
    const names = (await call(serve, "/api/monitors", { token: TOKEN })).json.monitors.map((
      m: { name: string },
    ) => m.name);
    if (names.includes("added")) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const id of [slow, queued]) {
    for await (
      const e of serverSentEvents(`${serve.url}/api/runs/${id}/events`, {
        Authorization: `Bearer ${TOKEN}`,
      })
    ) {
      if (e.event === "end") {
        assertEquals(JSON.parse(e.data).status, "passed");
        break;
      }
    }
  }
  assertMatch(serve.log(), /config reloaded — 3 monitors, 0 scheduled/);
});
