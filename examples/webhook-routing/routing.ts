// Webhook-driven call routing, the way hosted telephony platforms work: for
// every new call the PBX asks an HTTP endpoint what to do, and acts on the
// answer. The scenario stands in for that endpoint with mockServer(), stages
// an answer, places a call and checks both sides: what the PBX sent, and
// what happened to the call.
//
// PBX contract (see README.md): POST {"caller","callee","callId"};
// {"route":"<user>"} re-targets the call, {"reject":<code>} rejects it, any
// other 2xx rings the dialled user, and no answer within 2s (or an error)
// makes the PBX answer 480.
import { expect, jsonResponse, scenario, State, until } from "@ringo/flow";
import { registered, ROUTE_PATH, routingService } from "./_setup.ts";

scenario("the webhook routes a call for the support line to bob", async () => {
  const hooks = await routingService();
  await hooks.respond("POST", ROUTE_PATH, jsonResponse({ route: "bob" }));
  const alice = await registered("alice", "alice");
  const bob = await registered("bob", "bob");

  await alice.dial("support");
  await until(() => expect(bob.state).toBe(State.Ringing), "10s");
  const hook = hooks.lastRequest(ROUTE_PATH)!;
  expect(hook.method).toBe("POST");
  expect(hook.header("content-type")).toBe("application/json");
  expect(hook.json("caller")).toBe("alice");
  expect(hook.json("callee")).toBe("support");
  // The PBX keeps the SIP Call-ID: bob's ringing call is the one the webhook was asked about.
  expect(hook.json("callId")).toBe(bob.call?.id);
  expect(bob.peer?.number).toBe("alice");

  await bob.accept();
  await until(() => expect(alice.state).toBe(State.Established));
  await until(() => expect(bob.state).toBe(State.Established));
  await alice.hangup();
  await until(() => expect(bob.state).toBe(State.Idle));
  expect(hooks.requestCount(ROUTE_PATH)).toBe(1); // in-dialog requests do not ask again
});

scenario("a webhook answer without a route rings the dialled user", async () => {
  const hooks = await routingService(); // answers {}
  const alice = await registered("alice", "alice");
  const carol = await registered("carol", "carol");
  await alice.dial("carol");
  await until(() => expect(carol.state).toBe(State.Ringing), "10s");
  expect(hooks.lastRequest(ROUTE_PATH)?.json("callee")).toBe("carol");
  await carol.reject();
  await until(() => expect(alice.statusCode).toBe(486));
});

scenario("the webhook rejects a call: the caller sees its code", async () => {
  const hooks = await routingService();
  await hooks.respond("POST", ROUTE_PATH, jsonResponse({ reject: 486 }));
  const alice = await registered("alice", "alice");
  const bob = await registered("bob", "bob");
  await alice.dial("bob");
  await until(() => expect(alice.statusCode).toBe(486), "10s");
  expect(alice.state).toBe(State.Idle);
  expect(bob.calls).toEqual([]); // bob's phone never rang
  expect(hooks.requestCount(ROUTE_PATH)).toBe(1);
});

scenario("a webhook that answers too late makes the PBX fall back to 480", async () => {
  const hooks = await routingService();
  // The PBX waits 2s for the webhook; this answer comes after 3s.
  await hooks.respond("POST", ROUTE_PATH, jsonResponse({ route: "bob" }, { delay: "3s" }));
  const alice = await registered("alice", "alice");
  const bob = await registered("bob", "bob");
  await alice.dial("support");
  await until(() => expect(alice.statusCode).toBe(480), "10s");
  expect(alice.reason).toMatch(/Webhook Failed/);
  expect(bob.calls).toEqual([]);
});

scenario("a routing service in the scenario spreads calls over two agents", async () => {
  const hooks = await routingService();
  // The responder runs in the scenario: it reads and changes scenario state.
  const available = ["bob", "carol"];
  await hooks.on("POST", ROUTE_PATH, () => {
    const next = available.shift();
    return jsonResponse(next ? { route: next } : { reject: 603 });
  });
  const alice = await registered("alice", "alice");
  const bob = await registered("bob", "bob");
  const carol = await registered("carol", "carol");

  await alice.dial("sales");
  await until(() => expect(bob.state).toBe(State.Ringing), "10s");
  await bob.accept();
  await until(() => expect(alice.state).toBe(State.Established));
  await alice.hangup();
  await until(() => expect(bob.state).toBe(State.Idle));

  await alice.dial("sales");
  await until(() => expect(carol.state).toBe(State.Ringing), "10s");
  await carol.reject();
  await until(() => expect(alice.statusCode).toBe(486));

  await alice.dial("sales"); // nobody left: the service rejects
  await until(() => expect(alice.statusCode).toBe(603), "10s");
  expect(hooks.requests(ROUTE_PATH).map((r) => r.json("callee"))).toEqual([
    "sales",
    "sales",
    "sales",
  ]);
});
