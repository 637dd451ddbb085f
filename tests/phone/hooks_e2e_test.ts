/**
 * Hooks of a running session, end to end: each event's hook runs with the
 * documented variables — and never sees the password, not even from a
 * variable ringo itself was started with — and header_display views of
 * the received INVITE reach the status and the history.
 */
import { join } from "node:path";
import { startPbx, TEST_USERS } from "../pbx/pbx.ts";
import { assertEquals, assertMatch } from "../assert.ts";
import {
  addProfiles,
  ctl,
  ctlJson,
  type Json,
  phoneHome,
  ringo,
  ringoCommand,
  RunningSession,
} from "./e2e.ts";

const EVENTS = [
  "profile_loaded",
  "call_incoming",
  "call_established",
  "call_ended",
  "message_received",
];

Deno.test("hooks run on each event with RINGO_* variables and without the password", async () => {
  await using pbx = await startPbx();
  // bob's password comes from a variable of ringo's own environment: hooks must not inherit it.
  await using home = await phoneHome({ BOB_PW: TEST_USERS.bob });
  const domain = `127.0.0.1:${pbx.port}`;
  const out = join(home.dir, "hooks");
  await Deno.mkdir(out);
  await Deno.mkdir(home.paths.configDir, { recursive: true });
  await Deno.writeTextFile(
    join(home.paths.configDir, "ringo.toml"),
    EVENTS.map((event) =>
      `[[hooks]]\nevent = "${event}"\ncommand = "env > '${out}/'$RINGO_PROFILE-${event}.env"\n`
    ).join("\n"),
  );
  const add = (...args: string[]) =>
    ringo(home, ["phone", "profile", "add", ...args], { stdin: TEST_USERS.alice });
  assertEquals(
    (await add("alice", "--username", "alice", "--domain", domain, "--password-stdin")).code,
    0,
  );
  const bobAdded = await add(
    "bob",
    "--username",
    "bob",
    "--domain",
    domain,
    "--password-cmd",
    'printf %s "$BOB_PW"',
    "--header-display",
    "Agent=${User-Agent}",
    "--header-display",
    "Gone=${X-Missing}",
  );
  assertEquals(bobAdded.code, 0, bobAdded.stderr);

  await using bob = await RunningSession.start(home, "bob");
  const caller = ringoCommand(home, [
    "phone",
    "call",
    "bob",
    "--profile",
    "alice",
    "--hangup-after",
    "1s",
  ]).spawn();
  await ctl(home, "bob", "wait", "ringing", "--timeout", "15s");
  // Read while it rings: once answered, the caller hangs up after 1 s, which a loaded
  // machine may take to reach the status probe.
  const during = await ctlJson(home, "bob", "status");
  assertEquals(during.data.calls[0].header_views.map((v: { label: string }) => v.label), ["Agent"]);
  assertMatch(during.data.calls[0].header_views[0].value, /baresip/);
  await ctl(home, "bob", "accept");
  assertEquals((await caller.output()).code, 0);
  await ctl(home, "bob", "wait", "idle", "--timeout", "15s");
  const sent = await ringo(home, ["phone", "message", "bob", "see you", "--profile", "alice"]);
  assertEquals(sent.code, 0, sent.stdout + sent.stderr);
  await ctl(home, "bob", "shutdown");
  await bob.exited();

  const read = async (event: string, profile = "bob") => {
    const text = await Deno.readTextFile(join(out, `${profile}-${event}.env`));
    const secret = TEST_USERS[profile as "alice" | "bob"];
    assertEquals(text.includes(secret), false, `${profile}'s ${event} hook saw the password`);
    return Object.fromEntries(
      text.trim().split("\n").map((l) => l.split(/=(.*)/s).slice(0, 2)),
    ) as Record<string, string>;
  };
  const loaded = await read("profile_loaded");
  assertEquals([loaded.RINGO_EVENT, loaded.RINGO_PROFILE, "BOB_PW" in loaded], [
    "profile_loaded",
    "bob",
    false,
  ]);
  const profile: Json = JSON.parse(loaded.RINGO_PROFILE_JSON);
  assertEquals([profile.aor, profile.password_source, "password_cmd" in profile], [
    `sip:bob@${domain}`,
    "cmd",
    false,
  ]);

  const incoming: Json = JSON.parse((await read("call_incoming")).RINGO_EVENT_DATA);
  assertEquals([incoming.number, typeof incoming.call_id], ["alice", "string"]);
  assertEquals(JSON.parse((await read("call_established")).RINGO_EVENT_DATA).direction, "incoming");
  const ended: Json = JSON.parse((await read("call_ended")).RINGO_EVENT_DATA);
  assertEquals([ended.number, ended.direction, ended.outcome, ended.error], [
    "alice",
    "incoming",
    "answered",
    null,
  ]);
  assertEquals(typeof ended.duration_secs, "number");
  const message: Json = JSON.parse((await read("message_received")).RINGO_EVENT_DATA);
  assertEquals(message.body, "see you");
  assertMatch(message.from, /^sip:alice@/);

  const history = JSON.parse((await ringo(home, ["phone", "history", "bob", "--json"])).stdout);
  assertEquals(history[0].headerViews.map((v: { label: string }) => v.label), ["Agent"]);
  // The one-shots of alice are sessions of her profile too: her hooks ran, without her password.
  assertEquals((await read("profile_loaded", "alice")).RINGO_PROFILE, "alice");
  const log = await Deno.readTextFile(join(home.paths.logsDir, "bob.log"));
  assertMatch(log, /hook call_ended \(env > .*\) exited with code 0 in \d+ ms/);
});

Deno.test("the call_outgoing hook names the call it is about", async () => {
  await using pbx = await startPbx();
  await using home = await phoneHome();
  const out = join(home.dir, "outgoing.json");
  await Deno.mkdir(home.paths.configDir, { recursive: true });
  await Deno.writeTextFile(
    join(home.paths.configDir, "ringo.toml"),
    `[[hooks]]\nevent = "call_outgoing"\ncommand = "printf %s \\"$RINGO_EVENT_DATA\\" > '${out}'"\n`,
  );
  await addProfiles(home, pbx.port, { alice: [], bob: [] });
  await using _alice = await RunningSession.start(home, "alice");
  await using _bob = await RunningSession.start(home, "bob");
  await ctl(home, "alice", "dial", "bob");
  await ctl(home, "bob", "wait", "ringing");
  const id = (await ctlJson(home, "alice", "status")).data.calls[0].id;
  await ctl(home, "alice", "hangup");
  await ctl(home, "alice", "wait", "idle");
  await ctl(home, "alice", "shutdown");
  await _alice.exited();
  const data: Json = JSON.parse(await Deno.readTextFile(out));
  assertEquals([data.number, data.call_id], ["bob", id]);
});

Deno.test("desktop notifications name the contact, and --no-notify turns them off", async () => {
  await using pbx = await startPbx();
  // A notify-send of our own on PATH records what it is asked to show.
  const bin = await Deno.makeTempDir({ prefix: "ringo-notify-" });
  const shown = join(bin, "shown.txt");
  await Deno.writeTextFile(
    join(bin, "notify-send"),
    `#!/bin/sh\nprintf '%s|' "$@" >> '${shown}'\necho >> '${shown}'\n`,
    { mode: 0o755 },
  );
  try {
    await using home = await phoneHome();
    home.env.PATH = `${bin}:${home.env.PATH}`;
    await addProfiles(home, pbx.port, { alice: [], bob: [] });
    await Deno.writeTextFile(
      join(home.paths.configDir, "contacts.toml"),
      '[[contacts]]\nname = "Alice A."\nnumbers = ["alice"]\n',
    );
    for (const flags of [["--headless"], ["--headless", "--no-notify"]]) {
      await using bob = await RunningSession.start(home, "bob", flags);
      const call = await ringo(home, [
        "phone",
        "call",
        "bob",
        "--profile",
        "alice",
        "--ring-timeout",
        "1s",
      ]);
      assertEquals(call.code, 6, call.stdout + call.stderr);
      const status = await ctlJson(home, "bob", "status");
      assertEquals([status.data.last_call.outcome, status.data.last_call.contact], [
        "missed",
        "Alice A.",
      ]);
      await ctl(home, "bob", "shutdown");
      await bob.exited();
    }
    const lines = (await Deno.readTextFile(shown)).trim().split("\n");
    assertEquals(
      lines.some((l) => l.includes("ringo: call from Alice A. (alice)")),
      true,
      lines.join("\n"),
    );
    assertEquals(
      lines.some((l) => l.includes("ringo: missed call from Alice A. (alice)")),
      true,
      lines.join("\n"),
    );
    assertEquals(lines.length, 2, "--no-notify showed nothing");
  } finally {
    await Deno.remove(bin, { recursive: true });
  }
});
