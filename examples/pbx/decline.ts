// bob declines; the PBX relays his 486 to alice. A number nobody has gets
// the PBX's own answer.
import { agent, expect, scenario, State, until } from "@ringo/flow";
import { account } from "./_accounts.ts";

scenario("a declined call reaches the caller as 486", { tags: ["pbx"] }, async () => {
  const a = await agent("A", account("alice"));
  const b = await agent("B", account("bob"));
  await a.dial("bob");
  await until(() => expect(b.state).toBe(State.Ringing), "15s");
  await b.reject();
  await until(() => expect(a.state).toBe(State.Idle));
  expect(a.statusCode).toBe(486);
});

scenario("an unknown number gets 404", { tags: ["pbx"] }, async () => {
  const a = await agent("A", account("alice"));
  await a.dial("nobody");
  await until(() => expect(a.state).toBe(State.Idle));
  expect(a.statusCode).toBe(404);
});
