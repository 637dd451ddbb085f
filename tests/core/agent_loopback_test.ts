import { assertEquals, assertMatch, assertRejects } from "../assert.ts";
import { Agent, AgentError, CallState, CapabilityError } from "../../core/mod.ts";

const established = (s: { calls: { state: string }[] }) =>
  s.calls[0]?.state === CallState.Established;
const ringing = (s: { calls: { state: string }[] }) => s.calls[0]?.state === CallState.Ringing;
const idle = (s: { calls: unknown[] }) => s.calls.length === 0;

/** Two loopback agents with an established call from A to B. */
async function connectedPair(): Promise<[Agent, Agent]> {
  const [a, b] = await Promise.all([Agent.start({ name: "A" }), Agent.start({ name: "B" })]);
  await a.dial(b.contactUri);
  await b.waitFor(ringing, { description: "B ringing" });
  await b.accept();
  await Promise.all([a.waitFor(established), b.waitFor(established)]);
  return [a, b];
}

Deno.test("two loopback agents call each other directly, with no PBX", async (t) => {
  const [a, b] = await Promise.all([Agent.start({ name: "A" }), Agent.start({ name: "B" })]);
  try {
    await t.step("each agent listens on its own loopback address", () => {
      assertMatch(a.aor, /^sip:A@127\.0\.0\.1:\d+$/);
      assertEquals(a.loopback, true);
      assertEquals(a.ports.sip === b.ports.sip, false);
    });

    await t.step(
      "dialling rings the callee with the caller as peer, and the caller sees ringing",
      async () => {
        await a.dial(b.contactUri);
        await b.waitFor(ringing, { description: "B ringing" });
        await a.waitFor(ringing, { description: "A hears ringing" });
        assertEquals(b.snapshot.calls[0].direction, "incoming");
        assertEquals(b.snapshot.calls[0].peer.number, "A");
        assertEquals(a.snapshot.calls[0].peer.number, "B");
      },
    );

    await t.step("answering establishes the call on both sides", async () => {
      await b.accept();
      await Promise.all([a.waitFor(established), b.waitFor(established)]);
      assertEquals(a.state, CallState.Established);
      assertEquals(b.state, CallState.Established);
      assertEquals(a.snapshot.calls[0].id, b.snapshot.calls[0].id);
    });

    await t.step("DTMF digits arrive complete and in order", async () => {
      await a.sendDtmf("123#", 80);
      await b.waitFor((s) => s.dtmfReceived === "123#", { description: "B receives 123#" });
      assertEquals(b.snapshot.dtmfReceived, "123#");
    });

    await t.step("hold and resume are accepted and tracked on the call", async () => {
      await a.hold();
      assertEquals(a.snapshot.calls[0].held, true);
      await a.resume();
      assertEquals(a.snapshot.calls[0].held, false);
      assertEquals(b.state, CallState.Established);
    });

    await t.step("mute toggles", async () => {
      await a.mute();
      assertEquals(a.snapshot.calls[0].muted, true);
      await a.mute();
      assertEquals(a.snapshot.calls[0].muted, false);
    });

    await t.step("hanging up leaves both idle with a close reason", async () => {
      await a.hangup();
      await Promise.all([a.waitFor(idle), b.waitFor(idle)]);
      assertEquals(a.state, CallState.Idle);
      assertEquals(b.state, CallState.Idle);
      assertMatch(b.snapshot.lastClose?.reason ?? "", /Connection reset/);
      assertEquals(a.snapshot.lastClose?.callId !== undefined, true);
    });
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

Deno.test("a declined call gives the caller the status code", async () => {
  await using a = await Agent.start({ name: "A" });
  await using b = await Agent.start({ name: "B" });
  await a.dial(b.contactUri);
  await b.waitFor(ringing);
  await b.reject();
  await a.waitFor(idle, { description: "A idle" });
  assertEquals(a.snapshot.lastClose?.statusCode, 486);
});

Deno.test("verbs that do not fit the state fail with a sentence", async (t) => {
  await using a = await Agent.start({ name: "A" });
  await t.step("accept with nothing ringing", async () => {
    await assertRejects(
      () => a.accept(),
      AgentError,
      'agent "A" has no ringing incoming call to accept (state: idle)',
    );
  });
  await t.step("hold with no call", async () => {
    await assertRejects(() => a.hold(), AgentError, "cannot hold: it has no established call");
  });
  await t.step("an invalid DTMF digit", async () => {
    await assertRejects(() => a.sendDtmf("12x"), AgentError, 'invalid DTMF digit "x"');
  });
  await t.step("register on a loopback agent", async () => {
    await assertRejects(() => a.register(), AgentError, "loopback agent with no registrar");
  });
});

Deno.test("features the running baresip lacks fail naming its version", async () => {
  const [a, b] = await connectedPair();
  try {
    if (a.capabilities.has("attended-transfer")) return; // a newer baresip: nothing to check here
    const error = await assertRejects(
      () => a.attendedTransfer(b.contactUri),
      CapabilityError,
      "attended transfer needs baresip",
    );
    assertMatch(error.message, /this is baresip \d+\.\d+\.\d+/);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

Deno.test("blind transfer hands the call to a third agent", async () => {
  const [a, b] = await connectedPair();
  await using c = await Agent.start({ name: "C" });
  try {
    await b.transfer(c.contactUri);
    await c.waitFor(ringing, { description: "C rings after the transfer", timeoutMs: 10_000 });
    assertEquals(c.snapshot.calls[0].peer.number, "A");
    await c.accept();
    await c.waitFor(established, { description: "C established" });
    await b.waitFor(idle, { description: "B leaves the call" });
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

Deno.test("a loopback agent's name is its SIP user part as written, escaped where SIP needs it", async () => {
  await using desk = await Agent.start({ name: "Front Desk" });
  await using bob = await Agent.start({ name: "bob" });
  assertMatch(desk.aor, /^sip:Front%20Desk@127\.0\.0\.1:\d+$/);
  await desk.dial(bob.contactUri);
  await bob.waitFor(ringing, { description: "bob ringing" });
  assertEquals(bob.snapshot.calls[0].peer.number, "Front Desk");
  await bob.reject();
});

Deno.test("twenty agents start in parallel without port collisions", async () => {
  const agents = await Promise.all(
    Array.from({ length: 20 }, (_, i) => Agent.start({ name: `p${i}` })),
  );
  try {
    const ports = new Set(agents.flatMap((a) => [a.ports.sip, a.ports.sip + 1, a.ports.ctrl]));
    assertEquals(ports.size, 60);
    assertEquals(agents.every((a) => a.alive), true);
  } finally {
    await Promise.all(agents.map((a) => a.stop()));
  }
});
