// A two-party call through the PBX: both users register (agent() resolves
// once the registrar accepted them), A dials B by number.
import { agent, expect, State, until, wait } from "@ringo/flow";
import { account, user } from "./_accounts.ts";

const a = await agent("A", account("A"));
const b = await agent("B", account("B"));
expect(a.registered).toBe(true);

await a.dial(user("B")); // a bare number is dialled in A's own domain
await until(() => expect(b.state).toBe(State.Ringing), "15s");
expect(b.peer?.number).toBe(user("A"));
await b.accept();
await until(() => expect(a.state).toBe(State.Established));
await until(() => expect(b.state).toBe(State.Established));
await wait("2s"); // fails if the call drops meanwhile
await a.hangup();
await until(() => expect(b.state).toBe(State.Idle), "10s");
