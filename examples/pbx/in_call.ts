// Things done during a call through the PBX (re-INVITEs and DTMF pass the
// proxy). setup() connects A and B before each scenario.
import { agent, expect, scenario, setup, State, teardown, until, wait } from "@ringo/flow";
import type { Agent } from "@ringo/flow";
import { account, user } from "./_accounts.ts";

interface Pair {
  a: Agent;
  b: Agent;
}

setup(async (): Promise<Pair> => {
  const a = await agent("A", account("A"));
  const b = await agent("B", account("B"));
  await a.dial(user("B"));
  await until(() => expect(b.state).toBe(State.Ringing), "15s");
  await b.accept();
  await until(() => expect(a.state).toBe(State.Established));
  await until(() => expect(b.state).toBe(State.Established));
  return { a, b };
});

teardown(async ({ a }: Pair) => {
  if (a.state !== State.Idle) await a.hangup();
});

scenario("hold and resume", { tags: ["pbx", "hold"] }, async ({ a, b }: Pair) => {
  await a.hold();
  expect(a.held).toBe(true);
  await wait("1s");
  expect(b.state).toBe(State.Established);
  await a.resume();
  expect(a.held).toBe(false);
});

scenario("DTMF 123# arrives in order", { tags: ["pbx", "dtmf"] }, async ({ a, b }: Pair) => {
  await a.dtmf("123#", "100ms");
  await until(() => expect(b.dtmfReceived).toBe("123#"), "5s");
});
