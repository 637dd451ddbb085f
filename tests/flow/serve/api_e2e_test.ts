/**
 * `ringo flow serve` end to end: the CLI as a process, monitors that run
 * real `ringo flow run` children with loopback agents, and the HTTP API
 * with tokens, a session, CSRF and the rate-limited login.
 */
import { join } from "node:path";
import { hashSecret } from "../../../flow/serve/password.ts";
import { assertEquals, assertMatch } from "../../assert.ts";
import { REPO } from "../e2e.ts";
import { call, FIXTURES, promtoolCheck, serverSentEvents, startServe } from "./serve_helpers.ts";

const TOKENS = { T_CI: "ci-token-0123456789", T_READER: "reader-token-0123456789" };

async function config(): Promise<string> {
  return `[server]
concurrency = 2
[archive]
path = "\${DIR}/archive"
[[auth.user]]
name = "ops"
password_hash = "${await hashSecret("ops-password")}"
[[auth.token]]
name = "ci"
token_env = "T_CI"
[[auth.token]]
name = "reader"
token_env = "T_READER"
scopes = ["read"]
[[monitor]]
name = "pass"
path = "${FIXTURES}pass.ts"
save_audio = true
[[monitor]]
name = "fail"
path = "${FIXTURES}fail.ts"
[[monitor]]
name = "audio"
path = "${join(REPO, "examples/loopback/audio.ts")}"
`;
}

Deno.test("ringo flow serve runs monitors on demand and serves their results, files and metrics", async (t) => {
  await using serve = await startServe({ config: await config(), env: TOKENS });
  const ci = TOKENS.T_CI;
  let passId = "";
  // A call long enough for RTCP (about 5 s), running beside the steps below.
  const audioRun = call(serve, "/api/monitors/audio/runs?wait=true", { token: ci, method: "POST" });

  await t.step("GET /healthz needs no auth; the API does", async () => {
    assertEquals((await call(serve, "/healthz")).json.status, "ok");
    const denied = await call(serve, "/api/monitors");
    assertEquals(denied.status, 401);
    assertMatch(denied.json.error, /authentication required/);
    assertEquals(denied.headers.get("www-authenticate"), 'Bearer realm="ringo flow serve"');
    assertEquals((await call(serve, "/metrics")).status, 401);
    assertEquals((await call(serve, "/api/monitors", { token: "wrong" })).status, 401);
  });

  await t.step("a read-only token reads but cannot start a run", async () => {
    const monitors = await call(serve, "/api/monitors", { token: TOKENS.T_READER });
    assertEquals(monitors.json.monitors.map((m: { name: string }) => m.name), [
      "pass",
      "fail",
      "audio",
    ]);
    const refused = await call(serve, "/api/monitors/pass/runs", {
      token: TOKENS.T_READER,
      method: "POST",
    });
    assertEquals(refused.status, 403);
    assertMatch(refused.json.error, /token "reader" lacks the "run" scope/);
  });

  await t.step("?wait=true answers 200 with the result of a passing run", async () => {
    const run = await call(serve, "/api/monitors/pass/runs?wait=true", {
      token: ci,
      method: "POST",
    });
    assertEquals(run.status, 200, run.text);
    passId = run.json.id;
    assertEquals(run.json.status, "passed");
    assertEquals(run.json.trigger, { kind: "api", by: "ci" });
    assertEquals(run.json.counts, { passed: 1, failed: 0, skipped: 0 });
    const [s] = run.json.scenarios;
    assertEquals([s.name, s.status, s.sipMessages > 3], ["pass", "passed", true]);
    assertEquals(s.agents.map((a: { name: string }) => a.name), ["A", "B"]);
    // Each agent's sent audio at least (a call this short may end before a received dump starts).
    assertEquals(
      new Set(s.audio.map((f: string) => f.split("/")[0])),
      new Set(["A", "B"]),
      JSON.stringify(s.audio),
    );
    assertEquals(
      s.audio.every((f: string) => /^[AB]\/call1-[ab]-(sent|received)\.wav$/i.test(f)),
      true,
      JSON.stringify(s.audio),
    );
    assertEquals(run.json.links.junit, `/api/runs/${passId}/junit.xml`);
  });

  await t.step("?wait=true answers 502 with the failure explained and its line", async () => {
    const run = await call(serve, "/run/fail?wait=true", { token: ci, method: "POST" });
    assertEquals(run.status, 502, run.text);
    assertEquals(run.json.status, "failed");
    const [s] = run.json.scenarios;
    assertEquals(s.error.location.line, 8);
    assertMatch(
      s.explanation,
      /line 8, the scenario waited 300ms for B state to be established, but it stayed ringing\./,
    );
    assertMatch(run.json.message, /waited 300ms for B state/);
  });

  await t.step("without ?wait the run is accepted (202) and can be followed", async () => {
    const accepted = await call(serve, "/api/monitors/pass/runs", { token: ci, method: "POST" });
    assertEquals(accepted.status, 202);
    assertEquals(accepted.headers.get("location"), `/api/runs/${accepted.json.id}`);
    const seen: string[] = [];
    let end;
    for await (
      const e of serverSentEvents(`${serve.url}/api/runs/${accepted.json.id}/events`, {
        Authorization: `Bearer ${ci}`,
      })
    ) {
      if (e.event === "end") {
        end = JSON.parse(e.data);
        break;
      }
      seen.push(JSON.parse(e.data).type);
    }
    assertEquals(end.status, "passed");
    assertEquals(seen[0], "run-start");
    assertEquals(seen.at(-1), "run-end");
    assertEquals(seen.includes("sip"), true);
  });

  await t.step("runs are listed newest first and filtered", async () => {
    const all = await call(serve, "/api/runs", { token: ci });
    assertEquals(all.json.runs.filter((r: { monitor: string }) => r.monitor !== "audio").length, 3);
    const failed = await call(serve, "/api/runs?status=failed", { token: ci });
    assertEquals(failed.json.runs.map((r: { monitor: string }) => r.monitor), ["fail"]);
    const byMonitor = await call(serve, "/api/runs?monitor=pass&limit=1", { token: ci });
    assertEquals(byMonitor.json.runs.length, 1);
    assertMatch(byMonitor.json.next, /before=/);
    const bad = await call(serve, "/api/runs?status=green", { token: ci });
    assertEquals(bad.status, 400);
    assertEquals((await call(serve, "/api/runs/0mx00000000000", { token: ci })).status, 404);
    assertEquals(
      (await call(serve, "/api/monitors/nope/runs", { token: ci, method: "POST" })).json.hint,
      "the monitors are: pass, fail, audio",
    );
  });

  await t.step(
    "a run's events, JUnit, pcap, SIP messages and audio can be downloaded",
    async () => {
      const events = await call(serve, `/api/runs/${passId}/events`, { token: ci });
      assertEquals(events.headers.get("content-type"), "application/x-ndjson; charset=utf-8");
      const types = events.text.trim().split("\n").map((l) => JSON.parse(l).type);
      assertEquals(types, [
        "run-start",
        "scenario-start",
        ...types.slice(2, -3),
        "sip",
        "scenario-end",
        "run-end",
      ]);
      const junit = await call(serve, `/api/runs/${passId}/junit.xml`, { token: ci });
      assertMatch(junit.text, /<testsuites name="ringo flow" tests="1" failures="0"/);
      const pcap = await fetch(`${serve.url}/api/runs/${passId}/pcap`, {
        headers: { Authorization: `Bearer ${ci}` },
      });
      const bytes = new Uint8Array(await pcap.arrayBuffer());
      assertEquals([...bytes.subarray(0, 4)], [0xd4, 0xc3, 0xb2, 0xa1], "pcap magic");
      const sip = await call(serve, `/api/runs/${passId}/sip`, { token: ci });
      const [capture] = sip.json.scenarios;
      assertEquals(capture.messages[0].method, "INVITE");
      assertEquals(new Set(Object.values(capture.endpoints)), new Set(["A", "B"]));

      const record = await call(serve, `/api/runs/${passId}`, { token: ci });
      const audio = record.json.links.audio[0];
      const wav = await fetch(`${serve.url}${audio.url}`, {
        headers: { Authorization: `Bearer ${ci}`, Range: "bytes=0-11" },
      });
      assertEquals(wav.status, 206);
      assertEquals(wav.headers.get("content-type"), "audio/wav");
      assertMatch(wav.headers.get("content-range")!, /^bytes 0-11\/\d+$/);
      const head = new TextDecoder().decode(await wav.arrayBuffer());
      assertEquals([head.length, head.slice(0, 4), head.slice(8)], [12, "RIFF", "WAVE"]);
      const traversal = await call(serve, `/api/runs/${passId}/audio/s1/A/..%2F..%2Fserve.toml`, {
        token: ci,
      });
      assertEquals(traversal.status, 404);
    },
  );

  await t.step("each agent's call quality is in the run and in the metrics", async () => {
    const run = await audioRun;
    assertEquals(run.status, 200, run.text);
    const [a, b] = run.json.scenarios[0].agents;
    assertEquals([a.quality.mos > 4, b.quality.packetLoss], [true, 0]);
    const metrics = (await call(serve, "/metrics", { token: ci })).text;
    assertMatch(
      metrics,
      /^ringo_call_mos\{monitor="audio",file="[^"]*audio\.ts",scenario="audio",agent="B"\} 4\.\d+$/m,
    );
    assertMatch(metrics, /^ringo_call_jitter_ms\{monitor="audio",[^}]*agent="A"\} [\d.]+$/m);
    assertMatch(metrics, /^ringo_call_packet_loss_pct\{monitor="audio",[^}]*agent="B"\} 0$/m);
    assertMatch(metrics, /^ringo_call_rtt_ms\{monitor="audio",[^}]*agent="A"\} [\d.]+$/m);
  });

  await t.step("/metrics counts the runs and passes promtool", async () => {
    const metrics = await call(serve, "/metrics", { token: TOKENS.T_READER });
    assertEquals(metrics.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    assertMatch(metrics.text, /^ringo_monitor_runs_total\{monitor="pass",result="passed"\} 2$/m);
    assertMatch(metrics.text, /^ringo_monitor_runs_total\{monitor="fail",result="failed"\} 1$/m);
    assertMatch(metrics.text, /^ringo_monitor_last_success\{monitor="fail"\} 0$/m);
    assertMatch(
      metrics.text,
      /^ringo_scenario_last_success\{monitor="pass",file="[^"]*pass\.ts",scenario="pass"\} 1$/m,
    );
    const check = await promtoolCheck(metrics.text);
    assertEquals([check.parsed, check.problems], [true, []], check.output);
  });

  await t.step(
    "dashboard sessions: cookies are HttpOnly and SameSite, changes need the CSRF token",
    async () => {
      const login = await call(serve, "/api/session", {
        method: "POST",
        body: { user: "ops", password: "ops-password" },
      });
      assertEquals(login.status, 200, login.text);
      const cookie = login.headers.get("set-cookie")!;
      assertMatch(
        cookie,
        /^ringo_session=[A-Za-z0-9_-]{40,}; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/,
      );
      const session = cookie.split(";")[0];
      const csrf = login.json.csrf;
      assertEquals(
        (await call(serve, "/api/monitors", { headers: { Cookie: session } })).status,
        200,
      );
      const noToken = await call(serve, "/api/monitors/pass/runs", {
        method: "POST",
        headers: { Cookie: session },
      });
      assertEquals(noToken.status, 403);
      assertMatch(noToken.json.error, /CSRF token is missing or wrong/);
      const forged = await call(serve, "/api/monitors/pass/runs", {
        method: "POST",
        headers: { Cookie: session, "X-CSRF-Token": "forged" },
      });
      assertEquals(forged.status, 403);
      const crossSite = await call(serve, "/api/monitors/pass/runs", {
        method: "POST",
        headers: { Cookie: session, "X-CSRF-Token": csrf, Origin: "https://evil.example" },
      });
      assertEquals(crossSite.status, 403);
      const ok = await call(serve, "/api/monitors/pass/runs?wait=true", {
        method: "POST",
        headers: { Cookie: session, "X-CSRF-Token": csrf },
      });
      assertEquals(ok.status, 200, ok.text);
      assertEquals(ok.json.trigger, { kind: "dashboard", by: "ops" });
      const out = await call(serve, "/api/session", {
        method: "DELETE",
        headers: { Cookie: session },
      });
      assertEquals(out.status, 204);
      assertEquals(
        (await call(serve, "/api/monitors", { headers: { Cookie: session } })).status,
        401,
      );
    },
  );

  await t.step(
    "wrong passwords are refused, then rate-limited even with the right one",
    async () => {
      for (let i = 0; i < 5; i++) {
        const wrong = await call(serve, "/api/session", {
          method: "POST",
          body: { user: "ops", password: `guess-${i}` },
        });
        assertEquals(wrong.status, i < 4 ? 401 : 429, wrong.text);
      }
      const limited = await call(serve, "/api/session", {
        method: "POST",
        body: { user: "ops", password: "ops-password" },
      });
      assertEquals(limited.status, 429);
      assertMatch(limited.json.error, /too many failed logins: try again in \d+ s/);
      assertMatch(limited.headers.get("retry-after")!, /^\d+$/);
    },
  );

  await t.step("secrets never reach the serve log", () => {
    for (const secret of [...Object.values(TOKENS), "ops-password"]) {
      assertEquals(serve.log().includes(secret), false, `the log shows ${secret}`);
    }
  });

  await t.step("SIGTERM ends open event streams and exits 0", async () => {
    const stream = serverSentEvents(`${serve.url}/api/stream`, { Authorization: `Bearer ${ci}` });
    assertEquals((await stream.next()).value?.event, "hello");
    assertEquals(await serve.stop(), 0);
    assertEquals((await stream.next().catch(() => ({ done: true }))).done, true);
  });
});
