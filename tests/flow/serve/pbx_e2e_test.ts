/**
 * One monitor through the kamailio test PBX: `examples/pbx/call.ts` with the
 * accounts in an env file, as a user would set it up; its agents register,
 * the metrics say so, and the passwords appear nowhere in the archive.
 */
import { join } from "node:path";
import { startPbx, TEST_USERS } from "../../pbx/pbx.ts";
import { assertEquals, assertMatch } from "../../assert.ts";
import { REPO } from "../e2e.ts";
import { call, promtoolCheck, startServe } from "./serve_helpers.ts";

Deno.test("a monitor calls through a real registrar and proxy, and ringo_agent_registered says so", async () => {
  await using pbx = await startPbx();
  await using serve = await startServe({
    config: `[archive]
path = "\${DIR}/archive"
[[auth.token]]
name = "ci"
token_env = "T_CI"
[[monitor]]
name = "pbx-call"
path = "${join(REPO, "examples/pbx/call.ts")}"
env_file = "\${DIR}/pbx.env"
timeout = "1m"
`,
    env: { T_CI: "pbx-test-token-0123456789" },
  });
  await Deno.writeTextFile(
    join(serve.dir, "pbx.env"),
    `SIP_DOMAIN=${pbx.domain}:${pbx.port}\nA_USER=alice\nA_PASS=${TEST_USERS.alice}\nB_USER=bob\nB_PASS=${TEST_USERS.bob}\n`,
  );
  const token = "pbx-test-token-0123456789";
  const run = await call(serve, "/api/monitors/pbx-call/runs?wait=true", { token, method: "POST" });
  assertEquals(run.status, 200, run.text);
  const agents = run.json.scenarios[0].agents;
  assertEquals(
    agents.map((
      a: { name: string; registration: string; loopback: boolean },
    ) => [a.name, a.registration, a.loopback]),
    [
      ["A", "registered", false],
      ["B", "registered", false],
    ],
  );
  assertMatch(agents[0].aor, new RegExp(`^sip:alice@127\\.0\\.0\\.1:${pbx.port}`));

  const sip = (await call(serve, `/api/runs/${run.json.id}/sip`, { token })).json.scenarios[0];
  const methods = sip.messages.map((m: { method?: string }) => m.method).filter(Boolean);
  assertEquals(methods.includes("REGISTER") && methods.includes("INVITE"), true, methods.join(" "));
  assertEquals(
    Object.keys(sip.endpoints).some((e) => e.endsWith(`:${pbx.port}`)),
    false,
    "the PBX is not an agent",
  );

  const metrics = (await call(serve, "/metrics", { token })).text;
  assertMatch(
    metrics,
    /^ringo_agent_registered\{monitor="pbx-call",file="[^"]*call\.ts",scenario="call",agent="A"\} 1$/m,
  );
  const check = await promtoolCheck(metrics);
  assertEquals([check.parsed, check.problems], [true, []], check.output);

  const events = (await call(serve, `/api/runs/${run.json.id}/events`, { token })).text;
  for (const password of [TEST_USERS.alice, TEST_USERS.bob]) {
    assertEquals(events.includes(password), false, "the archive holds no password");
  }
});
