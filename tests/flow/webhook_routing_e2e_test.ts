/**
 * examples/webhook-routing end to end, as a user runs it: a real kamailio
 * that asks a webhook how to route each call, an env file, and
 * `ringo flow run examples/webhook-routing --env-file …`. The scenarios
 * stand in for the webhook with mockServer() on the port the PBX posts to.
 */
import { deepStrictEqual as assertEquals, match as assertMatch } from "node:assert/strict";
import { join } from "node:path";
import { startPbx, TEST_USERS } from "../pbx/pbx.ts";
import { lastLine, REPO, ringoFlow, scenarioDir } from "./e2e.ts";
import { assertPortFree, freePort } from "./net/ports.ts";

Deno.test("examples/webhook-routing passes against a PBX that routes calls by webhook", async () => {
  const port = freePort();
  await using pbx = await startPbx({ webhookUrl: `http://127.0.0.1:${port}/route` });
  await using dir = await scenarioDir({
    "pbx.env": [
      `SIP_DOMAIN=${pbx.domain}:${pbx.port}`,
      `ALICE_PASS=${TEST_USERS.alice}`,
      `BOB_PASS=${TEST_USERS.bob}`,
      `CAROL_PASS=${TEST_USERS.carol}`,
      `WEBHOOK_PORT=${port}`,
    ].join("\n"),
  });
  const run = await ringoFlow([
    "run",
    join(REPO, "examples/webhook-routing"),
    "--env-file",
    join(dir.path, "pbx.env"),
  ]);
  assertEquals(run.code, 0, run.stdout + run.stderr);
  assertEquals(lastLine(run.stdout), "5 passed, 0 failed, 0 skipped");
  assertMatch(
    run.stdout,
    /✓ .*routing\.ts › the webhook routes a call for the support line to bob/,
  );
  assertMatch(
    run.stdout,
    /✓ .*routing\.ts › a webhook that answers too late makes the PBX fall back/,
  );
  await assertPortFree(port);
});
