import { Agent } from "./core/agent.ts";
import { call } from "./tests/core/calls.ts";
import { startPbx, TEST_USERS } from "./tests/pbx/pbx.ts";
// trap 2: DTMF after switching to silence
{
  const [a, b] = await Promise.all([Agent.start({ name: "A" }), Agent.start({ name: "B" })]);
  await call(a, b);
  await a.sendAudio({ kind: "tone", hz: 700 });
  await new Promise(r => setTimeout(r, 300));
  await a.sendAudio({ kind: "silence" });
  await new Promise(r => setTimeout(r, 300));
  await a.sendDtmf("159", 120);
  await b.waitFor((s) => s.dtmfReceived.length >= 3, { timeoutMs: 3000 }).catch(() => {});
  console.log("trap2 DTMF after silence:", JSON.stringify(b.snapshot.dtmfReceived));
  await a.stop(); await b.stop();
}
// trap 4: stale registration after kill
{
  await using pbx = await startPbx();
  const account = (u: "alice" | "bob") => ({ username: u, domain: `${pbx.domain}:${pbx.port}`, password: TEST_USERS[u] });
  const bob1 = await Agent.start({ name: "bob", account: account("bob"), registerOnStart: true });
  await bob1.waitFor((s) => s.registration.state === "registered");
  bob1.kill();
  await bob1.stop();
  const bob2 = await Agent.start({ name: "bob", account: account("bob"), registerOnStart: true });
  const alice = await Agent.start({ name: "alice", account: account("alice"), registerOnStart: true });
  await Promise.all([bob2, alice].map((x) => x.waitFor((s) => s.registration.state === "registered")));
  const t0 = Date.now();
  await alice.dial("bob");
  const rang = await bob2.waitFor((s) => s.calls.length > 0, { timeoutMs: 8000 }).then(() => `rang after ${Date.now() - t0} ms`, () => "never rang");
  console.log("trap4 stale binding: new bob", rang, "; alice state", alice.state);
  await Promise.all([alice.stop(), bob2.stop()]);
}
