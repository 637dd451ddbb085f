// Blind transfer through the PBX: A calls B, B transfers A to
// C (REFER to C's number); C answers and B leaves.
import { agent, expect, State, until } from "@ringo/flow";
import { account, user } from "./_accounts.ts";

const a = await agent("A", account("A"));
const b = await agent("B", account("B"));
const c = await agent("C", account("C"));

await a.dial(user("B"));
await until(() => expect(b.state).toBe(State.Ringing), "15s");
await b.accept();
await until(() => expect(a.state).toBe(State.Established));
await until(() => expect(b.state).toBe(State.Established));

await b.transfer(user("C"));
await until(() => expect(c.state).toBe(State.Ringing), "10s");
expect(c.peer?.number).toBe(user("A"));
await c.accept();
await until(() => expect(c.state).toBe(State.Established));
await until(() => expect(b.state).toBe(State.Idle));
await a.hangup();
await until(() => expect(c.state).toBe(State.Idle));
