/**
 * Runner benchmarks:
 * - runner overhead: the README's two-party scenario (without its `wait`)
 *   run by the flow runner in-process, minus the same steps driven on the
 *   engine directly (the time spent in baresip and SIP);
 * - the whole CLI: `ringo flow run` of that scenario as a process (deno
 *   start-up, loading, sandbox, agents, report);
 * - event → until: from the moment the runner sees an agent change (the
 *   decoded baresip event) to the pending `until()` in the scenario's
 *   Worker returning.
 *
 * @module
 */
import { join } from "node:path";
import { Agent, CallState } from "../core/mod.ts";
import type { ScenarioFile } from "../flow/discover.ts";
import type { RunEvent } from "../flow/report/events.ts";
import { runScenarios } from "../flow/runner.ts";
import { formatRow } from "./stats.ts";

/** The two-party call of the README, without `wait`. */
export const TWO_PARTY = `import { agent, expect, State, until } from "@ringo/flow";
const a = await agent("A");
const b = await agent("B");
await a.dial(b);
await until(() => expect(b.state).toBe(State.Ringing), "15s");
await b.accept();
await until(() => expect(a.state).toBe(State.Established));
await a.hangup();
await until(() => expect(a.state).toBe(State.Idle), "10s");
await until(() => expect(b.state).toBe(State.Idle), "10s");
`;

/**
 * Dials, answers and hangs up \`rounds\` times; each time a pending
 * \`until\` had to wait for a change (its first attempt failed), logs how
 * long after the runner saw that change \`until\` returned.
 */
const LATENCY = (rounds: number) =>
  `import { agent, expect, log, State, until } from "@ringo/flow";
import type { Agent } from "@ringo/flow";
const now = () => performance.timeOrigin + performance.now();
async function awaitState(agent: Agent, state: State) {
  let attempts = 0;
  const latency = await until(() => {
    attempts++;
    expect(agent.state).toBe(state);
    return now() - agent.info().changedAt;
  }, "15s");
  if (attempts > 1) log("latency " + latency);
}
const a = await agent("A");
const b = await agent("B");
for (let i = 0; i < ${rounds}; i++) {
  await a.dial(b);
  await awaitState(b, State.Ringing);
  await b.accept();
  await awaitState(a, State.Established);
  await awaitState(b, State.Established);
  await a.hangup();
  await awaitState(b, State.Idle);
  await awaitState(a, State.Idle);
}
`;

/** Runs the runner benchmarks and prints one line per figure. */
export async function benchFlow(runs: number): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ringo-bench-flow-" });
  try {
    const twoParty = await scenarioFile(dir, "two_party.ts", TWO_PARTY);
    const engineMs: number[] = [];
    const runnerMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      engineMs.push(await twoPartyOnEngine());
      const t0 = performance.now();
      await runQuietly(twoParty);
      runnerMs.push(performance.now() - t0);
    }
    console.log(formatRow("two-party scenario: engine only", engineMs, "ms"));
    console.log(formatRow("two-party scenario: flow runner (in-process)", runnerMs, "ms"));
    const overhead = runnerMs.map((ms, i) => ms - engineMs[i]);
    console.log(formatRow("runner overhead (runner − engine)", overhead, "ms"));

    const cliMs: number[] = [];
    for (let i = 0; i < Math.max(3, Math.floor(runs / 3)); i++) {
      const t0 = performance.now();
      const { code } = await ringoProcess(["flow", "run", "-q", twoParty.path]).output();
      cliMs.push(performance.now() - t0);
      if (code !== 0) throw new Error(`ringo flow run exited ${code} in the benchmark`);
    }
    console.log(formatRow("`ringo flow run` of it, whole process", cliMs, "ms"));

    const latency = await scenarioFile(dir, "latency.ts", LATENCY(Math.max(runs, 10)));
    const logged = await runQuietly(latency);
    const latencyMs = logged.flatMap((e) =>
      e.type === "log" && e.message.startsWith("latency ") ? [Number(e.message.slice(8))] : []
    );
    console.log(formatRow("agent change → waiting until() returns", latencyMs, "ms"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function scenarioFile(dir: string, name: string, text: string): Promise<ScenarioFile> {
  const path = join(dir, name);
  await Deno.writeTextFile(path, text);
  return { path, file: name, root: dir };
}

/** Runs one file with the runner; throws unless every scenario passed; returns its events. */
async function runQuietly(file: ScenarioFile): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  const summary = await runScenarios({
    files: [file],
    timeoutMs: 60_000,
    grants: {},
    reporters: [{ handle: (e) => events.push(e) }],
  });
  if (summary.failed > 0 || summary.passed === 0) {
    const failure = events.find((e) => e.type === "scenario-end" && e.status === "failed");
    throw new Error(`benchmark scenario ${file.file} failed: ${JSON.stringify(failure)}`);
  }
  return events;
}

/** The steps of {@link TWO_PARTY} on the engine alone; returns the wall time in ms. */
async function twoPartyOnEngine(): Promise<number> {
  const t0 = performance.now();
  const [a, b] = await Promise.all([Agent.start({ name: "A" }), Agent.start({ name: "B" })]);
  try {
    await a.dial(b.contactUri);
    await b.waitFor((s) => s.calls[0]?.state === CallState.Ringing);
    await b.accept();
    await a.waitFor((s) => s.calls[0]?.state === CallState.Established);
    await a.hangup();
    await Promise.all([
      a.waitFor((s) => s.calls.length === 0),
      b.waitFor((s) => s.calls.length === 0),
    ]);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
  return performance.now() - t0;
}

/** `ringo <args>` as a user runs it from a checkout (`deno task ringo`). */
function ringoProcess(args: string[]): Deno.Command {
  const main = new URL("../main.ts", import.meta.url).pathname;
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--unstable-kv", "--unstable-worker-options", "--allow-all", main, ...args],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  });
}
