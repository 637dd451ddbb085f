/**
 * A call turned away at the agent's max_calls: baresip only logs it, the
 * agent dispatches `refused` with one sentence naming the limit.
 */
import { assertEquals, assertMatch } from "../assert.ts";
import { Agent, CallState, type MaxCallsRefusal, maxCallsRefusal } from "../../core/mod.ts";

Deno.test("baresip's max-calls log line becomes a refusal with the limit and the fix", () => {
  const refusal = maxCallsRefusal(
    "B",
    "ua: rejected call from sip:sipp@127.0.0.1:5060 (maximum 16 calls)",
  );
  assertEquals(refusal?.from, "sip:sipp@127.0.0.1:5060");
  assertEquals(refusal?.limit, 16);
  assertEquals(
    refusal?.message,
    'agent "B" refused a call from sip:sipp@127.0.0.1:5060 with 486 Max Calls: it takes 16 calls ' +
      "at once (raise max_calls in the agent's options)",
  );
  assertMatch(
    maxCallsRefusal("B", "ua: rejected call from sip:a@h (maximum 1 calls)")!.message,
    /takes 1 call at/,
  );
  assertEquals(maxCallsRefusal("B", "ua: using connection-address 127.0.0.1"), undefined);
});

Deno.test("an agent at max_calls 1 refuses a second call and says why", async () => {
  await using b = await Agent.start({ name: "B", calls: { maxCalls: 1 } });
  await using a1 = await Agent.start({ name: "A1" });
  await using a2 = await Agent.start({ name: "A2" });
  const refused = new Promise<MaxCallsRefusal>((resolve) =>
    b.addEventListener("refused", (e) => resolve((e as CustomEvent<MaxCallsRefusal>).detail), {
      once: true,
    })
  );
  await a1.dial(b.contactUri);
  await b.waitFor((s) => s.calls[0]?.state === CallState.Ringing, { description: "B rings" });
  await a2.dial(b.contactUri);
  const refusal = await refused;
  assertEquals(refusal.limit, 1);
  assertMatch(refusal.message, /^agent "B" refused a call from sip:A2@127\.0\.0\.1:\d+ with 486/);
  await a2.waitFor((s) => s.calls.length === 0, { description: "A2's call ends" });
  assertEquals(a2.snapshot.lastClose?.statusCode, 486);
  assertEquals(b.snapshot.calls.length, 1);
});
