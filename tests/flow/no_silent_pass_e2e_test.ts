/**
 * No scenario passes with a check it did not make: verbs, `until` and
 * `wait` nothing awaited still decide their scenario (plain scripts and
 * suites, body and teardown), and porting mistakes get sentences — `new
 * Agent(…)`, a misspelt verb (type-checked before agents start), a call
 * that drops during `wait()`, `hangup()` in teardown after a clean end.
 */
import { deepStrictEqual as assertEquals, match as assertMatch } from "node:assert/strict";
import { join } from "node:path";
import { parseNdjson, ringoFlow, scenarioDir } from "./e2e.ts";

type End = {
  name: string;
  status: string;
  error?: { message: string; location?: { file: string; line: number } };
};

async function run(files: Record<string, string>, args: string[] = []) {
  await using dir = await scenarioDir(files);
  const result = await ringoFlow(["run", dir.path, "--json", ...args]);
  const events = parseNdjson(result.stdout);
  const ends = events.filter((e) => e.type === "scenario-end") as unknown as End[];
  return { ...result, events, end: (name: string) => ends.find((e) => e.name === name)! };
}

Deno.test("a verb, until or wait nothing awaited still decides its scenario", async (t) => {
  const r = await run({
    "forgot_accept.ts": `import { agent } from "@ringo/flow";
const b = await agent("B");
b.accept();
`,
    "forgot_register.ts": `import { agent } from "@ringo/flow";
const a = await agent("A");
a.register();
`,
    "suite.ts":
      `import { agent, expect, scenario, State, teardown, until, wait } from "@ringo/flow";
teardown(() => {
  void wait("1ms");
});
scenario("until left running", async () => {
  const b = await agent("B");
  until(() => expect(b.state).toBe(State.Ringing), "500ms");
});
scenario("a verb left running that succeeds", async () => {
  const a = await agent("A");
  const b = await agent("B");
  a.dial(b);
});
scenario("a failure the scenario handled itself", async () => {
  const b = await agent("B");
  b.accept().catch(() => {});
  await wait("200ms");
});
scenario("a wait left running fails when the call drops", async () => {
  const a = await agent("A");
  const b = await agent("B");
  await a.dial(b);
  await until(() => expect(b.state).toBe(State.Ringing));
  await b.accept();
  await until(() => expect(a.state).toBe(State.Established));
  wait("3s");
  await b.hangup();
});
`,
    "teardown.ts": `import { agent, scenario, setup, teardown } from "@ringo/flow";
setup(async () => ({ b: await agent("B") }));
teardown(({ b }) => {
  b.accept();
});
scenario("passes until its teardown fails", () => {});
`,
  });

  await t.step(
    "a plain script whose last verb fails without await fails, naming verb, agent and line",
    () => {
      const e = r.end("forgot_accept");
      assertEquals(e.status, "failed");
      assertMatch(
        e.error!.message,
        /^B\.accept\(\) failed, and nothing awaited it: agent "B" has no ringing incoming call to accept/,
      );
      assertMatch(e.error!.message, /hint: put `await` before the call/);
      assertEquals(e.error!.location?.line, 3);
    },
  );

  await t.step("an unawaited register() of a loopback agent fails its script", () => {
    const e = r.end("forgot_register");
    assertEquals(e.status, "failed");
    assertMatch(e.error!.message, /^A\.register\(\) failed, and nothing awaited it: .*loopback/);
    assertEquals(e.error!.location?.line, 3);
  });

  await t.step("an until() left running is waited for, and its timeout fails the scenario", () => {
    const e = r.end("until left running");
    assertEquals(e.status, "failed");
    assertMatch(
      e.error!.message,
      /^until\(\) failed, and nothing awaited it: timed out after 500ms: B state: expected ringing, got idle/,
    );
    assertEquals(e.error!.location?.line, 7);
  });

  await t.step(
    "a wait() left running is waited for, and a drop during it fails the scenario",
    () => {
      const e = r.end("a wait left running fails when the call drops");
      assertEquals(e.status, "failed");
      assertMatch(
        e.error!.message,
        /^wait\(\) failed, and nothing awaited it: the call of [AB] with sip:[AB]@127\.0\.0\.1:\d+ dropped during wait\("3s"\)/,
      );
      assertEquals(e.error!.location?.line, 26);
    },
  );

  await t.step("a verb left running that succeeds passes, with a warning that names it", () => {
    const e = r.end("a verb left running that succeeds");
    assertEquals(e.status, "passed");
    const start = r.events.find((x) =>
      x.type === "scenario-start" && x.name === "a verb left running that succeeds"
    )!;
    const warning = r.events.find((x) =>
      x.type === "log" && x.scenarioId === start.id && x.level === "warn"
    );
    assertMatch(
      String(warning?.message),
      /^A\.dial\(\) \(.*suite\.ts:12\) was still running when the scenario ended: it is not awaited/,
    );
  });

  await t.step("a rejection the scenario caught itself is not a failure", () => {
    assertEquals(r.end("a failure the scenario handled itself").status, "passed");
  });

  await t.step("teardown's own unawaited verbs decide the scenario too", () => {
    const e = r.end("passes until its teardown fails");
    assertEquals(e.status, "failed");
    assertMatch(e.error!.message, /^B\.accept\(\) failed, and nothing awaited it/);
    assertEquals(e.error!.location?.line, 4);
  });

  await t.step("the run fails", () => {
    assertEquals(r.code, 1, r.stderr);
  });
});

Deno.test("porting mistakes fail with a sentence that says what to write", async (t) => {
  const r = await run({
    "new_agent.ts": `import { Agent } from "@ringo/flow";
const Made: any = Agent;
new Made("A", { username: "alice", domain: "pbx" });
`,
    "drop.ts": `import { agent, CallDroppedError, expect, State, until, wait } from "@ringo/flow";
const a = await agent("A");
const b = await agent("B");
await a.dial(b);
await until(() => expect(b.state).toBe(State.Ringing));
await b.accept();
await until(() => expect(a.state).toBe(State.Established));
setTimeout(() => void b.hangup(), 200);
let dropped: unknown;
try {
  await wait("5s");
} catch (error) {
  dropped = error;
}
expect(dropped instanceof CallDroppedError).toBe(true);
// Whichever side's end arrives first: B hung up (local), A saw the BYE (remote).
const { agent: who, endCause } = dropped as CallDroppedError;
expect(endCause).toBe("bye");
const [peer, side] = who === "A" ? ["B", "remote"] : ["A", "local"];
expect((dropped as Error).message).toMatch(new RegExp(
  \`^the call of \${who} with sip:\${peer}@127\\\\.0\\\\.0\\\\.1:\\\\d+ dropped during wait\\\\("5s"\\\\) after \\\\d+ms \\\\(bye by the \${side} side: \`,
));
`,
    "teardown.ts":
      `import { agent, expect, scenario, setup, State, teardown, until } from "@ringo/flow";
setup(async () => ({ a: await agent("A"), b: await agent("B") }));
teardown(({ a }) => a.hangup());
scenario("ends cleanly, then teardown hangs up nothing", async ({ a, b }) => {
  await a.dial(b);
  await until(() => expect(b.state).toBe(State.Ringing));
  await b.accept();
  await until(() => expect(a.state).toBe(State.Established));
  await a.hangup();
  await until(() => expect(b.state).toBe(State.Idle));
});
scenario("outside teardown, hanging up nothing is an error", async ({ a }) => {
  await a.hangup();
});
`,
  });

  await t.step("new Agent(…) says to use await agent(…)", () => {
    const e = r.end("new_agent");
    assertEquals(e.status, "failed");
    assertMatch(
      e.error!.message,
      /^new Agent\(…\) does not start an agent: use `await agent\("A", config\)`/,
    );
    assertEquals(e.error!.location?.line, 3);
  });

  await t.step("a drop during wait() is a CallDroppedError naming the agent and the cause", () => {
    assertEquals(r.end("drop").status, "passed", JSON.stringify(r.end("drop").error));
  });

  await t.step("hangup() in teardown resolves when the agent has no call", () => {
    assertEquals(r.end("ends cleanly, then teardown hangs up nothing").status, "passed");
    const e = r.end("outside teardown, hanging up nothing is an error");
    assertEquals(e.status, "failed");
    assertMatch(e.error!.message, /agent "A" cannot hang up: it has no active call/);
  });
});

Deno.test("new Agent(…) fails the type check with the sentence that says what to write", async () => {
  await using dir = await scenarioDir({
    "call.ts": `import { Agent } from "@ringo/flow";
const a = new Agent("A", { username: "alice", domain: "pbx" });
`,
  });
  const result = await ringoFlow(["check", join(dir.path, "call.ts")]);
  assertEquals(result.code, 2, result.stdout + result.stderr);
  assertMatch(
    result.stderr,
    /new Agent\(\) does not start an agent: write `await agent\(name, config\)`/,
  );
  assertMatch(result.stderr, /call\.ts:2:\d+/);
});

Deno.test("a misspelt verb fails before any agent starts, with file and line", async () => {
  await using dir = await scenarioDir({
    "call.ts": `import { agent } from "@ringo/flow";
const a = await agent("A");
const b = await agent("B");
await a.dail(b);
`,
  });
  const result = await ringoFlow(["run", join(dir.path, "call.ts")]);
  assertEquals(result.code, 2, result.stdout + result.stderr);
  assertMatch(result.stderr, /Property 'dail' does not exist on type 'Agent'/);
  assertMatch(result.stderr, /call\.ts:4:\d+/);
  assertMatch(result.stderr, /no scenario ran/);
  assertEquals(result.stdout, "");
});
