/**
 * `http()`, `mockServer()` and `websocket()` end to end: the scenario files
 * of tests/flow/fixtures/net/ run by the real CLI, their outcomes read from
 * `--json`, and the mock port checked free once the run is over.
 */
import { deepStrictEqual as assertEquals, match as assertMatch } from "node:assert/strict";
import { join } from "node:path";
import { parseNdjson, REPO, ringoFlow } from "./e2e.ts";
import { assertPortFree, freePort } from "./net/ports.ts";

const FIXTURES = join(REPO, "tests/flow/fixtures/net");

interface End {
  file: string;
  name: string;
  status: string;
  error?: { message: string; location?: { file: string; line: number } };
}

Deno.test("scenarios use HTTP, mock servers and WebSockets, and leave no port open", async (t) => {
  const port = freePort();
  const run = await ringoFlow(["run", FIXTURES, "--json"], { env: { MOCK_PORT: String(port) } });
  const events = parseNdjson(run.stdout);
  const ends = events.filter((e) => e.type === "scenario-end") as unknown as End[];
  const byName = new Map(ends.map((e) => [e.name, e]));
  const report = JSON.stringify(ends, null, 2) + run.stderr;

  await t.step("every scenario meant to pass passes, the others fail as meant", () => {
    const failed = ends.filter((e) => e.status !== "passed").map((e) => e.name).sort();
    assertEquals(failed, [
      "a request that fails fails the scenario at its line",
      "a scenario that times out with a server, a socket and a request open",
      "next() times out listing what did arrive",
    ], report);
    assertEquals(ends.length, 21, report);
    assertEquals(run.code, 1);
  });

  await t.step("a failed request names the method, the URL and the reason, at its line", () => {
    const error = byName.get("a request that fails fails the scenario at its line")!.error!;
    assertMatch(
      error.message,
      /^NetError: http POST http:\/\/127\.0\.0\.1:\d+\/x failed: connection refused\n {2}hint: nothing listens there/,
    );
    assertMatch(error.location!.file, /http_client\.ts$/);
    assertEquals(error.location!.line, 71);
  });

  await t.step("next() that times out lists what arrived, at its line", () => {
    const error = byName.get("next() times out listing what did arrive")!.error!;
    assertMatch(
      error.message,
      /^websocket ws:\/\/127\.0\.0\.1:\d+\/quiet: no matching message: timed out after 300ms; received 1 \(last: \{"event":"hello"\}\)$/,
    );
    assertEquals(error.location!.line, 50);
  });

  await t.step("a responder that throws or is slow leaves a line in the report", () => {
    const logs = events.filter((e) => e.type === "log").map((e) => e.message as string);
    assertEquals(
      logs.some((l) =>
        /^mock http:\/\/127\.0\.0\.1:\d+: GET \/broken \(route \* \/broken\): the responder failed: Error: no such customer; answered 500$/
          .test(l)
      ),
      true,
      logs.join("\n"),
    );
    assertEquals(
      logs.some((l) =>
        /GET \/slow .*the responder did not answer within 0\.3s; answered 500$/.test(l)
      ),
      true,
      logs.join("\n"),
    );
  });

  await t.step("after a timed-out scenario the next one listens on the same port", () => {
    assertEquals(byName.get("the next scenario listens on the same port again")?.status, "passed");
  });

  await t.step("nothing listens on the mock port once the run is over", async () => {
    await assertPortFree(port);
  });
});
