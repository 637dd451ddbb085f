/**
 * The bundled `examples/pbx/` scenarios, run as a user would
 * (`ringo flow run examples/pbx --env-file pbx.env`) against the kamailio
 * test PBX.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { join } from "node:path";
import { startPbx, TEST_USERS } from "../pbx/pbx.ts";
import { parseNdjson, REPO, ringoFlow } from "./e2e.ts";

Deno.test("examples/pbx pass against a real registrar and proxy", async () => {
  await using pbx = await startPbx();
  const envDir = await Deno.makeTempDir({ prefix: "ringo-examples-pbx-" });
  try {
    const envFile = join(envDir, "pbx.env");
    await Deno.writeTextFile(
      envFile,
      [
        `SIP_DOMAIN=${pbx.domain}:${pbx.port}`,
        "A_USER=alice",
        `A_PASS=${TEST_USERS.alice}`,
        "B_USER=bob",
        `B_PASS=${TEST_USERS.bob}`,
        "C_USER=carol",
        `C_PASS=${TEST_USERS.carol}`,
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
