// Blind transfer: A calls B, B transfers A to C (REFER); A's new call rings
// at C, and B leaves the call.
import { agent, expect, State, until, wait } from "@ringo/flow";

const a = await agent("A");
const b = await agent("B");
const c = await agent("C");

await a.dial(b);
await until(() => expect(b.state).toBe(State.Ringing), "15s");
await b.accept();
// A sees the 200 OK before B sees the ACK: wait for both ends.
await until(() => expect(a.state).toBe(State.Established));
await until(() => expect(b.state).toBe(State.Established));

await b.transfer(c);
await until(() => expect(c.state).toBe(State.Ringing), "10s");
expect(c.peer?.number).toBe("A");
await c.accept();
await until(() => expect(c.state).toBe(State.Established));
await until(() => expect(b.state).toBe(State.Idle));
await until(() => expect(a.peer?.number).toBe("C"));
await wait("1s");
await a.hangup();
await until(() => expect(c.state).toBe(State.Idle));
