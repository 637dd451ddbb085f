/**
 * Interrupting `ringo flow run`: the running scenario's teardown runs, its
 * agents stop, the report says "interrupted", the exit code is 130 (SIGINT)
 * or 143 (SIGTERM), and no baresip of that run is left.
 */
import { deepStrictEqual as assertEquals, match as assertMatch } from "node:assert/strict";
import { baresipChildren, command, isAlive, lastLine, readUntil, scenarioDir } from "./e2e.ts";

const LONG_CALL =
  `import { agent, expect, log, scenario, setup, State, teardown, until, wait } from "@ringo/flow";

setup(async () => ({ a: await agent("A"), b: await agent("B") }));
teardown(async ({ a }) => {
  log("teardown ran");
  if (a.state !== State.Idle) await a.hangup();
});

scenario("a long call", async ({ a, b }) => {
  await a.dial(b);
  await until(() => expect(b.state).toBe(State.Ringing));
  await b.accept();
  await until(() => expect(a.state).toBe(State.Established));
  await wait("60s");
});

scenario("never starts", () => {});
`;

for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  Deno.test(`${signal} mid-call ends the run with ${code}, after teardown, with no baresip left`, async () => {
    await using dir = await scenarioDir({ "long.ts": LONG_CALL });
    const child = command(["run", dir.path, "--json"]).spawn();
    const stderr = new Response(child.stderr).text();
    // The second assertion (A established) means the call is up.
    const { rest, seen } = await readUntil(
      child.stdout,
      (line) => line.includes('"A state is established"'),
    );
    const agents = baresipChildren(child.pid);
    assertEquals(agents.length, 2, `expected the run's two baresip processes, got ${agents}`);

    child.kill(signal);
    const status = await child.status;
    const events = `${seen}${await rest}`.trim().split("\n").map((l) => JSON.parse(l));
    assertEquals(status.code, code, await stderr);

    const end = events.find((e) => e.type === "scenario-end");
    assertEquals(end.status, "interrupted");
    assertEquals(events.some((e) => e.type === "log" && e.message === "teardown ran"), true);
    assertEquals(events.at(-1).type, "run-end");
    assertEquals(events.at(-1).interrupted, true);
    assertEquals(
      events.some((e) => e.type === "scenario-start" && e.name === "never starts"),
      false,
    );
    assertEquals(agents.filter(isAlive), [], "every baresip of the run has ended");
  });
}

Deno.test("the human report of an interrupted run says so above the summary", async () => {
  await using dir = await scenarioDir({ "long.ts": LONG_CALL });
  const child = command(["run", dir.path]).spawn();
  const stdout = new Response(child.stdout).text();
  const stderr = new Response(child.stderr).text();
  await waitForBaresip(child.pid, 2);
  child.kill("SIGINT");
  const status = await child.status;
  const text = await stdout;
  assertEquals(status.code, 130, text + (await stderr));
  assertMatch(text, /! .*long\.ts › a long call \(interrupted after/);
  assertMatch(text, /interrupted\n0 passed, 0 failed, 0 skipped\n$/);
  assertEquals(lastLine(text), "0 passed, 0 failed, 0 skipped");
});

/** Polls /proc (no event tells a test that a grandchild started) until `pid` has `count` baresip children. */
async function waitForBaresip(pid: number, count: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (baresipChildren(pid).length < count) {
    if (Date.now() > deadline) throw new Error(`no ${count} baresip processes under ${pid}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 300)); // let the call come up
}
