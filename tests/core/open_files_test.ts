/**
 * Running out of file descriptors: one sentence naming the limit and how
 * to raise it, whether seen as an error (unit) or by starting agents in a
 * process whose limit is low (end to end, real baresip).
 */
import { assertEquals, assertMatch } from "../assert.ts";
import { AgentError } from "../../core/errors.ts";
import { openFileLimit, tooManyOpenFiles } from "../../core/open_files.ts";

Deno.test("an EMFILE error becomes a sentence with the limit and a hint", () => {
  const limit = openFileLimit()!;
  const error = tooManyOpenFiles(
    new Error("Failed to spawn 'baresip': Too many open files (os error 24)"),
    'agent "A"',
  );
  assertEquals(error instanceof AgentError, true);
  assertMatch(error!.message, /^agent "A" could not start: ringo ran out of file descriptors/);
  assertMatch(error!.message, new RegExp(`its limit is ${limit.soft} open files`));
  assertMatch(error!.hint!, /ulimit -n \d+/);
});

Deno.test("other errors are left as they are", () => {
  assertEquals(tooManyOpenFiles(new Error("Address already in use"), "x"), undefined);
  assertEquals(tooManyOpenFiles("not an error", "x"), undefined);
});

Deno.test("agents past a low open-file limit fail with the sentence and leave no baresip", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ringo-open-files-" });
  try {
    const script = `${dir}/many.ts`;
    const agentUrl = new URL("../../core/agent.ts", import.meta.url).href;
    await Deno.writeTextFile(
      script,
      `import { Agent } from ${JSON.stringify(agentUrl)};
const agents = [];
try {
  for (let i = 0; i < 60; i++) agents.push(await Agent.start({ name: "fdlimit" + i }));
  console.log("all started");
} catch (error) {
  console.log(JSON.stringify({ started: agents.length, message: error.message, hint: error.hint }));
} finally {
  await Promise.all(agents.map((a) => a.stop()));
}
`,
    );
    const out = await new Deno.Command("sh", {
      args: [
        "-c",
        'ulimit -n 80 && exec "$0" run --allow-all --config "$1" "$2"',
        Deno.execPath(),
        new URL("../../deno.json", import.meta.url).pathname,
        script,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout).trim();
    assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
    const result = JSON.parse(text.split("\n").at(-1)!);
    assertEquals(result.started > 0 && result.started < 60, true, text);
    assertMatch(result.message, /ran out of file descriptors, its limit is 80 open files/);
    assertMatch(result.hint, /ulimit -n 320/);
    assertEquals(await leftBaresips(), 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** baresip processes of this test's agents still running (none may be). */
async function leftBaresips(): Promise<number> {
  const out = await new Deno.Command("pgrep", { args: ["-f", "baresip.*agent-fdlimit"] }).output();
  return new TextDecoder().decode(out.stdout).trim().split("\n").filter((l) => l).length;
}
