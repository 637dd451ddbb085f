/**
 * How a scenario's agents handle calls: `max_calls`, `auto_hold` and
 * `rtp_timeout` in the agent config, on loopback agents, and a call's end
 * `cause` as scenarios read it.
 */
import { deepStrictEqual as assertEquals, match as assertMatch } from "node:assert/strict";
import { lastLine, parseNdjson, ringoFlow, scenarioDir } from "./e2e.ts";

Deno.test("agent config: max_calls, auto_hold and rtp_timeout take effect, bad values are named", async () => {
  await using dir = await scenarioDir({
    "calls.ts": `import { agent, expect, scenario, State, until, wait } from "@ringo/flow";

scenario("max_calls 1: a second caller gets 486 while the first call is up", async () => {
  const b = await agent("B", { max_calls: 1 });
  const a = await agent("A");
  const c = await agent("C");
  await a.dial(b);
  await until(() => expect(b.state).toBe(State.Ringing));
  await b.accept();
  await until(() => expect(a.state).toBe(State.Established));
  await c.dial(b);
  await until(() => expect(c.state).toBe(State.Idle));
  expect(c.statusCode).toBe(486);
  await wait("1s"); // B's refusal reaches the report from its log, beside the 486 to C
});

scenario("auto_hold false by default: both calls stay established, nobody held", async () => {
  const b = await agent("B");
  const a = await agent("A");
  const c = await agent("C");
  await a.dial(b);
  await until(() => expect(b.state).toBe(State.Ringing));
  await b.accept();
  await until(() => expect(a.state).toBe(State.Established));
  await c.dial(b);
  await until(() => expect(b.calls.length).toBe(2));
  await until(() => expect(b.calls[1].state).toBe(State.Ringing));
  await b.accept();
  await until(() => expect(c.state).toBe(State.Established));
  expect(b.calls.map((x) => x.held)).toEqual([b.info().baresipVersion === "1.0.0", false]);
});

scenario("bad values are refused with the field named", async () => {
  let message = "";
  try {
    await agent("X", { max_calls: 0 });
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toMatch(/agent "X": max_calls must be a whole number ≥ 1, got 0/);
  message = "";
  try {
    await agent("Y", { rtp_timeout: "soon" });
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toMatch(/agent "Y": rtp_timeout: invalid duration "soon"/);
});
`,
  });
  const run = await ringoFlow(["run", dir.path]);
  assertEquals(lastLine(run.stdout), "3 passed, 0 failed, 0 skipped", run.stdout + run.stderr);
  assertMatch(run.stdout, /max_calls 1/);
  // baresip only logs the refusal; the report names the limit and how to raise it.
  const json = await ringoFlow([
    "run",
    dir.path,
    "--json",
    "--scenario",
    "max_calls 1: a second caller gets 486 while the first call is up",
  ]);
  const warnings = parseNdjson(json.stdout).filter((e) => e.type === "log" && e.level === "warn");
  assertMatch(
    warnings.map((e) => e.message).join("\n"),
    /^agent "B" refused a call from sip:C@127\.0\.0\.1:\d+ with 486 Max Calls: it takes 1 call at once \(raise max_calls in the agent's options\)$/m,
  );
});
