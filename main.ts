/**
 * `ringo`: parses the command line and hands it to the tool it names.
 *
 * @module
 */
import { dispatchControl } from "./cli/control.ts";
import { dispatchDoctor } from "./cli/doctor.ts";
import { dispatchFlow } from "./cli/flow.ts";
import { dispatchPhone } from "./cli/phone.ts";
import { parseCommandLine } from "./cli/program.ts";

if (import.meta.main) {
  const command = await parseCommandLine(Deno.args);
  const code = command.tool === "phone"
    ? await dispatchPhone(command.command)
    : command.tool === "control"
    ? await dispatchControl(command.command)
    : command.tool === "doctor"
    ? await dispatchDoctor(command.command)
    : await dispatchFlow(command.command);
  Deno.exit(code);
}
