/**
 * `ringo flow run` end to end: real scenario files in a temp folder, real
 * baresip agents, the CLI as a subprocess.
 */
import { deepStrictEqual as assertEquals, match as assertMatch } from "node:assert/strict";
import { join } from "node:path";
import { lastLine, parseNdjson, PASSING_CALL, ringoFlow, scenarioDir } from "./e2e.ts";

const SUITE = `import { agent, expect, scenario, setup, State, teardown, until } from "@ringo/flow";

setup(async () => ({ a: await agent("A"), b: await agent("B") }));
teardown(async ({ a }) => {
  if (a.state !== State.Idle) await a.hangup();
});

scenario("declined call reports 486", { tags: ["smoke"] }, async ({ a, b }) => {
  await a.dial(b);
  await until(() => expect(b.state).toBe(State.Ringing));
  await b.reject();
  await until(() => expect(a.statusCode).toBe(486));
});

scenario("deliberately fails", { tags: ["broken"] }, async ({ a, b }) => {
  await a.dial(b);
  await until(() => expect(b.state).toBe(State.Established), "500ms");
});

scenario("not ready yet", { skip: "waiting for baresip 2" }, () => {});
`;

Deno.test("ringo flow run reports passing, failing and skipped scenarios", async (t) => {
  await using dir = await scenarioDir({ "pass.ts": PASSING_CALL, "suite.ts": SUITE });

  await t.step("exit code 1, the failure with its line, and the summary as last line", async () => {
    const junit = join(dir.path, "reports", "flow.xml");
    const run = await ringoFlow(["run", dir.path, "--junit", junit]);
    assertEquals(run.code, 1, run.stdout + run.stderr);
    assertEquals(lastLine(run.stdout), "2 passed, 1 failed, 1 skipped");
    assertMatch(run.stdout, /✓ .*pass\.ts › pass/);
    assertMatch(run.stdout, /✗ .*suite\.ts › deliberately fails/);
    assertMatch(
      run.stdout,
      /timed out after 500ms: B state: expected established, got ringing\n\s+at .*suite\.ts:17:9/,
    );
    assertMatch(run.stdout, /- .*suite\.ts › not ready yet \(skipped: waiting for baresip 2\)/);

    const xml = await Deno.readTextFile(junit);
    assertMatch(xml, /<testsuites name="ringo flow" tests="4" failures="1" errors="0" skipped="1"/);
    assertMatch(xml, /<testcase name="deliberately fails"[^>]*>\s*<failure message="timed out/);
    assertMatch(xml, /<skipped message="waiting for baresip 2"\/>/);
  });

  await t.step("--json writes one parseable event per line, in run order", async () => {
    const run = await ringoFlow(["run", dir.path, "--json"]);
    assertEquals(run.code, 1, run.stderr);
    const events = parseNdjson(run.stdout);
    assertEquals(events[0].type, "run-start");
    assertEquals(events.at(-1), {
      ...events.at(-1),
      type: "run-end",
      passed: 2,
      failed: 1,
      skipped: 1,
    });
    const ends = events.filter((e) => e.type === "scenario-end");
    assertEquals(ends.map((e) => e.status), ["passed", "passed", "failed", "skipped"]);
    const failed = ends[2] as { error: { location: { file: string; line: number } } };
    assertMatch(failed.error.location.file, /suite\.ts$/);
    assertEquals(failed.error.location.line, 17);
    const labels = events.filter((e) => e.type === "assertion").map((e) => e.label);
    assertEquals(labels.includes("A statusCode"), true);
    const starts = events.filter((e) => e.type === "scenario-start");
    assertEquals(starts.length, 4);
  });

  await t.step("--scenario picks scenarios by name or re: pattern", async () => {
    const byName = await ringoFlow(["run", dir.path, "--scenario", "declined call reports 486"]);
    assertEquals(byName.code, 0, byName.stdout + byName.stderr);
    assertEquals(lastLine(byName.stdout), "1 passed, 0 failed, 0 skipped");
    const byPattern = await ringoFlow(["run", dir.path, "--scenario", "re:^(pass|declined)"]);
    assertEquals(lastLine(byPattern.stdout), "2 passed, 0 failed, 0 skipped");
  });

  await t.step("--tag and --exclude-tag filter by tags", async () => {
    const smoke = await ringoFlow(["run", dir.path, "--tag", "smoke"]);
    assertEquals(smoke.code, 0, smoke.stdout + smoke.stderr);
    assertEquals(lastLine(smoke.stdout), "1 passed, 0 failed, 0 skipped");
    const notBroken = await ringoFlow([
      "run",
      join(dir.path, "suite.ts"),
      "--exclude-tag",
      "broken",
    ]);
    assertEquals(notBroken.code, 0, notBroken.stdout);
    assertEquals(lastLine(notBroken.stdout), "1 passed, 0 failed, 1 skipped");
  });

  await t.step("a --scenario that matches nothing is a usage error", async () => {
    const run = await ringoFlow(["run", dir.path, "--scenario", "no such scenario"]);
    assertEquals(run.code, 2);
    assertMatch(run.stderr, /--scenario "no such scenario" matched no scenario/);
  });
});
