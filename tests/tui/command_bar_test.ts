import { assertEquals, assertMatch } from "../assert.ts";
import { CommandBar } from "../../tui/command_bar.ts";
import { type TuiCommandHost, tuiCommands } from "../../tui/commands.ts";
import { parseCommand } from "../../phone/commands.ts";

const calls: string[] = [];
const host: TuiCommandHost = {
  openLine: (kind) => Promise.resolve(void calls.push(`line ${kind}`)),
  openOverlay: (kind) => void calls.push(`overlay ${kind}`),
  editProfile: () => Promise.resolve(),
  switchProfile: () => Promise.resolve(),
  quit: (now) => Promise.resolve(void calls.push(`quit ${now}`)),
};
const table = tuiCommands(host);

Deno.test("the TUI's command table", async (t) => {
  await t.step("has every command the issue lists for the : bar", () => {
    const names = table.map((c) => c.name);
    for (
      const name of [
        "dial",
        "hangup",
        "accept",
        "hold",
        "resume",
        "mute",
        "dtmf",
        "transfer",
        "atransfer",
        "contacts",
        "history",
        "events",
        "log",
        "info",
        "edit",
        "switch",
        "help",
        "quit",
      ]
    ) assertEquals(names.includes(name), true, name);
  });

  await t.step(
    "dial, transfer and atransfer without a target open the line; with one they need the session",
    async () => {
      calls.length = 0;
      const session = {} as never;
      for (const name of ["dial", "transfer", "atransfer"]) {
        const parsed = parseCommand([name], table);
        await parsed.command.run(session, {
          args: parsed.args,
          options: {},
          signal: new AbortController().signal,
          emit: () => {},
        });
      }
      assertEquals(calls, ["line dial", "line transfer", "line atransfer"]);
      assertEquals(parseCommand(["dial", "4711"], table).args.target, "4711");
    },
  );

  await t.step("quit takes only 'now'", () => {
    assertEquals(parseCommand(["quit", "now"], table).args.now, "now");
    let error = "";
    try {
      parseCommand(["quit", "later"], table);
    } catch (e) {
      error = (e as Error).message;
    }
    assertMatch(error, /expected now/);
  });
});

Deno.test("command bar", async (t) => {
  await t.step("Tab completes the first match, and cycles through the rest", () => {
    const bar = new CommandBar(table);
    bar.input.set("h");
    bar.complete();
    assertEquals(bar.input.value, "hangup");
    bar.complete();
    assertEquals(bar.input.value, "hold");
    bar.complete(-1);
    assertEquals(bar.input.value, "hangup");
  });

  await t.step("a unique match gets a space; an argument's words complete too", () => {
    const bar = new CommandBar(table);
    bar.input.set("atr");
    bar.complete();
    assertEquals(bar.input.value, "atransfer ");
    bar.handleKey({ name: "c", text: "c", ctrl: false, alt: false, shift: false });
    bar.complete();
    assertEquals(bar.input.value, "atransfer complete ");
  });

  await t.step("an unknown command or a missing argument is an error kept for the bar", () => {
    const bar = new CommandBar(table);
    bar.input.set("frob");
    assertEquals(bar.parse(), undefined);
    assertMatch(bar.error!, /unknown command "frob"/);
    bar.input.set("dtmf");
    assertEquals(bar.parse(), undefined);
    assertMatch(bar.error!, /dtmf needs <digits>/);
    bar.input.set('message bob "see you"');
    assertEquals(bar.parse()?.args, { target: "bob", text: "see you" });
  });

  await t.step("nothing to complete says so", () => {
    const bar = new CommandBar(table);
    bar.input.set("zz");
    bar.complete();
    assertMatch(bar.error!, /no command starts with "zz"/);
  });
});
