/**
 * `ringo flow migrate` as a user runs it: ringo-flow scenarios written in
 * its style (tests/flow/fixtures/ringo_flow/: two parties, a three-party
 * transfer, a suite with tags, skip and each, `only`, a dynamic mock, a
 * webhook mock) become `@ringo/flow` files that `flow check` accepts and
 * that pass — on loopback agents, and the webhook one through the test
 * PBX's webhook routing.
 */
import { deepStrictEqual as assertEquals, match as assertMatch } from "node:assert/strict";
import { join } from "node:path";
import { startPbx, TEST_USERS } from "../pbx/pbx.ts";
import { lastLine, parseNdjson, REPO, ringoFlow, scenarioDir } from "./e2e.ts";
import { freePort } from "./net/ports.ts";

const FIXTURES = join(REPO, "tests/flow/fixtures/ringo_flow");

Deno.test("ringo-flow's scenarios migrate into @ringo/flow ones that check and pass", async (t) => {
  await using dir = await scenarioDir({});
  const flows = join(dir.path, "flows");
  const migrated = await ringoFlow(["migrate", FIXTURES, "--out", flows]);

  await t.step("every file is written, then checked as flow check does", () => {
    assertEquals(migrated.code, 0, migrated.stdout + migrated.stderr);
    for (const name of ["dynamic_mock", "focus", "suite", "transfer", "two_party", "webhook"]) {
      assertMatch(
        migrated.stdout,
        new RegExp(`ringo_flow/${name}\\.js → .*flows/${name}\\.ts \\(\\d+ awaits? added`),
      );
    }
    assertMatch(migrated.stdout, /11 scenarios in 6 files/);
  });

  await t.step("the plain scripts, the suite and the mocks pass on loopback agents", async () => {
    const run = await ringoFlow([
      "run",
      ...["two_party", "transfer", "suite", "dynamic_mock"].map((n) => join(flows, `${n}.ts`)),
      "--json",
    ]);
    const ends = parseNdjson(run.stdout).filter((e) => e.type === "scenario-end");
    assertEquals(
      ends.map((e) => [e.name, e.status]),
      [
        ["two_party", "passed"],
        ["transfer", "passed"],
        ["answered call", "passed"],
        ["busy callee", "passed"],
        ["needs a PBX", "skipped"],
        ["digits 1 arrive", "passed"],
        ["digits *0# arrive", "passed"],
        ["dynamic_mock", "passed"],
      ],
      run.stdout + run.stderr,
    );
    assertEquals(run.code, 0);
  });

  await t.step("tags select as they did", async () => {
    const run = await ringoFlow(["run", join(flows, "suite.ts"), "--tag", "decline"]);
    assertEquals(run.code, 0, run.stdout + run.stderr);
    assertEquals(lastLine(run.stdout), "1 passed, 0 failed, 0 skipped");
  });

  await t.step("only still focuses the run", async () => {
    const run = await ringoFlow(["run", join(flows, "focus.ts")]);
    assertEquals(run.code, 0, run.stdout + run.stderr);
    assertMatch(run.stdout, /✓ .*focus\.ts › focused/);
    assertEquals(lastLine(run.stdout), "1 passed, 0 failed, 0 skipped");
  });

  await t.step("the webhook mock answers a real PBX's routing webhook", async () => {
    const port = freePort();
    await using pbx = await startPbx({ webhookUrl: `http://127.0.0.1:${port}/route` });
    const envFile = join(dir.path, "pbx.env");
    await Deno.writeTextFile(
      envFile,
      [
        `SIP_DOMAIN=${pbx.domain}:${pbx.port}`,
        "A_USER=alice",
        `A_PASS=${TEST_USERS.alice}`,
        "B_USER=bob",
        `B_PASS=${TEST_USERS.bob}`,
        `WEBHOOK_PORT=${port}`,
      ].join("\n"),
    );
    const run = await ringoFlow(["run", join(flows, "webhook.ts"), "--env-file", envFile]);
    assertEquals(run.code, 0, run.stdout + run.stderr);
    assertEquals(lastLine(run.stdout), "1 passed, 0 failed, 0 skipped");
  });
});

Deno.test("helpers keep working: a file of helpers becomes _name.ts and its imports follow", async () => {
  await using dir = await scenarioDir({
    "rf/lib.js":
      `export function connect(a, b) {\n  a.dial(b);\n  until(() => assert(b.state).equals(State.Ringing));\n  b.accept();\n  until(() => assert(a.state).equals(State.Established));\n}\n`,
    "rf/call.js":
      `import { connect } from "./lib.js";\n\nconst a = agent("A");\nconst b = agent("B");\nconnect(a, b);\na.hangup();\nuntil(() => assert(b.state).equals(State.Idle));\n`,
  });
  const migrated = await ringoFlow(["migrate", join(dir.path, "rf")]);
  assertEquals(migrated.code, 0, migrated.stdout + migrated.stderr);
  assertMatch(migrated.stdout, /rf\/lib\.js → .*rf\/_lib\.ts/);
  const call = await Deno.readTextFile(join(dir.path, "rf/call.ts"));
  assertMatch(call, /import \{ connect \} from "\.\/_lib\.ts";/);
  assertMatch(call, /^await connect\(a, b\);$/m);
  const run = await ringoFlow(["run", join(dir.path, "rf")]);
  assertEquals(run.code, 0, run.stdout + run.stderr);
  assertEquals(lastLine(run.stdout), "1 passed, 0 failed, 0 skipped");
});

Deno.test("what migrate cannot decide is listed with its line, and the exit code says so", async (t) => {
  await using dir = await scenarioDir({
    "loop.js": `const agents = [agent("A"), agent("B")];\nagents.forEach((x) => x.register());\n`,
    "rhai.js": `let a = agent("A", #{ username: "x" });\n`,
  });

  await t.step("a note with the line, exit 1, the file written anyway", async () => {
    const run = await ringoFlow(["migrate", join(dir.path, "loop.js"), "--no-check"]);
    assertEquals(run.code, 1, run.stdout + run.stderr);
    assertMatch(run.stdout, /loop\.js:2:16: todo: this callback of forEach\(\) now awaits/);
    assertMatch(await Deno.readTextFile(join(dir.path, "loop.ts")), /await agent\("A"\)/);
  });

  await t.step("an existing .ts is kept unless --force", async () => {
    const again = await ringoFlow(["migrate", join(dir.path, "loop.js"), "--no-check"]);
    assertEquals(again.code, 2);
    assertMatch(again.stderr, /loop\.ts exists \(use --force to overwrite it\)/);
    const forced = await ringoFlow(["migrate", join(dir.path, "loop.js"), "--no-check", "--force"]);
    assertEquals(forced.code, 1, forced.stderr);
  });

  await t.step("a source that is not JavaScript: exit 2 with file, line and column", async () => {
    const run = await ringoFlow(["migrate", join(dir.path, "rhai.js")]);
    assertEquals(run.code, 2);
    assertMatch(run.stderr, /error: cannot migrate .*rhai\.js:1:\d+: /);
  });

  await t.step("--dry-run prints and writes nothing", async () => {
    await Deno.remove(join(dir.path, "loop.ts"));
    const run = await ringoFlow(["migrate", join(dir.path, "loop.js"), "--dry-run"]);
    assertMatch(run.stdout, /^\/\/ .*loop\.ts\n/);
    assertMatch(run.stdout, /import \{ agent \} from "@ringo\/flow";/);
    const left = await Deno.stat(join(dir.path, "loop.ts")).then(() => true, () => false);
    assertEquals(left, false);
  });
});
