// A two-party call between two agents on this machine (no PBX). A file
// without scenario() calls is one scenario, named after the file.
import { agent, expect, State, until, wait } from "@ringo/flow";

const a = await agent("A");
const b = await agent("B"); // no config: a loopback agent on 127.0.0.1

await a.dial(b);
await until(() => expect(b.state).toBe(State.Ringing), "15s");
expect(b.peer?.number).toBe("A");
await b.accept();
await until(() => expect(a.state).toBe(State.Established));
await wait("2s"); // fails if the call drops meanwhile
await a.hangup();
await until(() => expect(b.state).toBe(State.Idle), "10s");
expect(b.reason).toMatch(/Connection reset/);
