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
import type { InferValue, Parser } from "@optique/core/parser";
import { run } from "@optique/run";
import { DEFAULT_AUDIO_DIR, DEFAULT_PCAP_DIR, flowCommand, flowCommandFor } from "./flow.ts";
import { controlCommand, phoneCommand } from "./later.ts";
import { withBareFlagValues } from "./lists.ts";
import { VERSION, versionReport } from "./version.ts";

/** The `ringo` parser: one of its tools. */
export const ringoParser = or(phoneCommand, controlCommand, flowCommand);

/** What {@link parseCommandLine} returns. */
export type RingoCommand = InferValue<typeof ringoParser>;

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
  const parser: Parser<"sync", RingoCommand, unknown> = flowCommandFor(args) ?? ringoParser;
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
    footer: message`Start with: ringo flow init flows && ringo flow run flows`,
    help: "both",
    usageLine: [{ type: "ellipsis" }],
    version: { value: VERSION, option: true },
    completion: { command: { names: ["completions", "completion"] } },
    errorExitCode: USAGE_EXIT_CODE,
    aboveError: "usage",
  });
}
