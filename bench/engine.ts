/**
 * Engine benchmarks: agent start, memory per agent, and a burst of 20
 * parallel starts (the call set-up steps are in `steps.ts`, beside the
 * bare-baresip reference). Prints medians over repeated runs.
 *
 * @module
 */
import { Agent } from "../core/mod.ts";
import { type Figure, rssMb } from "./stats.ts";

/** Runs the engine benchmarks on the baresip `env` selects and returns their figures. */
export async function benchEngine(
  runs: number,
  env: Record<string, string | undefined>,
): Promise<Figure[]> {
  const figures: Figure[] = [];
  // Memory first, before the other runs grow ringo's heap.
  if (Deno.build.os === "linux") {
    const count = 20;
    const before = rssMb("self");
    const idle = await Promise.all(
      Array.from({ length: count }, (_, i) => Agent.start({ name: `m${i}`, env })),
    );
    await new Promise((r) => setTimeout(r, 1000));
    const baresipMb = idle.map((agent) => rssMb(agent.pid));
    const ringoShare = (rssMb("self") - before) / count;
    await Promise.all(idle.map((agent) => agent.stop()));
    figures.push({ name: "RSS per idle agent: baresip", values: baresipMb, unit: "MB" });
    figures.push({ name: "RSS per idle agent: ringo's share", values: [ringoShare], unit: "MB" });
  }

  const startMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const agent = await Agent.start({ name: `s${i}`, env });
    startMs.push(performance.now() - t0);
    await agent.stop();
  }
  figures.push({ name: "agent start → ready", values: startMs, unit: "ms" });

  const burstMs: number[] = [];
  for (let i = 0; i < Math.max(3, Math.floor(runs / 3)); i++) {
    const t0 = performance.now();
    const agents = await Promise.all(
      Array.from({ length: 20 }, (_, j) => Agent.start({ name: `b${j}`, env })),
    );
    burstMs.push(performance.now() - t0);
    await Promise.all(agents.map((agent) => agent.stop()));
  }
  figures.push({ name: "20 agents started at once → all ready", values: burstMs, unit: "ms" });
  return figures;
}
