// A two-party call through the PBX: both users register (agent() resolves
// once the registrar accepted them), alice dials bob by number.
import { agent, expect, State, until, wait } from "@ringo/flow";
import { account } from "./_accounts.ts";

const a = await agent("A", account("alice"));
const b = await agent("B", account("bob"));
expect(a.registered).toBe(true);

await a.dial("bob"); // a bare number is dialled in A's own domain
await until(() => expect(b.state).toBe(State.Ringing), "15s");
expect(b.peer?.number).toBe("alice");
await b.accept();
await until(() => expect(a.state).toBe(State.Established));
await until(() => expect(b.state).toBe(State.Established));
await wait("2s"); // fails if the call drops meanwhile
await a.hangup();
await until(() => expect(b.state).toBe(State.Idle), "10s");
