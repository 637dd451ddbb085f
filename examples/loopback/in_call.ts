// Things done during an established call. setup() connects A and B before
// each scenario; teardown() hangs up; the runner stops the agents after.
import { agent, expect, scenario, setup, State, teardown, until, wait } from "@ringo/flow";
import type { Agent } from "@ringo/flow";

interface Pair {
  a: Agent;
  b: Agent;
}

setup(async (): Promise<Pair> => {
  const a = await agent("A");
  const b = await agent("B");
  await a.dial(b);
  await until(() => expect(b.state).toBe(State.Ringing));
  await b.accept();
  // A sees the 200 OK before B sees the ACK: wait for both ends.
  await until(() => expect(a.state).toBe(State.Established));
  await until(() => expect(b.state).toBe(State.Established));
  return { a, b };
});

teardown(async ({ a }: Pair) => {
  if (a.state !== State.Idle) await a.hangup();
});

scenario("hold and resume", { tags: ["loopback", "hold"] }, async ({ a, b }: Pair) => {
  await a.hold();
  expect(a.held).toBe(true);
  await wait("1s"); // the held call stays up
  expect(b.state).toBe(State.Established);
  await a.resume();
  expect(a.held).toBe(false);
  await wait("1s");
});

scenario("DTMF 123# arrives in order", { tags: ["loopback", "dtmf"] }, async ({ a, b }: Pair) => {
  await a.dtmf("123#", "100ms");
  await until(() => expect(b.dtmfReceived).toBe("123#"), "5s");
});

scenario("mute toggles", { tags: ["loopback"] }, async ({ a }: Pair) => {
  await a.mute();
  expect(a.muted).toBe(true);
  await a.mute();
  expect(a.muted).toBe(false);
});
