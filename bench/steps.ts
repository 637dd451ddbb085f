/**
 * The steps that wait for baresip's events — dial → established, accept →
 * established, hangup → idle, register → registered — measured three ways
 * in one run: ringo's agents, the bare client on Deno's TCP connection, and
 * the bare client with quick ACKs (the floor; see `bare_baresip.ts`). Each
 * ringo figure is also printed as a multiple of the floor.
 *
 * register needs a registrar: the test PBX (kamailio) when it is installed.
 *
 * @module
 */
import { Agent, CallState, detectBaresip } from "../core/mod.ts";
import { startPbx, TEST_USERS, type TestPbx } from "../tests/pbx/pbx.ts";
import { type BareFigures, type BareRegistrar, measureBare } from "./bare_baresip.ts";
import { type Figure, median } from "./stats.ts";

/** Runs the step benchmarks on the baresip `env` selects and returns their figures. */
export async function benchSteps(
  runs: number,
  env: Record<string, string | undefined>,
): Promise<Figure[]> {
  const install = await detectBaresip(env);
  const pbx = await startPbx().catch(() => undefined);
  try {
    const registrar = pbx
      ? { port: pbx.port, user: "alice", password: TEST_USERS.alice }
      : undefined;
    const plain = await measureBare(install.binary, install.modulePath, "deno", runs, registrar);
    const floor = await measureBare(
      install.binary,
      install.modulePath,
      "quickack",
      runs,
      registrar,
    );
    const ringo = await measureRingo(runs, env, pbx);
    const figures: Figure[] = [];
    for (const step of STEPS) {
      if (!ringo[step.key]) continue;
      figures.push(
        { name: `${step.name}: bare client, Deno TCP`, values: plain[step.key]!, unit: "ms" },
        {
          name: `${step.name}: bare client, quick ACK (floor)`,
          values: floor[step.key]!,
          unit: "ms",
        },
        { name: `${step.name}: ringo`, values: ringo[step.key]!, unit: "ms" },
        {
          name: `${step.name}: ringo ÷ floor`,
          values: [median(ringo[step.key]!) / median(floor[step.key]!)],
          unit: "×",
        },
      );
    }
    return figures;
  } finally {
    await pbx?.stop();
  }
}

const STEPS: Array<{ key: keyof BareFigures; name: string }> = [
  { key: "dialToEstablished", name: "dial → established" },
  { key: "acceptToEstablished", name: "accept → established" },
  { key: "hangupToClosed", name: "hangup → idle (both)" },
  { key: "registerToOk", name: "register → registered" },
];

/** The same steps with ringo's agents, measured the way the bare client measures them. */
async function measureRingo(
  runs: number,
  env: Record<string, string | undefined>,
  pbx: TestPbx | undefined,
): Promise<BareFigures> {
  const figures: BareFigures = {
    dialToEstablished: [],
    acceptToEstablished: [],
    hangupToClosed: [],
  };
  const [a, b] = await Promise.all([
    Agent.start({ name: "A", env }),
    Agent.start({ name: "B", env }),
  ]);
  try {
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await a.dial(b.contactUri);
      await b.waitFor((s) => s.calls[0]?.state === CallState.Ringing);
      const t1 = performance.now();
      await b.accept();
      await b.waitFor((s) => s.calls[0]?.state === CallState.Established);
      figures.acceptToEstablished.push(performance.now() - t1);
      await a.waitFor((s) => s.calls[0]?.state === CallState.Established);
      figures.dialToEstablished.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
      const t2 = performance.now();
      await a.hangup();
      await Promise.all([
        a.waitFor((s) => s.calls.length === 0),
        b.waitFor((s) => s.calls.length === 0),
      ]);
      figures.hangupToClosed.push(performance.now() - t2);
    }
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
  if (pbx) figures.registerToOk = await ringoRegister(runs, env, pbx);
  return figures;
}

async function ringoRegister(
  runs: number,
  env: Record<string, string | undefined>,
  pbx: BareRegistrar | TestPbx,
): Promise<number[]> {
  const agent = await Agent.start({
    name: "alice",
    env,
    account: { username: "alice", domain: `127.0.0.1:${pbx.port}`, password: TEST_USERS.alice },
  });
  const values: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await agent.register(600);
      await agent.waitFor((s) => s.registration.state === "registered", {
        description: "alice registered",
      });
      values.push(performance.now() - t0);
    }
    await agent.unregister().catch(() => {});
  } finally {
    await agent.stop();
  }
  return values;
}
