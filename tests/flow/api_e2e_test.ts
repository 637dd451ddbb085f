/**
 * The scenario API end to end: env layering, `wait` failing on a dropped
 * call, timeouts, teardown after failures, unawaited rejections, `--bail`,
 * `--logs`, `scenario.each` names.
 */
import { deepStrictEqual as assertEquals, match as assertMatch } from "node:assert/strict";
import { join } from "node:path";
import { lastLine, parseNdjson, ringoFlow, scenarioDir } from "./e2e.ts";

const CONNECT = `setup(async () => {
  const a = await agent("A");
  const b = await agent("B");
  await a.dial(b);
  await until(() => expect(b.state).toBe(State.Ringing));
  await b.accept();
  await until(() => expect(a.state).toBe(State.Established));
  return { a, b };
});`;

Deno.test("env() layers loadEnv files over --env-file over the sibling .env over the process", async () => {
  await using dir = await scenarioDir({
    "vars.ts": `import { env, expect, loadEnv } from "@ringo/flow";
expect(env("WHO")).toBe("ci");
expect(env("ONLY_SIBLING")).toBe("s");
expect(env("ONLY_PROCESS")).toBe("p");
await loadEnv("late.env");
expect(env("WHO")).toBe("late");
let message = "";
try {
  env("RINGO_E2E_UNSET");
} catch (error) {
  message = (error as Error).message;
}
expect(message).toMatch(/is not set: looked in .*vars\\.env, the process environment/);
`,
    "vars.env": "WHO=sibling\nONLY_SIBLING=s\n",
    "ci.env": "WHO=ci\n",
    "late.env": "WHO=late\n",
  });
  const run = await ringoFlow(["run", dir.path, "--env-file", join(dir.path, "ci.env")], {
    env: { WHO: "process", ONLY_PROCESS: "p" },
  });
  assertEquals(run.code, 0, run.stdout + run.stderr);
  assertEquals(lastLine(run.stdout), "1 passed, 0 failed, 0 skipped");
});

Deno.test("scenarios fail with sentences that name what went wrong and where", async (t) => {
  await using dir = await scenarioDir({
    "calls.ts":
      `import { agent, expect, log, scenario, setup, State, teardown, until, wait } from "@ringo/flow";
${CONNECT}
teardown(async ({ a }) => {
  log("teardown ran");
  if (a.state !== State.Idle) await a.hangup();
});

scenario("the call drops during wait", async ({ b }) => {
  setTimeout(() => void b.hangup(), 300);
  await wait("5s");
});

scenario("the scenario takes too long", { timeout: "1s" }, async () => {
  await wait("10s");
});

scenario("a rejection nobody awaited", async () => {
  Promise.reject(new Error("forgotten"));
  await wait("300ms");
});

scenario.each([{ digits: "1" }, { digits: "#9" }])("sends $digits", async ({ digits }, { a, b }) => {
  await a.dtmf(digits, "50ms");
  await until(() => expect(b.dtmfReceived).toBe(digits));
  await wait("200ms"); // only this scenario's calls are watched
  await until(() => b.dtmfReceived.length === digits.length);
});
`,
  });

  const run = await ringoFlow(["run", dir.path, "--json", "--logs"]);
  const events = parseNdjson(run.stdout);
  const end = (name: string) =>
    events.find((e) => e.type === "scenario-end" && e.name === name) as {
      id: string;
      status: string;
      error?: { message: string; location?: { line: number } };
      logs?: Record<string, string>;
    };

  await t.step("wait() fails as soon as an established call drops, naming the cause", () => {
    const e = end("the call drops during wait");
    assertEquals(e.status, "failed");
    assertMatch(
      e.error!.message,
      /^the call of [AB] with sip:[AB]@127\.0\.0\.1:\d+ dropped during wait\("5s"\) after \d+ms \(bye by the (local|remote) side: [^)]+\)$/,
    );
    assertEquals(e.error!.location?.line, 18);
  });

  await t.step("a scenario over its timeout fails at the line it was waiting on", () => {
    const e = end("the scenario takes too long");
    assertEquals(e.status, "failed");
    assertMatch(e.error!.message, /^scenario timed out after 1s/);
    assertEquals(e.error!.location?.line, 22);
  });

  await t.step("teardown runs after a failure, and --logs attaches the agents' logs", () => {
    const e = end("the scenario takes too long");
    const teardownLogs = events.filter((x) =>
      x.type === "log" && x.scenarioId === e.id && x.message === "teardown ran"
    );
    assertEquals(teardownLogs.length, 1);
    assertEquals(Object.keys(e.logs ?? {}).sort(), ["A", "B"]);
    assertMatch(e.logs!.A, /baresip/);
  });

  await t.step("an unawaited rejection fails the scenario it came from", () => {
    const e = end("a rejection nobody awaited");
    assertEquals(e.status, "failed");
    assertMatch(e.error!.message, /^Error: forgotten/);
  });

  await t.step("scenario.each names each scenario from its row", () => {
    assertEquals(end("sends 1").status, "passed");
    assertEquals(end("sends #9").status, "passed");
  });

  await t.step("the run fails with exit code 1", () => {
    assertEquals(run.code, 1, run.stderr);
    assertEquals(events.at(-1), { ...events.at(-1), passed: 2, failed: 3, skipped: 0 });
  });
});

Deno.test("--bail stops after the first failed scenario", async () => {
  await using dir = await scenarioDir({
    "two.ts": `import { expect, scenario } from "@ringo/flow";
scenario("first fails", () => expect(1).toBe(2));
scenario("second would fail too", () => expect(3).toBe(4));
`,
  });
  const run = await ringoFlow(["run", dir.path, "--bail"]);
  assertEquals(run.code, 1);
  assertMatch(run.stdout, /first fails[\s\S]*expected 2, got 1/);
  assertEquals(run.stdout.includes("second would fail too"), false);
  assertMatch(run.stdout, /interrupted\n0 passed, 1 failed, 0 skipped\n$/);
});

Deno.test("a scenario stuck in a loop is stopped after its timeout, and the file goes on", async () => {
  await using dir = await scenarioDir({
    "busy.ts": `import { agent, scenario } from "@ringo/flow";
scenario("spins", { timeout: "1s" }, async () => {
  await agent("A");
  while (Date.now() > 0) { /* never yields */ }
});
scenario("runs after", async () => {
  const b = await agent("B");
  if (!b.alive) throw new Error("B is not alive");
});
`,
  });
  const run = await ringoFlow(["run", dir.path]);
  assertEquals(run.code, 1);
  assertMatch(run.stdout, /✗ .*spins .*\n\s+scenario timed out after 1s and did not stop/);
  assertMatch(run.stdout, /✓ .*runs after/);
  assertEquals(lastLine(run.stdout), "1 passed, 1 failed, 0 skipped");
});

Deno.test("a call left unanswered when its scenario ends does not break the next scenario", async () => {
  await using dir = await scenarioDir({
    "left.ts": `import { agent, expect, scenario } from "@ringo/flow";
scenario("leaves a call unanswered", async () => {
  void agent("late");
});
scenario("the next scenario runs", async () => {
  const a = await agent("A");
  expect(a.name).toBe("A");
});
`,
  });
  const run = await ringoFlow(["run", join(dir.path, "left.ts")]);
  assertEquals(lastLine(run.stdout), "2 passed, 0 failed, 0 skipped", run.stdout + run.stderr);
  assertEquals(run.code, 0);
});

Deno.test("a plain script that fails in an API call reports the error and its line", async () => {
  await using dir = await scenarioDir({
    "late.ts": `import { agent, expect, State, until } from "@ringo/flow";
const a = await agent("A");
const b = await agent("B");
await a.dial(b);
await until(() => expect(b.state).toBe(State.Established), "300ms");
`,
  });
  const run = await ringoFlow(["run", join(dir.path, "late.ts"), "--json"]);
  const end = parseNdjson(run.stdout).find((e) => e.type === "scenario-end") as {
    error: { message: string; stack: string; location?: { line: number; column?: number } };
  };
  assertMatch(end.error.message, /^timed out after 300ms: B state: expected established, got /);
  assertMatch(end.error.stack, /^TimeoutError: /);
  assertEquals(end.error.location?.line, 5);
  assertEquals(run.code, 1);
});
