/**
 * The one command table: parsing words, completing them, splitting a `:`
 * bar line, usage lines.
 */
import { ControlError } from "../../phone/errors.ts";
import {
  completeCommand,
  findCommand,
  parseCommand,
  SESSION_COMMANDS,
  splitCommandLine,
  usage,
} from "../../phone/commands.ts";
import { assertEquals, assertThrows } from "../assert.ts";

Deno.test("the table has every command the control socket and the TUI need", () => {
  assertEquals(SESSION_COMMANDS.map((c) => c.name), [
    "dial",
    "accept",
    "hangup",
    "hold",
    "resume",
    "mute",
    "dtmf",
    "transfer",
    "atransfer",
    "message",
    "status",
    "calls",
    "wait",
    "events",
    "shutdown",
  ]);
});

Deno.test("words are checked: arguments by name, options anywhere, rest arguments joined", () => {
  assertEquals(parseCommand(["dial", "4711"]).args, { target: "4711" });
  const wait = parseCommand(["wait", "--timeout=5s", "established"]);
  assertEquals([wait.args.condition, wait.options.timeout], ["established", "5s"]);
  assertEquals(
    parseCommand(["message", "bob", "see", "--you", "soon"]).args.text,
    "see --you soon",
  );
});

Deno.test("bad words are refused with the usage", async (t) => {
  const cases: Array<[string[], string]> = [
    [[], "no command given"],
    [["dail", "1"], 'unknown command "dail"'],
    [["dial"], "dial needs <target> (usage: dial <target>)"],
    [["hold", "now"], "hold takes no arguments, got 1"],
    [["wait", "forever"], 'wait: expected registered, ringing, established, idle, got "forever"'],
    [["wait", "idle", "--timout", "1s"], "wait has no option --timout"],
    [["wait", "idle", "--timeout"], "--timeout needs a value"],
  ];
  for (const [words, message] of cases) {
    await t.step(words.join(" ") || "(nothing)", () => {
      assertThrows(() => parseCommand(words), ControlError, message);
    });
  }
});

Deno.test("completion offers command names, then an argument's words, then option flags", () => {
  assertEquals(completeCommand([], "d"), ["dial", "dtmf"]);
  assertEquals(completeCommand(["wait"], "e"), ["established"]);
  assertEquals(completeCommand(["atransfer"], ""), ["complete", "abort"]);
  assertEquals(completeCommand(["wait", "idle"], "--"), ["--timeout"]);
  assertEquals(completeCommand(["hold"], ""), []);
});

Deno.test("a : bar line splits on spaces, quotes group", () => {
  assertEquals(splitCommandLine(`message bob "see you" 'at 5'`), [
    "message",
    "bob",
    "see you",
    "at 5",
  ]);
  assertEquals(splitCommandLine("  dial   4711 "), ["dial", "4711"]);
  assertThrows(() => splitCommandLine('message bob "oops'), ControlError, "unclosed");
});

Deno.test("usage lines come from the declaration", () => {
  assertEquals(usage(findCommand("wait")!), "wait <condition> [--timeout DURATION]");
  assertEquals(usage(findCommand("message")!), "message <target> <text…>");
});
