/**
 * The whole `ringo` command line in one declaration, and the runner that
 * parses arguments with it: help, `--version`, `completions <shell>`,
 * unknown-flag suggestions and exit code 2 on usage errors all come from
 * Optique.
 *
 * @module
 */
import { or } from "@optique/core/constructs";
import { message } from "@optique/core/message";
import { map } from "@optique/core/modifiers";
import type { InferValue, Parser } from "@optique/core/parser";
import { run } from "@optique/run";
import { doctorCommand } from "./doctor.ts";
import { DEFAULT_AUDIO_DIR, DEFAULT_PCAP_DIR, flowCommand, flowCommandFor } from "./flow.ts";
import { controlCommand } from "./control.ts";
import { phoneCommand } from "./phone.ts";
import { withBareFlagValues } from "./lists.ts";
import { VERSION, versionReport } from "./version.ts";

/** The `ringo` parser: one of its tools, tagged with its name. */
export const ringoParser = or(
  map(phoneCommand, (command) => ({ tool: "phone" as const, command })),
  map(controlCommand, (command) => ({ tool: "control" as const, command })),
  map(flowCommand, (command) => ({ tool: "flow" as const, command })),
  map(doctorCommand, (command) => ({ tool: "doctor" as const, command })),
);

/** What {@link parseCommandLine} returns. */
export type RingoCommand = InferValue<typeof ringoParser>;

/**
 * The parser for `args`: one tool alone when `args` names it (so a usage
 * error shows that tool's usage, and a mistyped flag of `flow run` gets a
 * suggestion), else all of `ringo`.
 */
function toolParserFor(args: readonly string[]): Parser<"sync", RingoCommand, unknown> {
  const flowOnly = flowCommandFor(args);
  if (flowOnly) return map(flowOnly, (command) => ({ tool: "flow" as const, command }));
  if (args[0] === "phone") {
    return map(phoneCommand, (command) => ({ tool: "phone" as const, command }));
  }
  if (args[0] === "control" || args[0] === "ctl") {
    return map(controlCommand, (command) => ({ tool: "control" as const, command }));
  }
  return ringoParser;
}

/** Exit code for usage errors (unknown flag, missing argument…). */
export const USAGE_EXIT_CODE = 2;

/** Flags that may stand alone; the value they then take. */
const BARE_FLAG_VALUES = {
  "--save-audio": DEFAULT_AUDIO_DIR,
  "--pcap": DEFAULT_PCAP_DIR,
  "--allow-read": "*",
  "--allow-net": "*",
  "--allow-env": "*",
  "--allow-import": "*",
};

/**
 * Parses `args` (no arguments shows the help; help, version and completions print and exit here, as do
 * usage errors with code 2). `--version` also names the baresip ringo will use.
 *
 * @example
 * ```ts
 * const command = await parseCommandLine(["flow", "run", "examples/loopback"]);
 * ```
 */
export async function parseCommandLine(args: readonly string[]): Promise<RingoCommand> {
  const parser = toolParserFor(args);
  if (args.length === 1 && args[0] === "--version") {
    // Optique prints one line; this report has three (ringo, deno, baresip).
    console.log(await versionReport());
    Deno.exit(0);
  }
  return run(parser, {
    programName: "ringo",
    args: args.length === 0 ? ["--help"] : withBareFlagValues(args, BARE_FLAG_VALUES),
    brief: message`Make and test phone calls from the terminal.`,
    description:
      message`Three tools on one baresip engine: a softphone (phone), its remote control (control), and a scenario test runner (flow).`,
    footer:
      message`Start with: ringo phone profile add work --username alice --domain pbx.example.com --password-stdin, or ringo flow init flows && ringo flow run flows`,
    help: "both",
    usageLine: [{ type: "ellipsis" }],
    version: { value: VERSION, option: true },
    completion: { command: { names: ["completions", "completion"] } },
    errorExitCode: USAGE_EXIT_CODE,
    aboveError: "usage",
  });
}
