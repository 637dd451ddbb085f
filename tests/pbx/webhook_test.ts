import assert from "node:assert/strict";
import { PBX_DOMAIN, startPbx, TEST_USERS } from "./pbx.ts";
import { SipUdpClient, type Transaction } from "./sip_client.ts";

/** What the fake webhook received. */
interface HookCall {
  method: string;
  contentType: string | null;
  body: { caller: string; callee: string; callId: string };
}

/**
 * A local HTTP webhook whose answer depends on the callee:
 *   dave -> {"route":"carol"}, eve -> {"reject":486}, slow -> no answer for 3 s,
 *   broken -> HTTP 500, anyone else -> {}.
 */
function startWebhook() {
  const calls: HookCall[] = [];
  /** Held answers of the "slow" callee, released on close so shutdown() can finish. */
  const held = new Set<() => void>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      const body = await req.json();
      calls.push({ method: req.method, contentType: req.headers.get("content-type"), body });
      switch (body.callee) {
        case "dave":
          return Response.json({ route: "carol" });
        case "eve":
          return Response.json({ reject: 486 });
        case "broken":
          return new Response("oops", { status: 500 });
        case "slow":
          await new Promise<void>((resolve) => {
            const release = () => {
              clearTimeout(timer);
              held.delete(release);
              resolve();
            };
            const timer = setTimeout(release, 3000);
            held.add(release);
          });
          return Response.json({ route: "carol" });
        default:
          return Response.json({});
      }
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/hook`,
    calls,
    async close() {
      for (const release of [...held]) release();
      await server.shutdown();
    },
  };
}

function invite(alice: SipUdpClient, callee: string): Promise<Transaction> {
  return alice.requestWithAuth(
    { method: "INVITE", uri: `sip:${callee}@${PBX_DOMAIN}`, from: "alice", body: "v=0\r\n" },
    TEST_USERS.alice,
  );
}

async function registerAs(client: SipUdpClient, user: keyof typeof TEST_USERS) {
  const tx = await client.requestWithAuth(
    {
      method: "REGISTER",
      uri: `sip:${PBX_DOMAIN}`,
      from: user,
      to: `sip:${user}@${PBX_DOMAIN}`,
      headers: ["Expires: 60"],
    },
    TEST_USERS[user],
  );
  assert.equal(tx.response.status, 200);
}

Deno.test("with webhookUrl the PBX asks the webhook how to route each new INVITE", async (t) => {
  const hook = startWebhook();
  const pbx = await startPbx({ webhookUrl: hook.url });
  const alice = await SipUdpClient.open(pbx);
  const bob = await SipUdpClient.open(pbx);
  const carol = await SipUdpClient.open(pbx);
  try {
    await registerAs(bob, "bob");
    await registerAs(carol, "carol");

    await t.step('{"route":"carol"} re-targets a call for dave to carol', async () => {
      const calling = invite(alice, "dave");
      const inv = await carol.nextRequest();
      assert.equal(inv.method, "INVITE");
      assert.equal(inv.uri, `sip:carol@127.0.0.1:${carol.port}`);
      await carol.reply(inv, 486, "Busy Here (carol)", { toTag: "c1" });
      const tx = await calling;
      alice.ackNon2xx(tx);
      assert.equal(tx.response.startLine, "SIP/2.0 486 Busy Here (carol)");
      const call = hook.calls.at(-1)!;
      assert.equal(call.method, "POST");
      assert.equal(call.contentType, "application/json");
      assert.deepEqual(call.body, { caller: "alice", callee: "dave", callId: tx.callId });
      await carol.nextRequest(); // the PBX's hop-by-hop ACK for the 486
    });

    await t.step('{"reject":486} rejects the INVITE with 486', async () => {
      const tx = await invite(alice, "eve");
      alice.ackNon2xx(tx);
      assert.equal(tx.response.status, 486);
    });

    await t.step("any other 2xx answer routes the call to the original callee", async () => {
      const calling = invite(alice, "bob");
      const inv = await bob.nextRequest();
      assert.equal(inv.uri, `sip:bob@127.0.0.1:${bob.port}`);
      await bob.reply(inv, 603, "Decline", { toTag: "b1" });
      const tx = await calling;
      alice.ackNon2xx(tx);
      assert.equal(tx.response.status, 603);
      await bob.nextRequest(); // ACK
    });

    await t.step("an HTTP error from the webhook makes the PBX answer 480", async () => {
      const tx = await invite(alice, "broken");
      alice.ackNon2xx(tx);
      assert.equal(tx.response.status, 480);
    });

    await t.step("a webhook that does not answer within 2 s makes the PBX answer 480", async () => {
      const started = performance.now();
      const tx = await invite(alice, "slow");
      alice.ackNon2xx(tx);
      const elapsed = performance.now() - started;
      assert.equal(tx.response.status, 480);
      assert.ok(elapsed >= 1500 && elapsed < 2900, `answered after ${elapsed} ms`);
    });

    await t.step("other requests such as MESSAGE do not consult the webhook", async () => {
      const before = hook.calls.length;
      const sending = alice.requestWithAuth(
        { method: "MESSAGE", uri: `sip:bob@${PBX_DOMAIN}`, from: "alice", body: "hi" },
        TEST_USERS.alice,
      );
      const msg = await bob.nextRequest();
      await bob.reply(msg, 200, "OK", { toTag: "m1" });
      assert.equal((await sending).response.status, 200);
      assert.equal(hook.calls.length, before);
    });
  } finally {
    await alice.close();
    await bob.close();
    await carol.close();
    await pbx.stop();
    await hook.close();
  }
});

Deno.test("with an unreachable webhook every new INVITE is answered 480", async () => {
  // Reserve a port, then free it so that nothing listens there.
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  await using pbx = await startPbx({ webhookUrl: `http://127.0.0.1:${port}/hook` });
  await using alice = await SipUdpClient.open(pbx);
  await using bob = await SipUdpClient.open(pbx);
  await registerAs(bob, "bob");
  const tx = await invite(alice, "bob");
  alice.ackNon2xx(tx);
  assert.equal(tx.response.status, 480);
});
