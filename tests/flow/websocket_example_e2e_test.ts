/**
 * examples/websocket end to end, as a user runs it: a client drives a JSON
 * call-control API over a WebSocket; the API is a mock server of the
 * scenario that controls two loopback agents. No PBX needed.
 */
import { deepStrictEqual as assertEquals, match as assertMatch } from "node:assert/strict";
import { join } from "node:path";
import { lastLine, REPO, ringoFlow } from "./e2e.ts";

Deno.test("examples/websocket drives calls through a WebSocket call-control API", async () => {
  const run = await ringoFlow(["run", join(REPO, "examples/websocket")]);
  assertEquals(run.code, 0, run.stdout + run.stderr);
  assertEquals(lastLine(run.stdout), "2 passed, 0 failed, 0 skipped");
  assertMatch(
    run.stdout,
    /✓ .*call_control\.ts › originate, answer, hold and hang up over the API/,
  );
  assertMatch(
    run.stdout,
    /✓ .*call_control\.ts › a command the API cannot carry out gets an error/,
  );
});
