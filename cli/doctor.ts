/**
 * The `ringo doctor` command line, and its dispatch to `../doctor/mod.ts`.
 *
 * @module
 */
import { object } from "@optique/core/constructs";
import { message } from "@optique/core/message";
import { withDefault } from "@optique/core/modifiers";
import { command, constant, flag } from "@optique/core/primitives";
import type { InferValue } from "@optique/core/parser";
import { doctorExitCode, formatReport, runDoctor } from "../doctor/mod.ts";
import { VERSION } from "./version.ts";

/** `ringo doctor`. */
export const doctorCommand = command(
  "doctor",
  object({
    tool: constant("doctor"),
    json: withDefault(
      flag("--json", { description: message`Print the findings as one JSON object.` }),
      false,
    ),
    noColor: withDefault(
      flag("--no-color", { description: message`No ANSI colors (also NO_COLOR=1).` }),
      false,
    ),
  }),
  {
    description:
      message`Check baresip, the SIP peers of the examples, audio devices and ringo's folders, and say what to fix; exit 1 when something must be fixed.`,
  },
);

/** What {@link doctorCommand} parses to. */
export type DoctorCommand = InferValue<typeof doctorCommand>;

/**
 * Runs `ringo doctor`; resolves with its exit code (0, or 1 when a check failed).
 *
 * @example
 * ```ts
 * const code = await dispatchDoctor({ tool: "doctor", json: false, noColor: true });
 * ```
 */
export async function dispatchDoctor(parsed: DoctorCommand): Promise<number> {
  const report = await runDoctor({ version: VERSION });
  if (parsed.json) {
    console.log(JSON.stringify(report));
  } else {
    const color = !parsed.noColor && Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR");
    console.log(formatReport(report, { color }));
  }
  return doctorExitCode(report);
}
