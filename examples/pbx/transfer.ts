// Blind transfer through the PBX: alice calls bob, bob transfers her to
// carol (REFER to carol's number); carol answers and bob leaves.
import { agent, expect, State, until } from "@ringo/flow";
import { account } from "./_accounts.ts";

const a = await agent("A", account("alice"));
const b = await agent("B", account("bob"));
const c = await agent("C", account("carol"));

await a.dial("bob");
await until(() => expect(b.state).toBe(State.Ringing), "15s");
await b.accept();
await until(() => expect(a.state).toBe(State.Established));
await until(() => expect(b.state).toBe(State.Established));

await b.transfer("carol");
await until(() => expect(c.state).toBe(State.Ringing), "10s");
expect(c.peer?.number).toBe("alice");
await c.accept();
await until(() => expect(c.state).toBe(State.Established));
await until(() => expect(b.state).toBe(State.Idle));
await a.hangup();
await until(() => expect(c.state).toBe(State.Idle));
