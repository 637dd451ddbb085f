/**
 * Engine benchmarks: agent start, loopback call setup, memory per agent, and
 * a burst of 20 parallel starts. Prints medians over repeated runs.
 *
 * @module
 */
import { Agent, CallState } from "../core/mod.ts";
import { formatRow, rssMb } from "./stats.ts";

/** Runs the engine benchmarks and prints one line per figure. */
export async function benchEngine(runs: number): Promise<void> {
  // Memory first, before the other runs grow ringo's heap.
  if (Deno.build.os === "linux") {
    const count = 20;
    const before = rssMb("self");
    const idle = await Promise.all(
      Array.from({ length: count }, (_, i) => Agent.start({ name: `m${i}` })),
    );
    await new Promise((r) => setTimeout(r, 1000));
    const baresipMb = idle.map((agent) => rssMb(agent.pid));
    const ringoShare = (rssMb("self") - before) / count;
    await Promise.all(idle.map((agent) => agent.stop()));
    console.log(formatRow("RSS per idle agent: baresip", baresipMb, "MB"));
    console.log(formatRow("RSS per idle agent: ringo's share", [ringoShare], "MB"));
  }

  const startMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const agent = await Agent.start({ name: `s${i}` });
    startMs.push(performance.now() - t0);
    await agent.stop();
  }
  console.log(formatRow("agent start → ready", startMs, "ms"));

  const dialMs: number[] = [];
  const [a, b] = await Promise.all([Agent.start({ name: "A" }), Agent.start({ name: "B" })]);
  try {
    const onIncoming = () => {
      if (b.snapshot.calls[0]?.state === CallState.Ringing) void b.accept();
    };
    b.addEventListener("change", onIncoming);
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await a.dial(b.contactUri);
      await a.waitFor((s) => s.calls[0]?.state === CallState.Established);
      dialMs.push(performance.now() - t0);
      await a.hangup();
      await Promise.all([
        a.waitFor((s) => s.calls.length === 0),
        b.waitFor((s) => s.calls.length === 0),
      ]);
    }
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
  console.log(formatRow("dial → established (loopback, auto-answer)", dialMs, "ms"));

  const burstMs: number[] = [];
  for (let i = 0; i < Math.max(3, Math.floor(runs / 3)); i++) {
    const t0 = performance.now();
    const agents = await Promise.all(
      Array.from({ length: 20 }, (_, j) => Agent.start({ name: `b${j}` })),
    );
    burstMs.push(performance.now() - t0);
    await Promise.all(agents.map((agent) => agent.stop()));
  }
  console.log(formatRow("20 agents started at once → all ready", burstMs, "ms"));
}
