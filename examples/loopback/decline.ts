// B declines: the caller sees the status code. baresip 1.0.0 always
// declines with 486 Busy Here; other codes (b.reject(603)) need baresip 2.0.0.
import { agent, expect, State, until } from "@ringo/flow";

const a = await agent("A");
const b = await agent("B");

await a.dial(b);
await until(() => expect(b.state).toBe(State.Ringing), "15s");
await b.reject();
await until(() => expect(a.state).toBe(State.Idle));
expect(a.statusCode).toBe(486);
