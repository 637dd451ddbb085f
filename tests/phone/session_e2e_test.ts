/**
 * A new user's day, end to end with a real kamailio and real baresip:
 * profiles created with `ringo phone profile add`, sessions started
 * headless, driven only with `ringo control` from other processes — dial,
 * ring, accept, DTMF, hold and resume, blind and attended transfer, hang
 * up — `status --json` checked at each step, `wait` resolving on the event,
 * the calls in `ringo phone history`, and after `shutdown` and SIGTERM no
 * baresip, socket or registry entry left. No password reaches an argv, a
 * log, the history or any JSON output.
 */
import { detectBaresip } from "../../core/baresip.ts";
import { Capabilities } from "../../core/capabilities.ts";
import { readUntil } from "../flow/e2e.ts";
import { startPbx, TEST_USERS } from "../pbx/pbx.ts";
import { assertEquals, assertMatch } from "../assert.ts";
import {
  ctl,
  ctlJson,
  filesMentioning,
  isAlive,
  phoneHome,
  processesMentioning,
  ringo,
  ringoCommand,
  RunningSession,
  sessionFiles,
} from "./e2e.ts";

const caps = new Capabilities((await detectBaresip()).version);

Deno.test("a headless session is driven through ringo control from dial to shutdown", async (t) => {
  await using pbx = await startPbx();
  await using home = await phoneHome();
  const domain = `127.0.0.1:${pbx.port}`;

  await t.step(
    "profiles are created from the command line, with three password sources",
    async () => {
      const alice = await ringo(home, [
        "phone",
        "profile",
        "add",
        "alice",
        "--username",
        "alice",
        "--domain",
        domain,
        "--password-stdin",
      ], {
        stdin: `${TEST_USERS.alice}\n`,
      });
      assertEquals(alice.code, 0, alice.stderr);
      const bob = await ringo(home, [
        "phone",
        "profile",
        "add",
        "bob",
        "--username",
        "bob",
        "--domain",
        domain,
        "--password-cmd",
        `printf %s ${TEST_USERS.bob}`,
      ]);
      assertEquals(bob.code, 0, bob.stderr);
      await Deno.writeTextFile(`${home.dir}/carol.pw`, `${TEST_USERS.carol}\n`);
      const carol = await ringo(home, [
        "phone",
        "profile",
        "add",
        "carol",
        "--username",
        "carol",
        "--domain",
        domain,
        "--password-file",
        `${home.dir}/carol.pw`,
      ]);
      assertEquals(carol.code, 0, carol.stderr);
      const list = await ringo(home, ["phone", "list", "--plain"]);
      assertEquals(list.stdout.trim().split("\n"), ["alice", "bob", "carol"]);
    },
  );

  const alice = await RunningSession.start(home, "alice");
  const bob = await RunningSession.start(home, "bob");
  const carol = await RunningSession.start(home, "carol");
  const bobEvents = ringoCommand(home, ["control", "-t", "bob", "events"]).spawn();
  try {
    await t.step("status --json shows each session registered", async () => {
      for (const name of ["alice", "bob", "carol"]) {
        const status = await ctlJson(home, name, "status");
        assertEquals([status.ok, status.data.registration.state], [true, "registered"], name);
        assertEquals(status.data.aor, `sip:${name}@${domain}`);
      }
      const list = JSON.parse((await ringo(home, ["control", "list", "--json"])).stdout);
      assertEquals(list.map((s: { profile: string }) => s.profile).sort(), [
        "alice",
        "bob",
        "carol",
      ]);
    });

    await t.step(
      "dial rings the other side; wait resolves on the event; accept establishes",
      async () => {
        assertMatch(await ctl(home, "alice", "dial", "bob"), /^dialing sip:bob@/);
        assertEquals(await ctl(home, "bob", "wait", "ringing", "--timeout", "15s"), "ringing");
        const ringing = await ctlJson(home, "bob", "status");
        assertEquals(ringing.data.calls.length, 1);
        assertEquals([
          ringing.data.calls[0].direction,
          ringing.data.calls[0].state,
          ringing.data.calls[0].number,
        ], ["incoming", "ringing", "alice"]);
        await ctl(home, "bob", "accept");
        await ctl(home, "alice", "wait", "established");
        const up = await ctlJson(home, "alice", "status");
        assertEquals([up.data.calls[0].state, up.data.calls[0].direction, up.data.calls[0].peer], [
          "established",
          "outgoing",
          `sip:bob@${domain}`,
        ]);
        assertMatch(up.data.calls[0].codec, /^PCM[UA]\/8000/);
      },
    );

    await t.step("DTMF reaches the other side, as events", async () => {
      await ctl(home, "alice", "dtmf", "123#");
      const seen = await readUntil(bobEvents.stdout, (line) => line.includes('"digits":"#"'));
      const digits = seen.seen.trim().split("\n").map((l) => JSON.parse(l)).filter((e) =>
        e.type === "dtmf_received"
      )
        .map((e) => e.digits).join("");
      assertEquals(digits, "123#");
      assertEquals((await ctlJson(home, "bob", "status")).data.dtmf_received, "123#");
      void seen.rest.catch(() => {});
    });

    await t.step("hold and resume show in the status", async () => {
      await ctl(home, "alice", "hold");
      assertEquals((await ctlJson(home, "alice", "status")).data.calls[0].held, true);
      await ctl(home, "alice", "resume");
      assertEquals((await ctlJson(home, "alice", "status")).data.calls[0].held, false);
    });

    await t.step("a blind transfer hands alice to carol", async () => {
      await ctl(home, "bob", "transfer", "carol");
      await ctl(home, "carol", "wait", "ringing", "--timeout", "15s");
      await ctl(home, "carol", "accept");
      await ctl(home, "carol", "wait", "established");
      await ctl(home, "bob", "wait", "idle", "--timeout", "15s");
      const status = await ctlJson(home, "alice", "status");
      const active = status.data.calls.filter((c: { state: string }) => c.state === "established");
      assertEquals(active.map((c: { number: string }) => c.number), ["carol"]);
    });

    await t.step(
      "attended transfer: on baresip < 2.0 one clear sentence, else carol hands alice to bob",
      async () => {
        if (!caps.has("attended-transfer")) {
          const refused = await ctlJson(home, "carol", "atransfer", "bob");
          assertEquals([refused.code, refused.ok], [1, false]);
          assertMatch(
            refused.error!,
            /^attended transfer needs baresip ≥ 2\.0\.0 \(this is baresip \d/,
          );
          return;
        }
        await ctl(home, "carol", "atransfer", "bob");
        await ctl(home, "bob", "wait", "ringing", "--timeout", "15s");
        await ctl(home, "bob", "accept");
        await ctl(home, "bob", "wait", "established");
        await ctl(home, "carol", "atransfer", "complete");
        await ctl(home, "carol", "wait", "idle", "--timeout", "15s");
        const status = await ctlJson(home, "alice", "status");
        assertEquals(
          status.data.calls.filter((c: { state: string }) => c.state === "established").map((
            c: { number: string },
          ) => c.number),
          ["bob"],
        );
      },
    );

    await t.step("hangup ends the call everywhere; last_call has reason and duration", async () => {
      await ctl(home, "alice", "hangup");
      for (const name of ["alice", "bob", "carol"]) {
        await ctl(home, name, "wait", "idle", "--timeout", "15s");
      }
      const status = await ctlJson(home, "alice", "status");
      assertEquals(status.data.calls, []);
      assertEquals(status.data.last_call.answered, true);
      assertEquals(typeof status.data.last_call.reason, "string");
      assertEquals(typeof status.data.last_call.duration_secs, "number");
    });

    await t.step("wait fails at once when the call it waits on ended just before", async () => {
      await ctl(home, "alice", "dial", "bob");
      await ctl(home, "bob", "wait", "ringing");
      await ctl(home, "bob", "hangup");
      await ctl(home, "alice", "wait", "idle");
      const waited = await ringo(home, ["control", "-t", "alice", "wait", "established"]);
      assertEquals(waited.code, 1);
      assertMatch(
        waited.stderr,
        /the last call \(to sip:bob@.*\) ended .* before it was established: 486/,
      );
      assertEquals((await ctlJson(home, "alice", "status")).data.last_call.outcome, "busy");
    });

    await t.step("the calls are in ringo phone history, newest first", async () => {
      const history = JSON.parse(
        (await ringo(home, ["phone", "history", "alice", "--json"])).stdout,
      );
      assertEquals(history[0].outcome, "busy");
      assertEquals(history.at(-1).number, "bob");
      assertEquals(history.at(-1).outcome, "answered");
      const text = await ringo(home, ["phone", "history", "bob"]);
      assertMatch(text.stdout, /← sip:alice@/);
      assertMatch(text.stdout, /rejected/);
    });

    await t.step("shutdown stops a session: no baresip, no socket, no registry entry", async () => {
      const engines = bob.baresip();
      assertEquals(engines.length, 1);
      assertEquals(await ctl(home, "bob", "shutdown"), "shutting down");
      const { status } = await bob.exited();
      assertEquals(status.code, 0);
      assertEquals(engines.filter(isAlive), []);
      assertEquals(sessionFiles(home).filter((f) => f.startsWith("bob-")), []);
    });

    await t.step("SIGTERM stops a session the same way", async () => {
      const engines = alice.baresip();
      const { status, output } = await alice.stop("SIGTERM");
      assertEquals(status.code, 143);
      assertMatch(output, /stopped \(SIGTERM received\)/);
      assertEquals(engines.filter(isAlive), []);
      assertEquals(sessionFiles(home).filter((f) => f.startsWith("alice-")), []);
    });

    await t.step("the history survives the sessions", async () => {
      const history = JSON.parse((await ringo(home, ["phone", "history", "--json"])).stdout);
      assertEquals(
        history.filter((c: { profile: string }) => c.profile === "alice").length >= 3,
        true,
      );
    });

    await t.step("no password is in any argv, log, history or JSON", async () => {
      const secrets = Object.values(TEST_USERS);
      const json = JSON.stringify((await ctlJson(home, "carol", "status")).data) +
        (await ringo(home, ["phone", "history", "--json"])).stdout +
        (await ringo(home, ["phone", "list", "--json"])).stdout;
      for (const secret of secrets) {
        assertEquals(
          processesMentioning(secret).filter((p) => !p.includes("printf %s")),
          [],
          secret,
        );
        assertEquals(json.includes(secret), false, secret);
        assertEquals(await filesMentioning(home.paths.logsDir, secret), [], secret);
        assertEquals(await filesMentioning(home.paths.dataDir, secret), [], secret);
      }
    });
  } finally {
    try {
      bobEvents.kill("SIGINT");
    } catch {
      // ended with its session
    }
    await bobEvents.status;
    await bobEvents.stdout.cancel().catch(() => {});
    await bobEvents.stderr.cancel().catch(() => {});
    await carol.stop("SIGTERM");
    await alice[Symbol.asyncDispose]();
    await bob[Symbol.asyncDispose]();
  }
  assertEquals(sessionFiles(home), []);
});
