/**
 * Bad inputs end in one clear sentence before agents start, or name the
 * real cause: a type error, an unresolvable host.
 */
import { deepStrictEqual as assertEquals, match as assertMatch, ok } from "node:assert/strict";
import { endsOf, failureOf, ringoFlow, scenarioDir } from "./helpers.ts";

Deno.test("flow run type-checks first: a type error stops the run before any agent starts, with file and line", async () => {
  await using dir = await scenarioDir({
    "typo.ts": `import { agent } from "@ringo/flow";
const a = await agent("A");
await a.dail("sip:b@127.0.0.1:5070");
`,
  });
  const run = await ringoFlow(["run", dir.path], { cwd: dir.path });
  assertEquals(run.code, 2, run.stdout + run.stderr);
  assertMatch(run.stderr, /Property 'dail' does not exist/);
  assertMatch(run.stderr, /typo\.ts:3:9/);
  assertMatch(run.stderr, /error: the scenarios do not type-check; no scenario ran/);
  ok(!run.stdout.includes("running"), run.stdout);

  // --no-typecheck runs it anyway (and it fails at run time).
  const unchecked = await ringoFlow(["run", dir.path, "--no-typecheck"], { cwd: dir.path });
  assertEquals(unchecked.code, 1, unchecked.stdout + unchecked.stderr);
  assertMatch(unchecked.stdout, /a\.dail is not a function/);
});

Deno.test("an unresolvable host is named as a DNS failure", async () => {
  await using dir = await scenarioDir({
    "dns.ts": `import { agent, expect, scenario, until } from "@ringo/flow";
scenario("register", async () => {
  await agent("A", { username: "alice", domain: "nonexistent.invalid", password: "x" });
});
scenario("call", async () => {
  const a = await agent("A");
  await a.dial("sip:bob@nonexistent.invalid");
  await until(() => expect(a.reason).toBe("established"), "5s");
});
`,
  });
  const run = await ringoFlow(["run", dir.path, "--json"]);
  const ends = endsOf(run);
  assertMatch(
    failureOf(ends, "register"),
    /could not register as sip:alice@nonexistent\.invalid: cannot resolve nonexistent\.invalid/,
  );
  assertMatch(failureOf(ends, "call"), /cannot resolve nonexistent\.invalid/);
});
