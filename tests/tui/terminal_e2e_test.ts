/**
 * The terminal layer in a real terminal: an uncaught error or rejection
 * restores the screen first and prints the error after it, leaving the
 * terminal's settings (stty -a) as they were.
 */
import { assertMatch } from "../assert.ts";
import { startTmux } from "./tmux.ts";

const FIXTURE = new URL("./fixtures/crash.ts", import.meta.url).pathname;

for (const how of ["throw", "reject"]) {
  Deno.test(`an uncaught ${how === "throw" ? "error" : "rejection"} restores the terminal, then prints it`, async () => {
    await using term = await startTmux({ columns: 80, rows: 20 });
    const dir = await Deno.makeTempDir({ prefix: "ringo-tui-crash-" });
    try {
      await term.run(`cd ${dir} && stty -a > before.txt && clear`);
      await term.run(`${Deno.execPath()} run -A ${FIXTURE} ${how}`);
      await term.waitFor("FIXTURE-UP");
      await term.keys("x");
      // The error comes after the restored screen, then the shell's prompt.
      await term.waitFor(/ringo: Error: (thrown|rejected) on purpose[\s\S]*\n\S*[#$]\s*$/);
      await term.run("stty -a > after.txt; cmp before.txt after.txt && echo STTY-SAME");
      assertMatch(await term.waitFor(/STTY-SAME|differ/), /STTY-SAME/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
