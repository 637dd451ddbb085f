/**
 * The bundled `examples/pbx/` scenarios, run as a user would
 * (`ringo flow run examples/pbx --env-file pbx.env`) against the kamailio
 * test PBX.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { join } from "node:path";
import { startPbx, TEST_USERS } from "../pbx/pbx.ts";
import { lastLine, parseNdjson, REPO, ringoFlow, scenarioDir } from "./e2e.ts";

Deno.test("examples/pbx pass against a real registrar and proxy", async () => {
  await using pbx = await startPbx();
  const envDir = await Deno.makeTempDir({ prefix: "ringo-examples-pbx-" });
  try {
    const envFile = join(envDir, "pbx.env");
    await Deno.writeTextFile(
      envFile,
      [
        `SIP_DOMAIN=${pbx.domain}:${pbx.port}`,
        `ALICE_PASS=${TEST_USERS.alice}`,
        `BOB_PASS=${TEST_USERS.bob}`,
        `CAROL_PASS=${TEST_USERS.carol}`,
      ].join("\n"),
    );
    const run = await ringoFlow([
      "run",
      join(REPO, "examples/pbx"),
      "--env-file",
      envFile,
      "--json",
    ]);
    const ends = parseNdjson(run.stdout).filter((e) => e.type === "scenario-end") as Array<
      { file: string; name: string; status: string }
    >;
    assertEquals(
      ends.map((e) => [e.name, e.status]),
      [
        ["call", "passed"],
        ["a declined call reaches the caller as 486", "passed"],
        ["an unknown number gets 404", "passed"],
        ["hold and resume", "passed"],
        ["DTMF 123# arrives in order", "passed"],
        ["transfer", "passed"],
      ],
      run.stdout + run.stderr,
    );
    assertEquals(run.code, 0);
  } finally {
    await Deno.remove(envDir, { recursive: true });
  }
});

Deno.test("the README's scenario passes against the test PBX, as written", async () => {
  const readme = await Deno.readTextFile(join(REPO, "README.md"));
  const section = readme.slice(readme.indexOf("## A scenario"));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assertEquals(typeof code, "string", "README has a ```ts block under ## A scenario");
  await using pbx = await startPbx();
  await using dir = await scenarioDir({
    "flows/call.ts": code!,
    "pbx.env": [
      `SIP_DOMAIN=${pbx.domain}:${pbx.port}`,
      "A_USER=alice",
      `A_PASS=${TEST_USERS.alice}`,
      "B_USER=bob",
      `B_PASS=${TEST_USERS.bob}`,
    ].join("\n"),
  });
  const run = await ringoFlow(["run", "flows/", "--env-file", "pbx.env"], { cwd: dir.path });
  assertEquals(run.code, 0, run.stdout + run.stderr);
  assertEquals(lastLine(run.stdout), "1 passed, 0 failed, 0 skipped");
});
