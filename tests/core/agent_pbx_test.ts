import { assertEquals, assertMatch } from "../assert.ts";
import { Agent, CallState } from "../../core/mod.ts";
import { startPbx, TEST_USERS } from "../pbx/pbx.ts";

type User = keyof typeof TEST_USERS;

const ringing = (s: { calls: { state: string }[] }) => s.calls[0]?.state === CallState.Ringing;
const established = (s: { calls: { state: string }[] }) =>
  s.calls[0]?.state === CallState.Established;

Deno.test("agents registered at a real kamailio", async (t) => {
  await using pbx = await startPbx();
  const account = (user: User, password = TEST_USERS[user]) => ({
    username: user,
    domain: `${pbx.domain}:${pbx.port}`,
    password,
  });

  await t.step("register with the right password: registered becomes true", async () => {
    await using alice = await Agent.start({ name: "alice", account: account("alice") });
    assertEquals(alice.registered, false);
    await alice.register();
    await alice.waitFor((s) => s.registration.state !== "registering", {
      description: "a REGISTER answer",
    });
    assertEquals(alice.registered, true);
    assertEquals(alice.snapshot.registration.statusCode, 200);
  });

  await t.step("registerOnStart: registered becomes true", async () => {
    for (let i = 0; i < 5; i++) {
      await using alice = await Agent.start({
        name: "alice",
        account: account("alice"),
        registerOnStart: true,
      });
      assertEquals(alice.snapshot.registration.state === "unregistered", false);
      await alice.waitFor((s) => s.registration.state === "registered", {
        description: "REGISTER_OK",
      });
    }
  });

  await t.step("a wrong password gives a registration failure with the SIP status", async () => {
    await using alice = await Agent.start({
      name: "alice",
      account: account("alice", "wrong-password"),
    });
    await alice.register();
    await alice.waitFor((s) => s.registration.state !== "registering", {
      description: "a REGISTER answer",
    });
    assertEquals(alice.registered, false);
    assertEquals(alice.snapshot.registration.state, "failed");
    assertEquals(alice.snapshot.registration.statusCode, 403);
    assertMatch(alice.snapshot.registration.reason ?? "", /403/);
  });

  await t.step("two registered users call each other through the proxy", async () => {
    await using alice = await Agent.start({ name: "alice", account: account("alice") });
    await using bob = await Agent.start({ name: "bob", account: account("bob") });
    await Promise.all([alice.register(), bob.register()]);
    await Promise.all([
      alice.waitFor((s) => s.registration.state === "registered"),
      bob.waitFor((s) => s.registration.state === "registered"),
    ]);

    await alice.dial("bob");
    await bob.waitFor(ringing, { description: "bob ringing" });
    assertEquals(bob.snapshot.calls[0].peer.number, "alice");
    await bob.accept();
    await Promise.all([alice.waitFor(established), bob.waitFor(established)]);
    await alice.sendDtmf("42", 80);
    await bob.waitFor((s) => s.dtmfReceived === "42", { description: "bob receives 42" });
    await bob.hangup();
    await Promise.all([
      alice.waitFor((s) => s.calls.length === 0),
      bob.waitFor((s) => s.calls.length === 0),
    ]);
    assertEquals(alice.state, CallState.Idle);
  });

  await t.step("a call to an unknown user fails with its status code", async () => {
    await using alice = await Agent.start({ name: "alice", account: account("alice") });
    await alice.register();
    await alice.waitFor((s) => s.registration.state === "registered");
    await alice.dial("nobody");
    await alice.waitFor((s) => s.calls.length === 0 && s.lastClose !== undefined, {
      description: "the call to fail",
    });
    assertEquals(alice.snapshot.lastClose?.statusCode, 404);
  });

  await t.step("a call to a known user who is offline fails with 480", async () => {
    await using alice = await Agent.start({ name: "alice", account: account("alice") });
    await alice.register();
    await alice.waitFor((s) => s.registration.state === "registered");
    await alice.dial("dave");
    await alice.waitFor((s) => s.calls.length === 0 && s.lastClose !== undefined, {
      description: "the call to fail",
    });
    assertEquals(alice.snapshot.lastClose?.statusCode, 480);
  });

  await t.step("unregister removes the binding: calls to that user then get 480", async () => {
    await using alice = await Agent.start({ name: "alice", account: account("alice") });
    await using carol = await Agent.start({ name: "carol", account: account("carol") });
    await Promise.all([alice.register(), carol.register()]);
    await Promise.all([
      alice.waitFor((s) => s.registration.state === "registered"),
      carol.waitFor((s) => s.registration.state === "registered"),
    ]);
    await carol.unregister();
    assertEquals(carol.registered, false);
    // the de-REGISTER has no event of its own on 1.0.0: a call shows whether the binding is gone
    let status: number | undefined;
    for (let i = 0; i < 10 && status !== 480; i++) {
      await alice.dial("carol");
      const s = await alice.waitFor(
        (s) =>
          s.calls.length === 0 && s.lastClose !== undefined && s.lastClose.at > Date.now() - 5000,
        { timeoutMs: 5000 },
      );
      status = s.lastClose?.statusCode;
      if (status !== 480) await carol.waitFor(ringing).then(() => carol.reject()).catch(() => {});
    }
    assertEquals(status, 480);
  });
});
