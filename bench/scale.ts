/**
 * Scale benchmarks, one run per size (they take minutes, not milliseconds):
 * - N agents started at once → all ready; each idle agent's cost: its
 *   baresip's RSS, ringo's share of RSS and CPU (flat as N grows);
 * - one scenario of N loopback agents in N/2 concurrent calls, each caller
 *   sending its own tone and each callee verifying it: time to all
 *   established and all verified, CPU (baresip's and ringo's) and RSS
 *   while the calls run, CPU per established call, and failures;
 * - `until` wake-up latency while N agents change state at once (the
 *   ringing and established of every pair).
 *
 * @module
 */
import { join } from "node:path";
import { Agent } from "../core/mod.ts";
import type { RunEvent } from "../flow/report/events.ts";
import { runScenarios } from "../flow/runner.ts";
import {
  baresipChildren,
  cpuMeter,
  type Figure,
  formatTable,
  median,
  percentile,
  rssMb,
} from "./stats.ts";

/** Runs the scale benchmarks for each size and prints one table. */
export async function benchScale(sizes: number[], label: string): Promise<void> {
  const columns: Array<{ label: string; figures: Figure[] }> = [];
  for (const n of sizes) {
    console.error(`bench: scale N=${n} (${label})`);
    const figures = [...await idleAgents(n), ...await toneCalls(n)];
    columns.push({ label: `N=${n}`, figures });
  }
  console.log(`\nscale on ${label}: N loopback agents, N/2 calls (one run per size)`);
  console.log(formatTable(columns));
}

/** N agents started at once, then left idle for a moment. */
async function idleAgents(n: number): Promise<Figure[]> {
  const rssBefore = rssMb("self");
  const t0 = performance.now();
  const settled = await Promise.allSettled(
    Array.from({ length: n }, (_, i) => Agent.start({ name: `idle${i}` })),
  );
  const readyMs = performance.now() - t0;
  const agents = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failures = settled.filter((s) => s.status === "rejected") as PromiseRejectedResult[];
  if (failures.length > 0) console.error(`bench: ${failures[0].reason.message}`);
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const cpu = cpuMeter(agents.map((a) => a.pid));
    await new Promise((r) => setTimeout(r, 3000));
    const { selfPct, childrenPct } = cpu.stop();
    const count = Math.max(1, agents.length);
    return [
      { name: "N agents started at once → all ready", values: [readyMs], unit: "ms" },
      { name: "agents that failed to start", values: [failures.length], unit: "count" },
      { name: "idle agent: baresip RSS", values: agents.map((a) => rssMb(a.pid)), unit: "MB" },
      { name: "ringo's RSS with the N idle agents", values: [rssMb("self")], unit: "MB" },
      {
        name: "idle agent: ringo's share of RSS",
        values: [Math.max(0, rssMb("self") - rssBefore) / count],
        unit: "MB",
      },
      { name: "idle agent: baresip CPU", values: [childrenPct / count], unit: "%" },
      { name: "idle agents: ringo CPU, all of them", values: [selfPct], unit: "%" },
    ];
  } finally {
    await Promise.all(agents.map((a) => a.stop()));
  }
}

/**
 * The scenario: N agents, N/2 calls, caller i sends TONES(i), callee i
 * verifies it; every wait logs how late `until` woke after the change.
 * Between "steady" and "steady end" the calls only run (the bench samples
 * CPU); failures are counted, not thrown, so that the figures come out.
 */
const TONE_CALLS = (n: number) =>
  `import { agent, expect, log, State, tone, until, wait } from "@ringo/flow";
import type { Agent } from "@ringo/flow";
const now = () => performance.timeOrigin + performance.now();
const pairs = ${n / 2};
const hz = (i: number) => 300 + Math.round((i * 3000) / Math.max(1, pairs - 1));
async function reach(agent: Agent, state: State) {
  let attempts = 0;
  const late = await until(() => {
    attempts++;
    expect(agent.state).toBe(state);
    return now() - agent.info().changedAt;
  }, "60s");
  if (attempts > 1) log("wake " + late);
}
const t0 = now();
const agents = await Promise.all(Array.from({ length: pairs * 2 }, (_, i) => agent("p" + i)));
const callers = agents.slice(0, pairs);
const callees = agents.slice(pairs);
log("mark ready " + (now() - t0));
const t1 = now();
// Each wait starts before the change it waits for, so that it measures the wake-up.
const ringing = callees.map((b) => reach(b, State.Ringing));
await Promise.all(callers.map((a, i) => a.dial(callees[i])));
await Promise.all(ringing);
const established = agents.map((x) => reach(x, State.Established));
await Promise.all(callees.map((b) => b.accept()));
await Promise.all(established);
log("mark established " + (now() - t1));
const t2 = now();
await Promise.all(callers.map((a, i) => a.sendAudio(tone(hz(i)))));
const heard = await Promise.allSettled(callees.map((b, i) => b.verifyAudio(hz(i), "60s")));
const deaf = heard.filter((h) => h.status === "rejected");
log("mark verified " + (now() - t2));
log("mark failures " + deaf.length);
if (deaf.length) log("first failure " + (deaf[0] as PromiseRejectedResult).reason.message);
log("mark steady");
await wait("5s");
log("mark steady-end");
const idle = agents.map((x) => reach(x, State.Idle));
await Promise.all(callers.map((a) => a.hangup()));
await Promise.all(idle);
`;

/** Runs {@link TONE_CALLS} for N agents and measures it. */
async function toneCalls(n: number): Promise<Figure[]> {
  const dir = await Deno.makeTempDir({ prefix: "ringo-bench-scale-" });
  const path = join(dir, `calls_${n}.ts`);
  await Deno.writeTextFile(path, TONE_CALLS(n));
  const marks = new Map<string, number>();
  const wakes: number[] = [];
  let cpu: ReturnType<typeof cpuMeter> | undefined;
  let steady: { selfPct: number; childrenPct: number; rss: number; children: number } | undefined;
  let failure: string | undefined;
  const onEvent = (e: RunEvent) => {
    if (e.type === "scenario-end" && e.status !== "passed") failure = e.error?.message;
    if (e.type !== "log") return;
    if (e.message.startsWith("first failure")) console.error(`bench: N=${n}: ${e.message}`);
    if (e.message.startsWith("wake ")) wakes.push(Number(e.message.slice(5)));
    const mark = /^mark (\S+)(?: (\S+))?$/.exec(e.message);
    if (!mark) return;
    console.error(`bench: N=${n}: ${e.message.slice(5)}`);
    marks.set(mark[1], Number(mark[2] ?? 0));
    if (mark[1] === "steady") cpu = cpuMeter(baresipChildren());
    if (mark[1] === "steady-end" && cpu) {
      const pids = baresipChildren();
      steady = {
        ...cpu.stop(),
        rss: rssMb("self") + pids.reduce((sum, pid) => sum + rssMb(pid), 0),
        children: pids.length,
      };
    }
  };
  const t0 = performance.now();
  try {
    await runScenarios({
      files: [{ path, file: `calls_${n}.ts`, root: dir }],
      timeoutMs: 300_000,
      grants: {},
      reporters: [{ handle: onEvent }],
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  if (failure) console.error(`bench: N=${n}: the scenario failed: ${failure}`);
  const calls = n / 2;
  return [
    { name: "scenario: N agents → all ready", values: [marks.get("ready") ?? NaN], unit: "ms" },
    {
      name: "N/2 dialled → all established",
      values: [marks.get("established") ?? NaN],
      unit: "ms",
    },
    { name: "N/2 tones sent → all verified", values: [marks.get("verified") ?? NaN], unit: "ms" },
    {
      name: "calls whose tone was not verified",
      values: [marks.get("failures") ?? NaN],
      unit: "count",
    },
    { name: "scenario failed", values: [failure ? 1 : 0], unit: "count" },
    { name: "whole scenario", values: [performance.now() - t0], unit: "ms" },
    { name: "in calls: baresip CPU, all", values: [steady?.childrenPct ?? NaN], unit: "%" },
    {
      name: "in calls: baresip CPU per call",
      values: [(steady?.childrenPct ?? NaN) / calls],
      unit: "%",
    },
    { name: "in calls: ringo CPU", values: [steady?.selfPct ?? NaN], unit: "%" },
    { name: "in calls: RSS, ringo + baresip", values: [steady?.rss ?? NaN], unit: "MB" },
    { name: "in calls: RSS per agent", values: [(steady?.rss ?? NaN) / n], unit: "MB" },
    { name: "until wake-up, median", values: [wakes.length ? median(wakes) : NaN], unit: "ms" },
    {
      name: "until wake-up, 99th percentile",
      values: [wakes.length ? percentile(wakes, 99) : NaN],
      unit: "ms",
    },
  ];
}
