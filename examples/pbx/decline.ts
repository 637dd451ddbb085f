// B declines; the PBX relays its 486 to A. A number nobody has gets
// the PBX's own answer.
import { agent, expect, scenario, State, until } from "@ringo/flow";
import { account, user } from "./_accounts.ts";

scenario("a declined call reaches the caller as 486", { tags: ["pbx"] }, async () => {
  const a = await agent("A", account("A"));
  const b = await agent("B", account("B"));
  await a.dial(user("B"));
  await until(() => expect(b.state).toBe(State.Ringing), "15s");
  await b.reject();
  await until(() => expect(a.state).toBe(State.Idle));
  expect(a.statusCode).toBe(486);
});

scenario("an unknown number gets 404", { tags: ["pbx"] }, async () => {
  const a = await agent("A", account("A"));
  await a.dial("nobody");
  await until(() => expect(a.state).toBe(State.Idle));
  expect(a.statusCode).toBe(404);
});
