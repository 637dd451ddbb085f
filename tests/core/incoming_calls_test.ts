/**
 * core/incoming_calls.ts on the baresip under test: a sticky final
 * response (what goes on the wire, how both ends classify the call), the
 * capability sentence where the version cannot send the code, what no
 * version sends, deflection by answer + REFER, and calls that were
 * already ringing left alone.
 */
import { Agent, CallState, CapabilityError, IncomingCalls } from "../../core/mod.ts";
import { assertEquals, assertMatch, assertThrows } from "../assert.ts";
import { traced } from "./calls.ts";

/** The SIP messages `agent` sent for call `callId`: requests by method, responses by code. */
function sent(agent: Agent, callId: string): string[] {
  return agent.sipMessages
    .filter((m) => m.direction === "sent" && m.callId === callId)
    .map((m) => m.method ?? String(m.statusCode));
}

Deno.test("a sticky response declines each new call after 180 Ringing", async (t) => {
  await using a = await Agent.start({ name: "A", sipTrace: true });
  await using b = await Agent.start({ name: "B", sipTrace: true });
  const incoming = new IncomingCalls(b);
  try {
    incoming.respond(486);
    await t.step("486 to every call while it is set, on the wire after 180", async () => {
      for (const n of [1, 2]) {
        await a.dial(b.contactUri);
        await a.waitFor((s) => s.ended.length === n, { description: `call ${n} declined` });
        await b.waitFor((s) => s.ended.length === n, { description: `B's call ${n} over` });
        const ended = b.snapshot.ended.at(-1)!;
        await traced(b, (m) => m.callId === ended.id && m.statusCode === 486, "B's 486 traced");
        assertEquals(sent(b, ended.id!), ["180", "486"]);
        assertEquals([ended.close.cause, ended.close.by, ended.close.statusCode], [
          "busy",
          "local",
          486,
        ]);
        assertEquals(a.snapshot.ended.at(-1)!.close.cause, "busy");
      }
    });

    await t.step("a code other than 486 where baresip ≥ 3.19, its sentence before", async () => {
      if (!b.capabilities.has("reject-with-code")) {
        const error = assertThrows(() => incoming.respond(603, "Decline"), CapabilityError);
        assertMatch(error.message, /needs baresip ≥ 3\.19\.0/);
        assertEquals(incoming.policy, { kind: "respond", code: 486 });
        return;
      }
      incoming.respond(480, "Temporarily Unavailable");
      await a.dial(b.contactUri);
      await a.waitFor((s) => s.ended.length === 3, { description: "call 3 declined" });
      await b.waitFor((s) => s.ended.length === 3, { description: "B's call 3 over" });
      assertEquals(a.snapshot.lastClose?.statusCode, 480);
      assertMatch(a.snapshot.lastClose!.reason, /^480 Temporarily/);
      assertEquals(a.snapshot.lastClose?.cause, "rejected");
    });

    await t.step("redirects and response headers: no version sends them", () => {
      assertMatch(
        assertThrows(() => incoming.respond(302)).message,
        /cannot answer an INVITE with 302 \(a redirect\)/,
      );
      assertMatch(
        assertThrows(() => incoming.respond(486, undefined, { "X-A": "1" })).message,
        /cannot add headers to its final response/,
      );
      assertMatch(
        assertThrows(() => incoming.respond(486, "Busy\r\nX-Injected: 1")).message,
        /response reason cannot contain control characters/,
      );
    });

    await t.step("ring() lets calls ring again", async () => {
      incoming.ring();
      const before = b.snapshot.ended.length;
      await a.dial(b.contactUri);
      await b.waitFor((s) => s.calls[0]?.state === CallState.Ringing, { description: "B rings" });
      assertEquals(b.snapshot.ended.length, before);
      await b.reject();
    });
  } finally {
    incoming.close();
  }
});

Deno.test("a call already ringing when a policy is set is left to the scenario", async () => {
  await using a = await Agent.start({ name: "A" });
  await using b = await Agent.start({ name: "B" });
  await a.dial(b.contactUri);
  await b.waitFor((s) => s.calls[0]?.state === CallState.Ringing, { description: "B rings" });
  const incoming = new IncomingCalls(b);
  try {
    incoming.respond(486);
    await new Promise((r) => setTimeout(r, 300));
    assertEquals(b.state, CallState.Ringing);
    await b.accept();
    await a.waitFor((s) => s.calls[0]?.state === CallState.Established, {
      description: "A established",
    });
  } finally {
    incoming.close();
  }
});

Deno.test("deflection answers each new call and transfers it to the target", async () => {
  await using a = await Agent.start({ name: "A" });
  await using b = await Agent.start({ name: "B" });
  await using c = await Agent.start({ name: "C" });
  const incoming = new IncomingCalls(b);
  const applied: string[] = [];
  incoming.addEventListener("applied", (e) => applied.push((e as CustomEvent).detail.callId));
  try {
    incoming.deflect(c.contactUri);
    await a.dial(b.contactUri);
    await c.waitFor((s) => s.calls[0]?.state === CallState.Ringing, { description: "C rings" });
    assertEquals(c.snapshot.calls[0].peer.number, "A");
    await c.accept();
    await a.waitFor(
      (s) => s.calls.some((x) => x.state === CallState.Established && x.peer.number === "C"),
      { description: "A talks to C" },
    );
    await b.waitFor((s) => s.ended.length === 1, { description: "B's call handed on" });
    assertEquals(b.snapshot.ended[0].close.cause, "transfer");
    assertEquals(applied, [b.snapshot.ended[0].id]);
  } finally {
    incoming.close();
  }
});
