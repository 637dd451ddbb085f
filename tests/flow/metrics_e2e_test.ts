/**
 * `--metrics` (each agent's figures as `metric` events, JUnit properties
 * and report lines), `metric()` from a scenario, and
 * `--json-format ringo-flow` for CI parsers written for ringo-flow.
 */
import { deepStrictEqual as assertEquals, match as assertMatch } from "node:assert/strict";
import { join } from "node:path";
import { startPbx, TEST_USERS } from "../pbx/pbx.ts";
import { parseNdjson, ringoFlow, scenarioDir } from "./e2e.ts";

const CALL = `import { agent, expect, metric, scenario, State, until, wait } from "@ringo/flow";
scenario("a call with figures", { tags: ["m"] }, async () => {
  const a = await agent("A");
  const b = await agent("B");
  await a.dial(b);
  await until(() => expect(b.state).toBe(State.Ringing));
  await b.accept();
  await until(() => expect(a.state).toBe(State.Established));
  await wait("1s");
  await a.hangup();
  await until(() => expect(b.state).toBe(State.Idle));
  metric("checks", 3);
});
scenario("skipped", { skip: "not today" }, () => {});
scenario("failing", () => expect(1).toBe(2));
`;

type Metric = { name: string; value: number; unit?: string; agent?: string; call?: number };

Deno.test("--metrics reports each agent's call figures in NDJSON, JUnit and the report", async (t) => {
  await using dir = await scenarioDir({ "call.ts": CALL });
  const junit = join(dir.path, "flow.xml");
  const run = await ringoFlow([
    "run",
    join(dir.path, "call.ts"),
    "--metrics",
    "--json",
    "--junit",
    junit,
  ]);
  const metrics = parseNdjson(run.stdout).filter((e) => e.type === "metric") as unknown as Metric[];
  const of = (agent: string | undefined, name: string) =>
    metrics.find((m) => m.agent === agent && m.name === name);

  await t.step("the caller's post-dial delay and setup time, both sides' duration", () => {
    assertEquals(run.code, 1, run.stderr);
    const pdd = of("A", "post_dial_delay")!;
    const setup = of("A", "setup_time")!;
    assertEquals([pdd.unit, pdd.call, setup.unit, setup.call], ["ms", 1, "ms", 1]);
    assertEquals(pdd.value >= 0 && setup.value >= pdd.value, true, JSON.stringify(metrics));
    for (const agent of ["A", "B"]) {
      const duration = of(agent, "call_duration")!;
      assertEquals(duration.unit, "s");
      assertEquals(duration.value >= 1 && duration.value < 10, true, JSON.stringify(duration));
    }
    assertEquals(of("B", "setup_time"), undefined); // B did not dial
  });

  await t.step("the scenario's own metric() is there too", () => {
    assertEquals(of(undefined, "checks"), { ...of(undefined, "checks")!, value: 3 });
  });

  await t.step("JUnit has them as properties of the test case", async () => {
    const xml = await Deno.readTextFile(junit);
    assertMatch(xml, /<property name="A\.call1\.setup_time_ms" value="[\d.]+"\/>/);
    assertMatch(xml, /<property name="B\.call1\.call_duration_s" value="[\d.]+"\/>/);
    assertMatch(xml, /<property name="checks" value="3"\/>/);
  });

  await t.step("without --metrics only the scenario's own are reported", async () => {
    const plain = await ringoFlow(["run", join(dir.path, "call.ts"), "--json"]);
    const names = parseNdjson(plain.stdout).filter((e) => e.type === "metric").map((e) => e.name);
    assertEquals(names, ["checks"]);
  });

  await t.step("the human report shows them under the scenario", async () => {
    const human = await ringoFlow(["run", join(dir.path, "call.ts"), "--metrics"]);
    assertMatch(
      human.stdout,
      /✓ .*a call with figures .*\n {4}metrics: checks 3\n {4}A: call 1 post_dial_delay [\d.]+ ms, call 1 setup_time/,
    );
  });
});

Deno.test("registration time is a metric of agents with a registrar", async () => {
  await using pbx = await startPbx();
  await using dir = await scenarioDir({
    "reg.ts": `import { agent, env } from "@ringo/flow";
await agent("A", { username: "alice", domain: env("SIP_DOMAIN"), password: env("A_PASS") });
`,
  });
  const run = await ringoFlow(["run", join(dir.path, "reg.ts"), "--metrics", "--json"], {
    env: { SIP_DOMAIN: `${pbx.domain}:${pbx.port}`, A_PASS: TEST_USERS.alice },
  });
  assertEquals(run.code, 0, run.stdout + run.stderr);
  const reg = parseNdjson(run.stdout).find((e) => e.type === "metric") as unknown as Metric;
  assertEquals([reg.agent, reg.name, reg.unit], ["A", "register_time", "ms"]);
  assertEquals(reg.value > 0 && reg.value < 5000, true);
});

Deno.test("--json-format ringo-flow writes ringo-flow's events for its CI parsers", async () => {
  await using dir = await scenarioDir({ "call.ts": CALL });
  const run = await ringoFlow(["run", join(dir.path, "call.ts"), "--json-format", "ringo-flow"]);
  assertEquals(run.code, 1, run.stderr);
  const events = parseNdjson(run.stdout);
  assertEquals(events.every((e) => typeof e.event === "string" && typeof e.ts === "string"), true);
  assertEquals([...new Set(events.map((e) => e.event))].sort(), [
    "assertion",
    "log",
    "metric",
    "run_finished",
    "run_started",
    "scenario_finished",
    "scenario_started",
  ]);
  const finished = events.filter((e) => e.event === "scenario_finished");
  assertEquals(finished.map((e) => [e.name, e.passed, e.status]), [
    ["a call with figures", true, "passed"],
    ["skipped", false, "skipped"],
    ["failing", false, "failed"],
  ]);
  assertMatch(String(finished[2].error), /expected 2, got 1/);
  assertMatch(String(finished[2].location), /call\.ts:15:\d+$/);
  assertEquals(finished[1].reason, "not today");
  const started = events.find((e) => e.event === "scenario_started");
  assertEquals([started?.name, started?.tags], ["a call with figures", ["m"]]);
  const metric = events.find((e) => e.event === "metric");
  assertEquals([metric?.scenario, metric?.name, metric?.value], [
    "a call with figures",
    "checks",
    3,
  ]);
  const end = events.at(-1)!;
  assertEquals(
    [end.event, end.passed, end.failed, end.skipped, end.success],
    ["run_finished", 1, 1, 1, false],
  );
});
