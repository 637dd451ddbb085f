/**
 * `ringo`: parses the command line and hands it to the tool it names.
 *
 * @module
 */
import { dispatchDoctor } from "./cli/doctor.ts";
import { dispatchFlow } from "./cli/flow.ts";
import { notYetAvailable } from "./cli/later.ts";
import { parseCommandLine } from "./cli/program.ts";

if (import.meta.main) {
  const command = await parseCommandLine(Deno.args);
  const code = "action" in command
    ? await dispatchFlow(command)
    : command.tool === "doctor"
    ? await dispatchDoctor(command)
    : await notYetAvailable(command);
  Deno.exit(code);
}
