/**
 * A softphone's call handling, end to end on a real kamailio: with
 * auto_hold a second call holds the first and hanging up resumes it;
 * without it both stay active; deflection sends a caller on to the
 * deflect_target; catch-all is refused in one sentence where baresip
 * cannot do it.
 */
import { detectBaresip } from "../../core/baresip.ts";
import { Capabilities } from "../../core/capabilities.ts";
import { Dialect } from "../../core/dialect.ts";
import { startPbx } from "../pbx/pbx.ts";
import { assertEquals, assertMatch } from "../assert.ts";
import {
  addProfiles,
  connect,
  ctl,
  ctlJson,
  type Json,
  phoneHome,
  ringo,
  RunningSession,
} from "./e2e.ts";

const install = await detectBaresip();
const caps = new Capabilities(install.version);
/** baresip 1.0.0 holds the established call when another is answered, whatever it is told. */
const alwaysHolds = Dialect.of(install).acceptHoldsOthers(false);

async function setUp(pbxPort: number, extra: Record<string, string[]> = {}) {
  const home = await phoneHome();
  await addProfiles(home, pbxPort, {
    alice: extra.alice ?? [],
    bob: extra.bob ?? [],
    carol: extra.carol ?? [],
  });
  return home;
}

const byNumber = (calls: Json[]) => Object.fromEntries(calls.map((c) => [c.number, c]));

Deno.test("auto_hold: a second call holds the first; hanging up resumes it; off, both stay active", async (t) => {
  await using pbx = await startPbx();
  await using home = await setUp(pbx.port);
  await using alice = await RunningSession.start(home, "alice");
  await using _bob = await RunningSession.start(home, "bob");
  await using _carol = await RunningSession.start(home, "carol");

  await t.step("accepting a second call holds the active one", async () => {
    await connect(home, "alice", "bob");
    await connect(home, "carol", "alice");
    const calls = byNumber((await ctlJson(home, "alice", "status")).data.calls);
    assertEquals([calls.bob.held, calls.carol.state, calls.carol.held], [
      true,
      "established",
      false,
    ]);
  });

  await t.step("hanging up the active call resumes the held one", async () => {
    assertMatch(await ctl(home, "alice", "hangup"), /with sip:carol@/);
    await ctl(home, "carol", "wait", "idle");
    const calls = (await ctlJson(home, "alice", "status")).data.calls;
    assertEquals(calls.map((c: Json) => [c.number, c.held]), [["bob", false]]);
    await ctl(home, "alice", "hangup");
    await ctl(home, "bob", "wait", "idle");
  });

  await t.step(
    "with auto_hold off, a second call leaves the first active (baresip 1.0.0 holds it anyway)",
    async () => {
      await ctl(home, "alice", "shutdown");
      await alice.exited();
      const edited = await ringo(home, ["phone", "profile", "edit", "alice", "--no-auto-hold"]);
      assertEquals(edited.code, 0, edited.stderr);
      await using _again = await RunningSession.start(home, "alice");
      await connect(home, "alice", "bob");
      await connect(home, "carol", "alice");
      const calls = byNumber((await ctlJson(home, "alice", "status")).data.calls);
      assertEquals([calls.bob.held, calls.carol.held], [alwaysHolds, false]);
      await ctl(home, "alice", "hangup");
      await ctl(home, "alice", "hangup");
      await ctl(home, "alice", "wait", "idle");
    },
  );
});

Deno.test("deflection sends an incoming call on to deflect_target, and says so in events and history", async () => {
  await using pbx = await startPbx();
  await using home = await setUp(pbx.port, { carol: ["--deflect", "bob"] });
  await using _alice = await RunningSession.start(home, "alice");
  await using _bob = await RunningSession.start(home, "bob");
  await using carol = await RunningSession.start(home, "carol");
  await ctl(home, "alice", "dial", "carol");
  await ctl(home, "bob", "wait", "ringing", "--timeout", "15s");
  await ctl(home, "bob", "accept");
  await ctl(home, "bob", "wait", "established");
  const alice = (await ctlJson(home, "alice", "status")).data;
  assertEquals(
    alice.calls.filter((c: Json) => c.state === "established").map((c: Json) => c.number),
    ["bob"],
  );
  await ctl(home, "carol", "wait", "idle", "--timeout", "15s");
  assertEquals((await ctlJson(home, "carol", "status")).data.last_call.outcome, "deflected");
  await ctl(home, "alice", "hangup");
  await ctl(home, "bob", "wait", "idle");
  const { output } = await carol.stop();
  assertMatch(output, /deflecting call 1 from sip:alice@.* to sip:bob@/);
  const history = JSON.parse((await ringo(home, ["phone", "history", "carol", "--json"])).stdout);
  assertEquals(history[0].outcome, "deflected");
});

Deno.test("catch-all asked for explicitly needs baresip ≥ 3.11, and says so in one sentence", async () => {
  await using pbx = await startPbx();
  await using home = await setUp(pbx.port, { alice: ["--catchall"] });
  if (caps.has("catchall")) {
    await using _alice = await RunningSession.start(home, "alice");
    assertEquals((await ctlJson(home, "alice", "status")).data.registration.state, "registered");
    return;
  }
  const run = await ringo(home, ["phone", "start", "alice", "--headless"]);
  assertEquals(run.code, 1);
  assertMatch(
    run.stderr,
    /^ringo: catch-all accounts \(answering calls to any user at this agent\) needs baresip ≥ 3\.11\.0/m,
  );
});

Deno.test("custom headers reach the callee with one ${uuid} per INVITE, or baresip 1.x says why it cannot", async () => {
  await using pbx = await startPbx();
  await using home = await setUp(pbx.port, {
    alice: ["--header", "X-Trace=call-${uuid}", "--header", "X-Again=${uuid}"],
    bob: ["--header-display", "Trace=${X-Trace}", "--header-display", "Again=${X-Again}"],
  });
  if (!caps.has("custom-headers")) {
    const run = await ringo(home, ["phone", "start", "alice", "--headless"]);
    assertEquals(run.code, 1);
    assertMatch(
      run.stderr,
      /^ringo: custom SIP headers on outgoing INVITEs needs baresip ≥ 2\.0\.0/m,
    );
    return;
  }
  await using _alice = await RunningSession.start(home, "alice");
  await using _bob = await RunningSession.start(home, "bob");
  await ctl(home, "alice", "dial", "bob");
  await ctl(home, "bob", "wait", "ringing");
  const views = Object.fromEntries(
    (await ctlJson(home, "bob", "status")).data.calls[0].header_views.map((
      v: Json,
    ) => [v.label, v.value]),
  );
  assertMatch(views.Trace, /^call-[0-9a-f-]{36}$/);
  assertEquals(views.Trace, `call-${views.Again}`);
  await ctl(home, "bob", "hangup");
});
