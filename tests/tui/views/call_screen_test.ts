import { assertEquals, assertMatch } from "../../assert.ts";
import {
  type CallScreenHost,
  CallScreenView,
  formatDuration,
  type ScreenCall,
  type ScreenStatus,
} from "../../../tui/views/call_screen.ts";
import { harness } from "../app_harness.ts";

function call(fields: Partial<ScreenCall> & Pick<ScreenCall, "index">): ScreenCall {
  return {
    direction: "outgoing",
    state: "established",
    peer: `sip:${fields.index}@pbx`,
    number: String(fields.index),
    held: false,
    muted: false,
    duration_secs: 0,
    ...fields,
  };
}

/** A host that records commands; like the TUI's table, dial/transfer/atransfer alone open the line. */
function host(status: ScreenStatus, runs: string[]): CallScreenHost & { view?: CallScreenView } {
  const h: CallScreenHost & { view?: CallScreenView } = {
    status: () => status,
    onChange: () => () => {},
    async run(name, args) {
      if (["dial", "transfer", "atransfer"].includes(name) && args.length === 0) {
        await h.view!.openLine(name as "dial");
        return;
      }
      runs.push([name, ...args].join(" "));
    },
    dialHistory: () => Promise.resolve(["4711", "sip:bob@pbx"]),
    openSearch: (choose) => choose("from-search"),
    openContacts: (choose) => choose?.("from-contacts"),
    openCommandBar: () => void runs.push("(command bar)"),
    selectCall: (index) => {
      runs.push(`(select ${index})`);
      return Promise.resolve();
    },
  };
  return h;
}

/** A call screen on `host`. */
function screenOn(h: CallScreenHost & { view?: CallScreenView }): CallScreenView {
  h.view = new CallScreenView(h);
  return h.view;
}

const BASE: ScreenStatus = {
  profile: "work",
  aor: "sip:alice@pbx.example.com",
  registration: { state: "registered" },
  calls: [],
  last_call: null,
  mwi: null,
};

Deno.test("call screen", async (t) => {
  await t.step(
    "the status bar shows the profile, registration, calls, MWI and the AOR",
    async () => {
      const view = screenOn(host({ ...BASE, mwi: { waiting: true, new: 3 } }, []));
      const screen = await harness(view).text();
      assertMatch(
        screen.split("\n")[0],
        / work +● Registered +· +0 calls +· +✉ 3 +sip:alice@pbx\.example\.com/,
      );
      assertMatch(screen, /No calls\./);
    },
  );

  await t.step("a failed registration shows its reason", async () => {
    const view = screenOn(host({
      ...BASE,
      registration: { state: "failed", status_code: 403, reason: "403 Forbidden" },
    }, []));
    assertMatch(
      (await harness(view).text()).split("\n")[0],
      /✗ Registration failed: 403 Forbidden/,
    );
  });

  await t.step(
    "calls show direction, name by contact > display name > URI, and their state",
    async () => {
      const status = {
        ...BASE,
        calls: [
          call({ index: 1, contact: "Bob", number: "4711", held: true, duration_secs: 90 }),
          call({ index: 2, direction: "incoming", state: "ringing", display_name: "Carol" }),
          call({ index: 3, state: "ringing" }),
          call({
            index: 4,
            duration_secs: 3725,
            quality: { mos: 4.41, jitter_ms: 1.25, packet_loss_percent: 0, rtt_ms: 12 },
            codec: "PCMU/8000",
          }),
        ],
      };
      const screen = await harness(screenOn(host(status, []))).text();
      assertMatch(screen, /→ Bob 4711 +ON HOLD/);
      assertMatch(screen, /← Carol 2 +RINGING/);
      assertMatch(screen, /→ sip:3@pbx +RINGING/);
      assertMatch(screen, /▸ → sip:4@pbx +1:02:05/);
      assertMatch(screen, /MOS 4\.4 · jitter 1\.3 ms · loss 0\.0 % · RTT 12 ms · PCMU\/8000/);
    },
  );

  await t.step("the hint bar shows only the keys valid now", async () => {
    const idle = await harness(screenOn(host(BASE, []))).text();
    const hints = (s: string) => s.split("\n").at(-1)!;
    assertMatch(hints(idle), /d dial/);
    assertEquals(/hang up|accept|hold/.test(hints(idle)), false);
    const ringing = await harness(
      screenOn(
        host({ ...BASE, calls: [call({ index: 1, direction: "incoming", state: "ringing" })] }, []),
      ),
    ).text();
    assertMatch(hints(ringing), /a accept/);
    assertMatch(hints(ringing), /b hang up/);
  });

  await t.step("keys run the table's commands; DTMF keys send their digit", async () => {
    const runs: string[] = [];
    const h = harness(screenOn(host({ ...BASE, calls: [call({ index: 1 })] }, runs)));
    await h.press("h");
    await h.press("r");
    await h.press("m");
    await h.press("5#");
    await h.press("\x1b[3~"); // Del hangs up
    assertEquals(runs, ["hold", "resume", "mute", "dtmf 5", "dtmf #", "hangup"]);
  });

  await t.step("a key whose condition fails says why and runs nothing", async () => {
    const runs: string[] = [];
    const h = harness(screenOn(host(BASE, runs)));
    await h.press("a");
    assertEquals(runs, []);
    assertMatch(await h.text(), /Accept the incoming call: no call is ringing/);
  });

  await t.step(
    "d opens the dial line; ↑/↓ walk the history and keep the draft; Enter dials",
    async () => {
      const runs: string[] = [];
      const view = screenOn(host(BASE, runs));
      const h = harness(view);
      await h.press("d");
      await h.press("08");
      assertMatch(await h.text(), /Dial: 08/);
      await h.press("\x1b[A");
      assertEquals(view.line?.input.value, "4711");
      await h.press("\x1b[A");
      assertEquals(view.line?.input.value, "sip:bob@pbx");
      await h.press("\x1b[B\x1b[B");
      assertEquals(view.line?.input.value, "08");
      await h.press("15\r");
      assertEquals(runs, ["dial 0815"]);
      assertEquals(view.mode, "normal");
    },
  );

  await t.step(
    "Backspace on an empty line closes it; Tab fills it from contacts, Ctrl+R from the search",
    async () => {
      const view = screenOn(host(BASE, []));
      const h = harness(view);
      await h.press("d\t");
      assertEquals(view.line?.input.value, "from-contacts");
      await h.press("\x12");
      assertEquals(view.line?.input.value, "from-search");
      await h.press("\x15\x7f");
      assertEquals(view.mode, "normal");
    },
  );

  await t.step("t and T open the transfer lines, which run transfer and atransfer", async () => {
    const runs: string[] = [];
    const view = screenOn(host({ ...BASE, calls: [call({ index: 1 })] }, runs));
    const h = harness(view);
    await h.press("t");
    assertMatch(await h.text(), /Transfer to: /);
    await h.press("200\r");
    await h.press("T");
    assertMatch(await h.text(), /Attended transfer to: /);
    await h.press("201\r");
    assertEquals(runs, ["transfer 200", "atransfer 201"]);
  });

  await t.step("a pending attended transfer offers x to complete and X to abort", async () => {
    const runs: string[] = [];
    const status = {
      ...BASE,
      transfer_pending: true,
      calls: [call({ index: 1, held: true }), call({ index: 2 })],
    };
    const h = harness(screenOn(host(status, runs)));
    const screen = await h.text();
    assertMatch(screen, /x complete transfer/);
    await h.press("x");
    await h.press("X");
    assertEquals(runs, ["atransfer complete", "atransfer abort"]);
  });

  await t.step(
    "Tab switches between several calls (resuming a held one), else opens contacts",
    async () => {
      const runs: string[] = [];
      const two = { ...BASE, calls: [call({ index: 1, held: true }), call({ index: 2 })] };
      const h = harness(screenOn(host(two, runs)));
      assertMatch(await h.text(), /▸ → sip:2@pbx/);
      await h.press("\t");
      assertMatch(await h.text(), /▸ → sip:1@pbx/);
      assertEquals(runs, ["(select 1)"]);
      const one = harness(screenOn(host({ ...BASE, calls: [call({ index: 1 })] }, runs)));
      await one.press("\t");
      assertEquals(runs.at(-1), "contacts");
    },
  );

  await t.step("q, Ctrl+C, ? and : run quit, quit now, help and open the bar", async () => {
    const runs: string[] = [];
    const h = harness(screenOn(host(BASE, runs)));
    await h.press("q\x03?:");
    assertEquals(runs, ["quit", "quit now", "help", "(command bar)"]);
  });

  await t.step("durations read mm:ss, and h:mm:ss from an hour on", () => {
    assertEquals([formatDuration(0), formatDuration(83), formatDuration(3723)], [
      "00:00",
      "01:23",
      "1:02:03",
    ]);
  });
});
