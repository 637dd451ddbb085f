/**
 * Loading scenario files end to end: syntax and type errors point at
 * file:line:column with exit code 2, `check` lists without starting agents,
 * `init` writes a starter that checks and runs, and scenario files anywhere
 * on disk resolve `@ringo/flow`.
 */
import { deepStrictEqual as assertEquals, match as assertMatch } from "node:assert/strict";
import { join } from "node:path";
import { lastLine, PASSING_CALL, REPO, ringoFlow, scenarioDir } from "./e2e.ts";

Deno.test("a syntax error stops the run with exit code 2 and file:line:column", async () => {
  await using dir = await scenarioDir({
    "good.ts": PASSING_CALL,
    "bad.ts": `import { agent } from "@ringo/flow";\n\nconst a = await agent("A";\n`,
  });
  const run = await ringoFlow(["run", dir.path]);
  assertEquals(run.code, 2, run.stdout + run.stderr);
  assertMatch(
    run.stderr,
    /error: cannot load .*bad\.ts:3:26\n\s+SyntaxError: Expected ',', got ';'/,
  );
  assertEquals(run.stdout, "", "nothing runs when a file does not load");
});

Deno.test("an import that does not resolve is a load error naming the import line", async () => {
  await using dir = await scenarioDir({
    "missing.ts":
      `import { agent } from "@ringo/flow";\nimport { x } from "./nope.ts";\nawait agent(x);\n`,
  });
  const run = await ringoFlow(["run", join(dir.path, "missing.ts")]);
  assertEquals(run.code, 2);
  assertMatch(run.stderr, /cannot load .*missing\.ts:2:\d+\n\s+Module not found ".*nope\.ts"/);
});

Deno.test("importing a module from outside the scenario's folders is a load error with the fix", async () => {
  await using dir = await scenarioDir({
    "lib/helper.ts": "export const one = 1;\n",
    "flows/uses.ts":
      `import { expect } from "@ringo/flow";\nimport { one } from "../lib/helper.ts";\nexpect(one).toBe(1);\n`,
  });
  const alone = await ringoFlow(["run", join(dir.path, "flows")]);
  assertEquals(alone.code, 2);
  assertMatch(
    alone.stderr,
    /cannot load .*uses\.ts:2:\d+\n\s+Requires read access to ".*helper\.ts": .*--allow-read=/,
  );
  const parent = await ringoFlow(["run", dir.path]);
  assertEquals(parent.code, 0, parent.stdout + parent.stderr);
});

Deno.test("usage errors exit with 2 and a sentence", async (t) => {
  await t.step("a path that does not exist", async () => {
    const run = await ringoFlow(["run", "/nonexistent/flows"]);
    assertEquals(run.code, 2);
    assertMatch(run.stderr, /no such file or folder: \/nonexistent\/flows/);
  });
  await t.step("a folder without scenario files", async () => {
    await using dir = await scenarioDir({ "helper.ts": "export const x = 1;\n" });
    const run = await ringoFlow(["run", dir.path]);
    assertEquals(run.code, 2);
    assertMatch(
      run.stderr,
      /no scenario files in .*\n\s+hint: a scenario file is a \.ts file that imports "@ringo\/flow"/,
    );
  });
  await t.step("an invalid --timeout", async () => {
    const run = await ringoFlow(["run", "examples/loopback", "--timeout", "soon"]);
    assertEquals(run.code, 2);
    assertMatch(run.stderr, /invalid duration "soon"/);
  });
});

Deno.test("ringo flow check type-checks and lists scenarios without starting agents", async (t) => {
  await t.step("lists the examples with their tags", async () => {
    const run = await ringoFlow(["check", "examples/loopback"]);
    assertEquals(run.code, 0, run.stderr);
    assertMatch(
      run.stdout,
      /examples\/loopback\/in_call\.ts\n\s+hold and resume \[loopback, hold\]/,
    );
    assertMatch(run.stdout, /examples\/loopback\/call\.ts \(one scenario: the whole file\)/);
    assertMatch(lastLine(run.stdout), /^\d+ scenarios in 5 files$/);
  });
  await t.step("a type error fails the check with file:line:column", async () => {
    await using dir = await scenarioDir({
      "typo.ts":
        `import { agent } from "@ringo/flow";\nconst a = await agent("A");\nconst n: number = a.state;\n`,
    });
    const run = await ringoFlow(["check", dir.path]);
    assertEquals(run.code, 2);
    assertMatch(run.stderr, /Type 'string' is not assignable to type 'number'[\s\S]*typo\.ts:3:7/);
  });
});

Deno.test("ringo flow init writes a starter that runs from a folder outside the repository", async () => {
  await using dir = await scenarioDir({});
  const flows = join(dir.path, "flows");
  const init = await ringoFlow(["init", flows]);
  assertEquals(init.code, 0, init.stderr);
  const config = JSON.parse(await Deno.readTextFile(join(flows, "deno.json")));
  assertEquals(config.imports["@ringo/flow"], join(REPO, "flow/api/mod.ts"));

  // An editor (or deno check) with only that mapping type-checks the scenario.
  const check = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--quiet", "call.ts"],
    cwd: flows,
    env: { NO_COLOR: "1" },
  }).output();
  assertEquals(check.code, 0, new TextDecoder().decode(check.stderr));

  // Run with the current folder outside the repository, as a user would.
  const run = await ringoFlow(["run", "."], { cwd: flows });
  assertEquals(run.code, 0, run.stdout + run.stderr);
  assertEquals(lastLine(run.stdout), "1 passed, 0 failed, 0 skipped");

  const again = await ringoFlow(["init", flows]);
  assertEquals(again.code, 2);
  assertMatch(again.stderr, /already exists/);
});
