/**
 * The features that depend on the baresip version, run for real on the
 * baresip under test: each either works or fails with the capability
 * table's "needs baresip ≥" sentence, never silently.
 */
import { assertEquals, assertMatch, assertRejects } from "../assert.ts";
import { Agent, type AgentSnapshot, CallState, CapabilityError } from "../../core/mod.ts";
import { startPbx, TEST_USERS } from "../pbx/pbx.ts";

const ringing = (s: AgentSnapshot) => s.calls.some((c) => c.state === CallState.Ringing);
const idle = (s: AgentSnapshot) => s.calls.length === 0;
const allEstablished = (n: number) => (s: AgentSnapshot) =>
  s.calls.length === n && s.calls.every((c) => c.state === CallState.Established);

/** A calls B (dialling `target`, default B's own URI), B answers. */
async function connect(a: Agent, b: Agent, target = b.contactUri): Promise<void> {
  await a.dial(target);
  await b.waitFor(ringing, { description: `${b.name} ringing` });
  await b.accept();
  await Promise.all([a.waitFor(allEstablished(1)), b.waitFor(allEstablished(1))]);
}

/** Runs `body` with three loopback agents, stopping them afterwards. */
async function withThree(body: (a: Agent, b: Agent, c: Agent) => Promise<void>): Promise<void> {
  const [a, b, c] = await Promise.all(["A", "B", "C"].map((name) => Agent.start({ name })));
  try {
    await body(a, b, c);
  } finally {
    await Promise.all([a.stop(), b.stop(), c.stop()]);
  }
}

/** Asserts that the feature's absence is reported in the table's words; true when it is absent. */
async function lacks(
  agent: Agent,
  feature: "attended-transfer" | "reject-with-code",
  attempt: () => Promise<unknown>,
) {
  if (agent.capabilities.has(feature)) return false;
  const error = await assertRejects(attempt, CapabilityError, "needs baresip ≥");
  assertMatch(error.message, /\(this is baresip \d+\.\d+\.\d+\)$/);
  return true;
}

Deno.test("attended transfer on loopback: A ends up talking to C, B leaves, nothing drops", async () => {
  await withThree(async (a, b, c) => {
    await connect(a, b);
    if (await lacks(b, "attended-transfer", () => b.attendedTransfer(c.contactUri))) return;
    await b.attendedTransfer(c.contactUri);
    const first = b.snapshot.calls.find((call) => call.peer.number === "A");
    assertEquals(first?.held, true, "B's call with A is on hold during the consultation");
    await c.waitFor(ringing, { description: "C rings from B" });
    assertEquals(c.snapshot.calls[0].peer.number, "B");
    await c.accept();
    await b.waitFor(allEstablished(2), { description: "B has both calls" });
    await b.completeTransfer();
    await b.waitFor(idle, { description: "B leaves both calls" });
    // C answers the replacing INVITE by itself: no second ringing to accept.
    await c.waitFor((s) =>
      s.calls.length === 1 && s.calls[0].peer.number === "A" &&
      s.calls[0].state === CallState.Established, { description: "C talks to A" });
    await a.waitFor((s) =>
      s.calls.length === 1 && s.calls[0].peer.number === "C" &&
      s.calls[0].state === CallState.Established, { description: "A talks to C" });
    for (const agent of [a, b, c]) {
      assertEquals(
        agent.snapshot.ended.map((call) => call.close.cause).every((x) => x === "transfer"),
        true,
        `${agent.name}: ${JSON.stringify(agent.snapshot.ended.map((e) => e.close))}`,
      );
    }
    await a.sendDtmf("7", 50);
    await c.waitFor((s) => s.dtmfReceived === "7", { description: "C hears A's DTMF" });
  });
});

Deno.test("an aborted attended transfer hangs up the consultation and resumes the first call", async () => {
  await withThree(async (a, b, c) => {
    await connect(a, b);
    if (await lacks(b, "attended-transfer", () => b.attendedTransfer(c.contactUri))) return;
    await b.attendedTransfer(c.contactUri);
    await c.waitFor(ringing);
    await c.accept();
    await b.waitFor(allEstablished(2));
    await b.abortTransfer();
    await c.waitFor(idle, { description: "C's call ends" });
    assertEquals(c.snapshot.lastClose?.cause, "bye");
    assertEquals(b.snapshot.calls.length, 1);
    assertEquals(b.snapshot.calls[0].peer.number, "A");
    assertEquals(b.snapshot.calls[0].held, false);
    await b.sendDtmf("5", 50);
    await a.waitFor((s) => s.dtmfReceived === "5", { description: "A hears B again" });
  });
});

Deno.test("completing or aborting with no transfer in progress is refused with a sentence", async () => {
  await using a = await Agent.start({ name: "A" });
  if (!a.capabilities.has("attended-transfer")) return;
  await assertRejects(
    () => a.completeTransfer(),
    Error,
    "cannot complete a transfer: none is in progress",
  );
  await assertRejects(
    () => a.abortTransfer(),
    Error,
    "cannot abort a transfer: none is in progress",
  );
});

Deno.test("declining with 603 and 480 sends those codes where baresip can", async (t) => {
  for (const code of [603, 480]) {
    await t.step(`reject(${code})`, async () => {
      await using a = await Agent.start({ name: "A" });
      await using b = await Agent.start({ name: "B" });
      await a.dial(b.contactUri);
      await b.waitFor(ringing);
      if (await lacks(b, "reject-with-code", () => b.reject(code))) {
        await b.reject(); // 486 works everywhere
        await a.waitFor(idle);
        assertEquals(a.snapshot.lastClose?.cause, "busy");
        return;
      }
      await b.reject(code);
      await a.waitFor(idle, { description: "A's call declined" });
      assertEquals(a.snapshot.lastClose?.statusCode, code);
      assertEquals(a.snapshot.lastClose?.cause, "rejected");
      assertEquals(b.snapshot.lastClose?.statusCode, code);
      assertEquals(b.snapshot.lastClose?.by, "local");
    });
  }
  await t.step(
    "a code that is not a final failure is refused before baresip is asked",
    async () => {
      await using b = await Agent.start({ name: "B" });
      await assertRejects(() => b.reject(302), Error, "expected a final code from 400 to 699");
    },
  );
});

Deno.test("every call's end has a cause and stays in the agent's history", async () => {
  await using a = await Agent.start({ name: "A" });
  await using b = await Agent.start({ name: "B" });
  // answered, then hung up by the caller
  await connect(a, b);
  await a.hangup();
  await b.waitFor(idle);
  // cancelled while ringing
  await a.dial(b.contactUri);
  await b.waitFor(ringing);
  await a.hangup();
  await b.waitFor((s) => s.ended.length === 2);
  // declined as busy
  await a.dial(b.contactUri);
  await b.waitFor(ringing);
  await b.reject();
  await a.waitFor((s) => s.ended.length === 3);
  assertEquals(a.snapshot.ended.map((c) => [c.close.cause, c.close.by]), [
    ["bye", "local"],
    ["cancel", "local"],
    ["busy", "remote"],
  ]);
  await b.waitFor((s) => s.ended.length === 3);
  assertEquals(b.snapshot.ended.map((c) => [c.close.cause, c.close.by]), [
    ["bye", "remote"],
    ["cancel", "remote"],
    ["busy", "local"],
  ]);
  assertEquals(typeof a.snapshot.ended[0].durationS, "number");
  assertEquals(a.snapshot.ended[1].durationS, undefined);
});

Deno.test("a peer that vanishes mid-call ends the call with rtp-timeout", async () => {
  await using a = await Agent.start({ name: "A", calls: { rtpTimeoutS: 1 } });
  const b = await Agent.start({ name: "B" });
  try {
    await connect(a, b);
    b.kill();
    await a.waitFor(idle, { description: "A notices the silence", timeoutMs: 10_000 });
    assertEquals(a.snapshot.lastClose?.cause, "rtp-timeout");
  } finally {
    await b.stop();
  }
});

Deno.test("a hold by the peer reads as remoteHeld where baresip reports it (1.1.0 on)", async () => {
  await using a = await Agent.start({ name: "A" });
  await using b = await Agent.start({ name: "B" });
  await connect(a, b);
  await b.hold();
  if (a.install.version.major === 1 && a.install.version.minor === 0) {
    assertEquals(a.snapshot.calls[0].remoteHeld, undefined); // 1.0.0 says nothing of it
    return;
  }
  await a.waitFor((s) => s.calls[0]?.remoteHeld === true, { description: "A sees B's hold" });
  assertEquals(a.snapshot.calls[0].held, false);
  await b.resume();
  await a.waitFor((s) => s.calls[0]?.remoteHeld === false, { description: "A sees B resume" });
});

Deno.test("auto_hold off: answering a second call leaves the first one established (1.1.0 on)", async () => {
  await withThree(async (a, b, c) => {
    await connect(a, b);
    await c.dial(b.contactUri);
    await b.waitFor((s) => s.calls.length === 2 && s.calls[1].state === CallState.Ringing);
    await b.accept();
    await b.waitFor(allEstablished(2), { description: "B with two calls" });
    if (b.dialect.acceptHoldsOthers(false)) {
      // 1.0.0 holds the established call whatever it is told: the model says so.
      assertEquals(b.snapshot.calls.map((call) => call.held), [true, false]);
      return;
    }
    assertEquals(b.snapshot.calls.map((call) => call.held), [false, false]);
    await a.sendDtmf("9", 50);
    await b.waitFor((s) => s.dtmfReceived.includes("9"), { description: "A still heard" });
    assertEquals(a.snapshot.calls[0].remoteHeld ?? false, false);
  });
});

Deno.test("auto_hold on: answering a second call holds the first, and the model shows it", async () => {
  const [a, c] = await Promise.all(["A", "C"].map((name) => Agent.start({ name })));
  await using b = await Agent.start({ name: "B", calls: { autoHold: true } });
  try {
    await connect(a, b);
    await c.dial(b.contactUri);
    await b.waitFor((s) => s.calls.length === 2 && s.calls[1].state === CallState.Ringing);
    await b.accept();
    await b.waitFor((s) => s.calls.length === 2 && s.calls[0].held && !s.calls[1].held, {
      description: "B's first call held",
    });
    if (a.install.version.major >= 3) {
      await a.waitFor((s) => s.calls[0]?.remoteHeld === true, { description: "A sees the hold" });
    }
  } finally {
    await Promise.all([a.stop(), c.stop()]);
  }
});

Deno.test("attended transfer through kamailio: alice ends up with carol", async () => {
  await using pbx = await startPbx();
  const start = (user: "alice" | "bob" | "carol") =>
    Agent.start({
      name: user,
      account: { username: user, domain: `${pbx.domain}:${pbx.port}`, password: TEST_USERS[user] },
      registerOnStart: true,
    });
  const [alice, bob, carol] = await Promise.all([start("alice"), start("bob"), start("carol")]);
  try {
    await Promise.all(
      [alice, bob, carol].map((x) => x.waitFor((s) => s.registration.state === "registered")),
    );
    await connect(alice, bob, "bob");
    if (await lacks(bob, "attended-transfer", () => bob.attendedTransfer("carol"))) return;
    await bob.attendedTransfer("carol");
    await carol.waitFor(ringing, { description: "carol rings from bob" });
    await carol.accept();
    await bob.waitFor(allEstablished(2));
    await bob.completeTransfer();
    await bob.waitFor(idle, { description: "bob leaves" });
    await alice.waitFor((s) =>
      s.calls.length === 1 && s.calls[0].peer.number === "carol" &&
      s.calls[0].state === CallState.Established, { description: "alice talks to carol" });
    await carol.waitFor((s) =>
      s.calls.length === 1 && s.calls[0].peer.number === "alice" &&
      s.calls[0].state === CallState.Established, { description: "carol talks to alice" });
  } finally {
    await Promise.all([alice.stop(), bob.stop(), carol.stop()]);
  }
});
