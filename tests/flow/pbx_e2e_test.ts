/**
 * Scenarios against a real registrar (the kamailio test PBX): agents with
 * an account register before `agent()` resolves, credentials come from the
 * scenario's env file, a refused registration fails the scenario with the
 * registrar's answer, and numbers are dialled in the agent's domain.
 */
import { deepStrictEqual as assertEquals, match as assertMatch } from "node:assert/strict";
import { startPbx, TEST_USERS } from "../pbx/pbx.ts";
import { parseNdjson, ringoFlow, scenarioDir } from "./e2e.ts";

const PBX_CALLS = `import { agent, env, expect, scenario, State, until } from "@ringo/flow";

const account = (user: string, password = env(user.toUpperCase() + "_PASS")) => ({
  username: user,
  domain: env("SIP_DOMAIN"),
  password,
});

scenario("registered users call each other by number", { tags: ["pbx"] }, async () => {
  const a = await agent("A", account("alice"));
  const b = await agent("B", account("bob"));
  expect(a.registered).toBe(true);
  await a.dial("bob");
  await until(() => expect(b.state).toBe(State.Ringing));
  expect(b.peer?.number).toBe("alice");
  await b.accept();
  await until(() => expect(a.state).toBe(State.Established));
  await b.hangup();
  await until(() => expect(a.state).toBe(State.Idle));
});

scenario("an unknown number gets 404", { tags: ["pbx"] }, async () => {
  const a = await agent("A", account("alice"));
  await a.dial("nobody");
  await until(() => expect(a.statusCode).toBe(404));
});

scenario("a wrong password fails at agent()", { tags: ["pbx"] }, async () => {
  await agent("A", account("alice", "wrong-password"));
});
`;

Deno.test("scenarios with accounts register at a real PBX before agent() resolves", async () => {
  await using pbx = await startPbx();
  await using dir = await scenarioDir({
    "pbx.ts": PBX_CALLS,
    "pbx.env": [
      `SIP_DOMAIN=${pbx.domain}:${pbx.port}`,
      `ALICE_PASS=${TEST_USERS.alice}`,
      `BOB_PASS=${TEST_USERS.bob}`,
    ].join("\n"),
  });
  const run = await ringoFlow(["run", dir.path, "--json"]);
  const ends = parseNdjson(run.stdout).filter((e) => e.type === "scenario-end") as Array<
    { name: string; status: string; error?: { message: string; location?: { line: number } } }
  >;
  assertEquals(ends.map((e) => [e.name, e.status]), [
    ["registered users call each other by number", "passed"],
    ["an unknown number gets 404", "passed"],
    ["a wrong password fails at agent()", "failed"],
  ], JSON.stringify(ends, null, 2) + run.stderr);
  const refused = ends[2].error!;
  assertMatch(refused.message, /agent "A" could not register as sip:alice@127\.0\.0\.1:\d+: 403/);
  assertEquals(refused.location?.line, 29);
  assertEquals(run.code, 1);
});
