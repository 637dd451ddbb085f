/**
 * Dynamic shell completions, generated from the one command-line
 * declaration: `ringo phone start <Tab>` offers the profiles on disk,
 * `ringo control -t <Tab>` the running sessions' names and PIDs, and
 * `ringo control -t work <Tab>` the session commands — in a real bash and
 * fish (zsh: the script parses, and its callback answers the same).
 */
import { join } from "node:path";
import { assertEquals, assertMatch } from "../assert.ts";
import { DENO_FLAGS, REPO } from "../flow/e2e.ts";
import { phoneHome, ringo, RunningSession } from "../phone/e2e.ts";

const has = (shell: string) =>
  new Deno.Command("sh", { args: ["-c", `command -v ${shell}`], stdout: "null", stderr: "null" })
    .outputSync().success;

/** A `ringo` on PATH, as an installed one would be. */
async function ringoOnPath(dir: string): Promise<string> {
  const bin = join(dir, "bin");
  await Deno.mkdir(bin, { recursive: true });
  const script = `#!/bin/sh\nexec '${Deno.execPath()}' ${DENO_FLAGS.join(" ")} '${
    join(REPO, "main.ts")
  }' "$@"\n`;
  await Deno.writeTextFile(join(bin, "ringo"), script, { mode: 0o755 });
  return bin;
}

async function shell(
  name: string,
  script: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(name, {
    args: ["-c", script],
    env,
    clearEnv: true,
    stdin: "null",
  }).output();
  const d = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: d(out.stdout), stderr: d(out.stderr) };
}

Deno.test("completions offer profiles, running sessions and session commands in bash, fish and zsh", async (t) => {
  await using home = await phoneHome();
  for (const name of ["work", "home office"]) {
    const run = await ringo(home, [
      "phone",
      "profile",
      "add",
      name,
      "--username",
      "u",
      "--domain",
      "127.0.0.1",
      "--regint",
      "0",
    ]);
    assertEquals(run.code, 0, run.stderr);
  }
  await using session = await RunningSession.start(home, "work");
  const bin = await ringoOnPath(home.dir);
  const env = { ...home.env, PATH: `${bin}:${home.env.PATH}` };
  const scripts: Record<string, string> = {};
  for (const name of ["bash", "zsh", "fish"]) {
    const run = await ringo(home, ["completions", name]);
    assertEquals(run.code, 0, run.stderr);
    scripts[name] = join(home.dir, `ringo.${name}`);
    await Deno.writeTextFile(scripts[name], run.stdout);
  }

  await t.step("bash: the completion function fills COMPREPLY", async () => {
    const complete = (words: string[]) =>
      shell(
        "bash",
        [
          `source '${scripts.bash}'`,
          `COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")})`,
          `COMP_CWORD=${words.length - 1}`,
          `COMP_LINE='${words.join(" ")}'`,
          `COMP_POINT=\${#COMP_LINE}`,
          "_ringo",
          `printf '%s\\n' "\${COMPREPLY[@]}"`,
        ].join("\n"),
        env,
      );
    const profiles = await complete(["ringo", "phone", "start", ""]);
    assertEquals(profiles.code, 0, profiles.stderr);
    for (const name of ["work", "home office"]) {
      assertMatch(profiles.stdout, new RegExp(`^${name.replace(" ", "\\\\? ")}$`, "m"));
    }
    const targets = await complete(["ringo", "control", "-t", ""]);
    assertMatch(targets.stdout, /^work$/m);
    assertMatch(targets.stdout, new RegExp(`^${session.pid}$`, "m"));
    const commands = await complete(["ringo", "control", "-t", "work", "d"]);
    assertEquals(commands.stdout.trim().split("\n").sort(), ["dial", "dtmf"]);
    const conditions = await complete(["ringo", "ctl", "-t", "work", "wait", "e"]);
    assertEquals(conditions.stdout.trim(), "established");
  });

  await t.step({
    name: "fish: complete -C lists the same words",
    ignore: !has("fish"),
    fn: async () => {
      const complete = (line: string) =>
        shell("fish", `source '${scripts.fish}'; complete -C '${line}'`, env);
      const profiles = await complete("ringo phone start ");
      assertEquals(profiles.code, 0, profiles.stderr);
      assertMatch(profiles.stdout, /^work\b/m);
      assertMatch(profiles.stdout, /^home office\b/m);
      assertMatch(
        (await complete("ringo control -t ")).stdout,
        new RegExp(`^${session.pid}\\b`, "m"),
      );
      assertMatch((await complete("ringo control -t work sh")).stdout, /^shutdown\b/m);
    },
  });

  await t.step({
    name: "zsh: the script parses, and the callback it runs answers with the profiles",
    ignore: !has("zsh"),
    fn: async () => {
      const parsed = await shell("zsh", `zsh -n '${scripts.zsh}'`, env);
      assertEquals(parsed.code, 0, parsed.stderr);
      const answer = await ringo(home, ["completions", "zsh", "phone", "start", ""]);
      assertMatch(answer.stdout, /work/);
      assertMatch(answer.stdout, /home office/);
    },
  });
});
