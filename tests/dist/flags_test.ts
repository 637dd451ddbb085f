/**
 * The deno flags ringo runs with come from one list (`.ci/deno_flags.ts`):
 * the `ringo`, `demo`, `bench` and `test` tasks, `deno compile`, the image's
 * `ringo` command and every command line in the repository that starts ringo
 * must carry all of them, so none can drift.
 */
import { assertEquals, assertMatch } from "../assert.ts";
import { COMPILE_INCLUDES, RINGO_DENO_FLAGS } from "../../.ci/deno_flags.ts";
import { compileArgs, TARGETS } from "../../.ci/compile.ts";
import { installCommand, REPO } from "./readme.ts";

const FLAGS = RINGO_DENO_FLAGS.join(" ");
const manifest = JSON.parse(await Deno.readTextFile(`${REPO}/deno.json`));

Deno.test("deno.json's ringo, demo, bench and test tasks run with the flag list", () => {
  assertEquals(manifest.tasks.ringo, `deno run ${FLAGS} main.ts`);
  assertMatch(manifest.tasks.demo, new RegExp(`^deno run ${FLAGS} main\\.ts flow run `));
  assertMatch(manifest.tasks.bench, new RegExp(`^deno run ${FLAGS} bench/`));
  assertMatch(manifest.tasks.test, new RegExp(`^deno test ${FLAGS} `));
  assertMatch(manifest.tasks.compile, /\.ci\/compile\.ts$/);
});

Deno.test("deno compile gets the flag list, the embedded files, a target and an output per target", async () => {
  for (const target of TARGETS) {
    const args = compileArgs(target);
    assertEquals(args.slice(0, 1 + RINGO_DENO_FLAGS.length), ["compile", ...RINGO_DENO_FLAGS]);
    const includes = args.flatMap((arg, i) => (args[i - 1] === "--include" ? [arg] : []));
    assertEquals(includes, [...COMPILE_INCLUDES]);
    assertEquals(args.slice(-5), [
      "--target",
      target,
      "--output",
      `dist/ringo-${target}`,
      "main.ts",
    ]);
  }
  for (const path of COMPILE_INCLUDES) await Deno.stat(`${REPO}/${path}`);
});

Deno.test("the image's ringo command and README's deno commands carry the flag list", async () => {
  const dockerfile = await Deno.readTextFile(`${REPO}/Dockerfile`);
  assertMatch(
    dockerfile,
    new RegExp(
      `exec deno run %s --config /opt/ringo/deno\\.json /opt/ringo/main\\.ts.*\\n\\s+"${FLAGS}"`,
    ),
  );
  assertMatch(
    await installCommand("deno install"),
    new RegExp(`^deno install --global --name ringo ${FLAGS} `),
  );
  assertMatch(await installCommand("deno run"), new RegExp(`^deno run ${FLAGS} `));
});

Deno.test("every command line in the repository that passes ringo's flags passes all of them", async () => {
  const listed = await new Deno.Command("git", {
    args: ["ls-files", "--cached", "--others", "--exclude-standard"],
    cwd: REPO,
    stdout: "piped",
  }).output();
  const files = new TextDecoder().decode(listed.stdout).split("\n")
    .filter((f) => /\.(ts|md|json|yml|sh)$|(^|\/)(Dockerfile|bootstrap|run)$/.test(f))
    .filter((f) => ![".ci/deno_flags.ts", "deno.lock"].includes(f));
  let lines = 0;
  for (const file of files) {
    let text: string;
    try {
      text = await Deno.readTextFile(`${REPO}/${file}`);
    } catch {
      continue; // deleted in the work tree
    }
    let fenced = false;
    for (const [n, line] of text.split("\n").entries()) {
      if (line.trimStart().startsWith("```")) fenced = !fenced;
      // A flag in a command or an argument list: in Markdown only inside code blocks.
      if (file.endsWith(".md") && !fenced) continue;
      if (!/(^|[\s"'`])--unstable-kv([\s"'`,]|$)/.test(line) || /\(--unstable-kv\)/.test(line)) {
        continue;
      }
      lines++;
      const normalized = line.replace(/(^|[\s"'`])-A(?=[\s"'`,]|$)/g, "$1--allow-all");
      for (const flag of RINGO_DENO_FLAGS) {
        assertEquals(
          normalized.includes(flag),
          true,
          `${file}:${n + 1} lacks ${flag}: ${line.trim()}`,
        );
      }
    }
  }
  assertEquals(lines > 5, true, `only ${lines} command lines found`);
});
