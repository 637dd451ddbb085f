/**
 * `ringo phone` as a person uses it: in a real terminal (tmux), against
 * real baresip agents — headless `ringo phone` sessions of other test users
 * registered at a real kamailio (tests/pbx/), and an engine agent on
 * loopback — typing keys and reading the screen.
 */
import { assertEquals, assertMatch } from "../assert.ts";
import { Agent } from "../../core/agent.ts";
import { Capabilities } from "../../core/capabilities.ts";
import { detectBaresip } from "../../core/baresip.ts";
import { eventually, type HeadlessSession, type PhoneEnv, phoneEnv } from "./phone_env.ts";
import type { TmuxTerminal } from "./tmux.ts";

const install = await detectBaresip(Deno.env.toObject());
const attended = new Capabilities(install.version).has("attended-transfer");

/** Lines of the screen matching `re`. */
const lineOf = (screen: string, re: RegExp) => screen.split("\n").find((l) => re.test(l)) ?? "";

/** Types a line into the TUI: the text, then Enter. */
async function enter(term: TmuxTerminal, text: string): Promise<void> {
  await term.type(text);
  await term.keys("Enter");
}

/** The TUI's screen once its status bar shows alice registered and no call. */
function idle(screen: string): boolean {
  return /● Registered\s+·\s+0 calls/.test(screen);
}

/**
 * Waits until the shell has the terminal again: the TUI's alternate screen
 * is gone and the last line is bash's prompt. Keys typed before that would
 * still go to the TUI.
 */
async function shellBack(term: TmuxTerminal): Promise<string> {
  return await term.waitFor((s) =>
    !/Registered|pick an account/.test(s) && /[#$] ?$/.test(s.trimEnd())
  );
}

/**
 * Presses Esc and waits until `gone` is off the screen. A key sent right
 * after Esc would arrive within the Esc timeout and read as Alt+key, as in
 * any terminal program; a person never types that fast.
 */
async function escape(term: TmuxTerminal, gone: RegExp): Promise<void> {
  await term.keys("Escape");
  await term.waitFor((s) => !gone.test(s));
}

/** Starts `ringo phone start alice` in `term` and waits for Registered. */
async function startAlice(world: PhoneEnv, term: TmuxTerminal): Promise<void> {
  await term.run(world.commandLine(["phone", "start", "alice", "--no-notify"]));
  await term.waitFor(idle);
}

/** The call count in the status bar. */
function callCount(screen: string): number {
  return Number(/·\s+(\d+) calls?/.exec(screen)?.[1] ?? NaN);
}

/** Hangs up every call alice's TUI shows, one b at a time, each time waiting for the count to drop. */
async function hangUpAll(term: TmuxTerminal): Promise<void> {
  let count = callCount(await term.capture());
  while (count > 0) {
    await term.keys("b");
    await term.waitFor((s) => callCount(s) < count);
    count = callCount(await term.capture());
  }
  await term.waitFor(idle);
}

/** Calls bob from the TUI and has bob answer; resolves once the timer runs. */
async function callBob(term: TmuxTerminal, bob: HeadlessSession): Promise<void> {
  await term.keys("d");
  await term.waitFor("Dial:");
  await enter(term, "bob");
  await term.waitFor(/→ sip:bob@\S+\s+RINGING/);
  const accepted = await bob.control("accept");
  assertEquals(accepted.code, 0, accepted.stderr);
  await term.waitFor(/→ sip:bob@\S+\s+\d\d:\d\d/);
}

Deno.test({
  name: "ringo phone in a real terminal against real agents",
  sanitizeResources: false,
  sanitizeOps: false,
}, async (t) => {
  await using world = await phoneEnv();
  await world.addProfile("bob");
  await world.addProfile("carol");
  const bob = await world.headless("bob");
  const carol = await world.headless("carol");
  const term = await world.terminal(100, 30);
  const domain = `${world.pbx.domain}:${world.pbx.port}`;
  // The steps build on each other: after a failure the rest are reported as ignored, not run.
  let broken = false;
  const step = async (name: string, fn: () => Promise<void>) => {
    const ok = await t.step({ name, ignore: broken, fn });
    if (!ok) broken = true;
  };

  await step("ringo phone with no profile opens the picker, which says how to start", async () => {
    await term.run(world.commandLine(["phone"]));
    const screen = await term.waitFor("pick an account");
    assertMatch(screen, /phone v\d+\.\d+\.\d+/);
    // bob and carol exist already (created with ringo phone profile add)
    assertMatch(screen, /▸ bob\s+sip:bob@127\.0\.0\.1/);
  });

  await step("a profile created in the form shows in the picker", async () => {
    await term.keys("C-n");
    await term.waitFor("New profile");
    await enter(term, "");
    await term.waitFor(/Profile name:.*cannot be empty|Profile name \*.*✗/);
    await term.type("alice");
    await term.keys("Tab");
    await term.type("alice");
    await term.keys("Tab");
    await term.type(domain);
    await term.keys("Tab");
    await term.type(world.pbx.users.alice);
    const form = await term.waitFor(/Password\s+•{12}/);
    assertEquals(form.includes(world.pbx.users.alice), false, "the password is masked");
    await term.keys("C-s");
    const picker = await term.waitFor((s) => /3 profiles/.test(s) && !/New profile/.test(s));
    assertMatch(picker, /alice\s+sip:alice@127\.0\.0\.1/);
    assertMatch(picker, /3 profiles/);
    const show = await world.ringo(["phone", "profile", "show", "alice", "--json"]);
    assertEquals(JSON.parse(show.stdout).username, "alice");
  });

  await step(
    "the picker clones and deletes profiles, and refuses to rename a running one",
    async () => {
      await term.type("carol");
      await term.waitFor(/1 of 3/);
      await term.keys("C-r");
      await term.waitFor("Rename carol to");
      await term.keys("C-u");
      await enter(term, "caroline");
      await term.waitFor(/cannot rename profile "carol" while it runs/);
      await escape(term, /Rename carol to/);
      await term.keys("C-u");
      await term.waitFor(/3 profiles/);
      await term.keys("C-y");
      await term.waitFor("Clone alice as");
      await term.keys("Enter");
      await term.waitFor((s) => /4 profiles/.test(s) && /▸ alice copy/.test(s));
      await term.keys("C-d");
      await term.waitFor("Delete profile alice copy and its folder?");
      await term.keys("y");
      await term.waitFor((s) => /3 profiles/.test(s) && /▸ alice\s/.test(s));
    },
  );

  await step("starting it from the picker shows Registered", async () => {
    await term.keys("Enter");
    const screen = await term.waitFor(idle);
    assertMatch(
      lineOf(screen, /Registered/),
      /alice\s+● Registered\s+·\s+0 calls\s+sip:alice@127\.0\.0\.1/,
    );
    const list = await world.ringo(["control", "list"]);
    assertMatch(list.stdout, /alice\s+sip:alice@/, "the TUI session answers ringo control");
  });

  await step("dialing bob shows RINGING, then the timer once bob answers", async () => {
    await callBob(term, bob);
    const status = await bob.status();
    assertEquals(status.calls.length, 1);
    assertEquals(status.calls[0].state, "established");
  });

  await step("the established call shows its quality line and codec", async () => {
    await term.waitFor(/MOS \d\.\d · jitter|waiting for the first RTCP report/);
  });

  await step("DTMF keys arrive at the peer", async () => {
    await term.keys("1", "2", "#");
    await eventually(
      "bob receives 12#",
      () => bob.status(),
      (s) => s.dtmf_received.endsWith("12#"),
    );
  });

  await step("hold and resume show ON HOLD and the timer again", async () => {
    await term.keys("h");
    await term.waitFor(/→ sip:bob@\S+\s+ON HOLD/);
    await term.keys("r");
    await term.waitFor(/→ sip:bob@\S+\s+\d\d:\d\d/);
  });

  await step("m mutes (MUTED beside the call) and unmutes", async () => {
    await term.keys("m");
    await term.waitFor(/\d\d:\d\d\s+MUTED/);
    await term.keys("m");
    await term.waitFor((s) => !/MUTED/.test(lineOf(s, /sip:bob@/)));
  });

  await step("i shows the call's details", async () => {
    await term.keys("i");
    const details = await term.waitFor(/Call 1/);
    assertMatch(details, /Peer\s+sip:bob@/);
    assertMatch(details, /State\s+established/);
    await escape(term, /Call 1/);
  });

  await step("b hangs up; the last call is shown", async () => {
    await term.keys("b");
    const screen = await term.waitFor(idle);
    assertMatch(screen, /Last call: → sip:bob@\S+ · answered · \d\d:\d\d/);
  });

  await step("an incoming call rings and is accepted with a", async () => {
    const dialed = await bob.control("dial", "alice");
    assertEquals(dialed.code, 0, dialed.stderr);
    await term.waitFor(/← sip:bob@\S+\s+RINGING/);
    assertMatch(lineOf(await term.capture(), /accept/), /a accept/);
    await term.keys("a");
    await term.waitFor(/← sip:bob@\S+\s+\d\d:\d\d/);
    const established = await bob.control("wait", "established", "--timeout", "10s");
    assertEquals(established.code, 0, established.stderr);
    await hangUpAll(term);
  });

  await step("the calls are in the history overlay, and Enter there redials", async () => {
    await term.keys("c");
    const history = await term.waitFor(/Call history \(2\)/);
    assertMatch(history, /← sip:bob@\S+\s+\d\d:\d\d/);
    assertMatch(history, /→ sip:bob@\S+\s+\d\d:\d\d/);
    await term.keys("Enter");
    await term.waitFor(/Dial: sip:bob@/);
    await term.keys("Enter");
    await term.waitFor(/→ sip:bob@\S+\s+RINGING/);
    await term.keys("b");
    await term.waitFor(idle);
  });

  await step("Ctrl+R finds a number in the dial history", async () => {
    await term.keys("d");
    await enter(term, "carol");
    await term.waitFor(/→ sip:carol@\S+\s+RINGING/);
    await term.keys("b");
    await term.waitFor(idle);
    await term.keys("C-r");
    await term.waitFor("Dial history");
    await term.type("crl");
    // Typed letter by letter: "c" still matches bob's entry, "crl" must not.
    const bobRow = /│\s+(▸ )?(sip:)?bob/;
    const search = await term.waitFor((s) => /Search crl/.test(s) && /▸ carol/.test(s));
    assertEquals(bobRow.test(search), false, "bob does not match crl");
    await term.keys("Enter");
    await term.waitFor(/Dial: carol/);
    await escape(term, /Dial:/);
  });

  await step("the : bar completes with Tab, runs commands, and shows errors", async () => {
    await term.keys(":");
    await term.type("ho");
    await term.keys("Tab");
    await term.waitFor(/:hold/);
    await term.keys("Enter");
    await term.waitFor(/there is no active call to hold/);
    await term.keys(":");
    await term.type("frobnicate");
    await term.keys("Enter");
    await term.waitFor(/unknown command "frobnicate"/);
    await escape(term, /unknown command/);
    await term.keys(":");
    await enter(term, "dial bob");
    await term.waitFor(/→ sip:bob@\S+\s+RINGING/);
    await term.keys(":");
    await enter(term, "hangup");
    await term.waitFor(idle);
  });

  await step("blind transfer (t): bob ends up talking to carol", async () => {
    await callBob(term, bob);
    await term.keys("t");
    await term.waitFor("Transfer to:");
    await enter(term, "carol");
    const ringing = await carol.control("wait", "ringing", "--timeout", "15s");
    assertEquals(ringing.code, 0, ringing.stderr);
    assertEquals((await carol.control("accept")).code, 0);
    await term.waitFor(idle, 20_000);
    const bobStatus = await eventually(
      "bob talks to carol",
      () => bob.status(),
      (s) => s.calls.some((c) => String(c.peer).includes("carol") && c.state === "established"),
    );
    assertEquals(bobStatus.calls.length, 1);
    await bob.control("hangup");
    await carol.control("wait", "idle", "--timeout", "10s");
  });

  await step(
    `attended transfer (T, then x) ${
      attended ? "connects bob and carol" : "says which baresip it needs"
    }`,
    async () => {
      await callBob(term, bob);
      await term.keys("T");
      await term.waitFor("Attended transfer to:");
      await enter(term, "carol");
      if (!attended) {
        await term.waitFor(/attended transfer needs baresip ≥ 2\.0\.0/);
        await hangUpAll(term);
        return;
      }
      assertEquals((await carol.control("wait", "ringing", "--timeout", "15s")).code, 0);
      assertEquals((await carol.control("accept")).code, 0);
      const pending = await term.waitFor(
        /→ sip:bob@\S+\s+ON HOLD[\s\S]*▸ → sip:carol@\S+\s+\d\d:\d\d/,
      );
      assertMatch(pending, /x complete transfer/);
      // Tab switches between the two lines while the transfer waits.
      await term.keys("Tab");
      await term.waitFor(/▸ → sip:bob@\S+\s+\d\d:\d\d[\s\S]*→ sip:carol@\S+\s+ON HOLD/);
      await term.keys("Tab");
      await term.waitFor(/→ sip:bob@\S+\s+ON HOLD[\s\S]*▸ → sip:carol@\S+\s+\d\d:\d\d/);
      await term.keys("x");
      await term.waitFor(idle, 20_000);
      await eventually(
        "bob talks to carol",
        () => bob.status(),
        (s) => s.calls.some((c) => String(c.peer).includes("carol") && c.state === "established"),
      );
      await bob.control("hangup");
      await carol.control("wait", "idle", "--timeout", "10s");
    },
  );

  await step("Tab switches between two calls, holding the other (auto_hold)", async () => {
    await callBob(term, bob);
    await term.keys("d");
    await enter(term, "carol");
    assertEquals((await carol.control("wait", "ringing", "--timeout", "15s")).code, 0);
    assertEquals((await carol.control("accept")).code, 0);
    await term.waitFor(/→ sip:bob@\S+\s+ON HOLD[\s\S]*▸ → sip:carol@\S+\s+\d\d:\d\d/);
    await term.keys("Tab");
    await term.waitFor(/▸ → sip:bob@\S+\s+\d\d:\d\d[\s\S]*→ sip:carol@\S+\s+ON HOLD/);
    await hangUpAll(term);
  });

  await step("a resize reflows the layout at once", async () => {
    await term.resize(64, 18);
    const small = await term.waitFor((s) =>
      s.split("\n").length <= 18 && /d dial/.test(s.split("\n").at(-1) ?? "")
    );
    assertMatch(small.split("\n")[0], /alice\s+● Registered/);
    await term.resize(120, 34);
    const big = await term.waitFor((s) =>
      /sip:alice@127\.0\.0\.1:\d+$/.test(s.split("\n")[0]) && s.split("\n")[0].length > 100
    );
    assertMatch(big.split("\n").at(-1)!, /d dial/);
    await term.resize(100, 30);
  });

  await step("q with a call up asks first; n keeps the call", async () => {
    await callBob(term, bob);
    await term.keys("q");
    await term.waitFor("Calls are up: hang up and quit?");
    await term.keys("n");
    await term.waitFor((s) => !/hang up and quit/.test(s));
    await hangUpAll(term);
  });

  await step(
    "f opens contacts: a adds one to contacts.toml; Enter dials its number, shown by name",
    async () => {
      await term.keys("f");
      await term.waitFor("No contacts yet");
      await term.keys("a");
      await term.waitFor("New contact");
      await term.type("Carol Jones");
      await term.keys("Tab");
      await enter(term, "carol");
      await term.waitFor(/Carol Jones\s+carol/);
      const book = await Deno.readTextFile(`${world.env.XDG_CONFIG_HOME}/ringo/contacts.toml`);
      assertMatch(book, /name = "Carol Jones"/);
      await term.keys("Enter");
      await term.waitFor(/Dial: carol/);
      await term.keys("Enter");
      // The session names the peer from the book just edited.
      await term.waitFor(/→ Carol Jones carol\s+RINGING/);
      await hangUpAll(term);
    },
  );

  await step(
    "Ctrl+P stops the session and shows the picker; Enter starts it again, with the new contact",
    async () => {
      await term.keys("C-p");
      await term.waitFor("pick an account");
      const list = await world.ringo(["control", "list", "--json"]);
      assertEquals(
        JSON.parse(list.stdout).some((s: { profile: string }) => s.profile === "alice"),
        false,
      );
      await term.keys("Enter");
      await term.waitFor(idle);
      await term.keys("d");
      await enter(term, "carol");
      await term.waitFor(/→ Carol Jones carol\s+RINGING/);
      await hangUpAll(term);
    },
  );

  await step("Ctrl+E edits the running profile when no call is up", async () => {
    await term.keys("C-e");
    await term.waitFor("Edit profile alice");
    await term.keys("Down", "Down", "Down", "Down", "Down", "Down");
    await term.type("Alice A.");
    await term.keys("C-s");
    await term.waitFor(/takes effect when the profile starts again/);
    const show = await world.ringo(["phone", "profile", "show", "alice", "--json"]);
    assertEquals(JSON.parse(show.stdout).display_name, "Alice A.");
    await term.waitFor(idle);
  });

  await step("? shows the keys, generated from the key table", async () => {
    await term.keys("?");
    const help = await term.waitFor(/Keys/);
    assertMatch(help, /Call screen \(Normal mode\)|Profile picker/);
    await escape(term, /Keys/);
  });

  await step(
    "after q the shell is back, the session is gone and stty -a is as before",
    async () => {
      await term.keys("q");
      await shellBack(term);
      await term.run("echo SHELL-IS-BACK");
      await term.waitFor(/^SHELL-IS-BACK$/m);
      const list = await world.ringo(["control", "list", "--json"]);
      assertEquals(
        JSON.parse(list.stdout).some((s: { profile: string }) => s.profile === "alice"),
        false,
      );
    },
  );

  for (
    const [how, act] of [
      ["q", (term: TmuxTerminal) => term.keys("q")],
      ["Ctrl+C", (term: TmuxTerminal) => term.keys("C-c")],
      ["SIGTERM", async (_term: TmuxTerminal) => {
        const list = JSON.parse((await world.ringo(["control", "list", "--json"])).stdout) as {
          profile: string;
          pid: number;
        }[];
        const pid = list.find((s) => s.profile === "alice")!.pid;
        Deno.kill(pid, "SIGTERM");
      }],
      ["SIGHUP", async (_term: TmuxTerminal) => {
        const list = JSON.parse((await world.ringo(["control", "list", "--json"])).stdout) as {
          profile: string;
          pid: number;
        }[];
        Deno.kill(list.find((s) => s.profile === "alice")!.pid, "SIGHUP");
      }],
    ] as const
  ) {
    await step(
      `after ${how} the terminal is as it was (stty -a), with no session left`,
      async () => {
        await term.run("stty -a > before.txt; clear");
        await startAlice(world, term);
        await act(term);
        await shellBack(term);
        await term.run("stty -a > after.txt; cmp before.txt after.txt && echo STTY-SAME");
        const screen = await term.waitFor(/STTY-SAME|differ/);
        assertMatch(screen, /STTY-SAME/);
        const list = await world.ringo(["control", "list", "--json"]);
        assertEquals(
          JSON.parse(list.stdout).some((s: { profile: string }) => s.profile === "alice"),
          false,
        );
      },
    );
  }
});

Deno.test({
  name: "ringo phone calls an engine agent on loopback, which hears its DTMF",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using world = await phoneEnv();
  await world.addProfile("alice");
  await using dave = await Agent.start({ name: "dave" });
  const term = await world.terminal(100, 26);
  await startAlice(world, term);
  await term.keys("d");
  await enter(term, dave.contactUri);
  await dave.waitFor((s) => s.calls.some((c) => c.state === "ringing"), { timeoutMs: 15_000 });
  await dave.accept();
  await term.waitFor(/→ \S*dave\S*\s+\d\d:\d\d/);
  await term.keys("4", "2");
  await dave.waitFor((s) => s.dtmfReceived.endsWith("42"), { timeoutMs: 10_000 });
  await term.keys("b");
  await term.waitFor(idle);
  await term.keys("C-c");
  await shellBack(term);
  await term.run("echo DONE");
  await term.waitFor(/^DONE$/m);
});
