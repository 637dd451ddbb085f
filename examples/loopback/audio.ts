// Can they hear each other? A sends a tone that B must detect, then both
// directions are checked at once; DTMF goes over RFC 4733, and the call's
// quality comes from RTCP (MOS by the ITU-T G.107 E-model).
import { agent, expect, State, tone, until, verifyAudioConnection } from "@ringo/flow";

const a = await agent("A");
const b = await agent("B");
await a.dial(b);
await until(() => expect(b.state).toBe(State.Ringing), "15s");
await b.accept();
await until(() => expect(a.state).toBe(State.Established));
await until(() => expect(b.state).toBe(State.Established));

await a.sendAudio(tone(697));
await b.verifyAudio(697, "5s"); // B hears A's tone, and not some other frequency
await verifyAudioConnection(a, b); // a→b, then b→a; each goes back to what it sent

await a.dtmf("159#", "80ms");
await until(() => expect(b.dtmfReceived).toBe("159#"), "5s");

// The first RTCP report with counted packets comes about 5 s into a call.
await until(() => expect(b.quality?.packetLoss).toBe(0), "15s");
expect(b.quality!.mos).toBeGreaterThan(4);
await a.hangup();
await until(() => expect(b.state).toBe(State.Idle), "10s");
