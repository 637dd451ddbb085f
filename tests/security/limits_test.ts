/**
 * What a scenario cannot take from the host: its timers (a forged
 * teardown), its lifecycle and paths (messages the API never sends), the
 * process's memory, and unbounded time at the top level.
 */
import { deepStrictEqual as assertEquals, match as assertMatch, throws } from "node:assert/strict";
import { ForgedMessage, parseWorkerMessage } from "../../flow/sandbox/messages.ts";
import { endsOf, failureOf, ringoFlow, scenarioDir } from "./helpers.ts";

Deno.test("the host refuses every message the scenario API does not send", async (t) => {
  const forged = (message: unknown, why: RegExp) =>
    throws(
      () => parseWorkerMessage(message),
      (e: unknown) => e instanceof ForgedMessage && why.test(e.message),
    );
  await t.step("a teardown cannot set its own time limit", () => {
    forged({ type: "teardown", id: "s1", limitMs: 3.6e6 }, /unexpected "limitMs"/);
    parseWorkerMessage({ type: "teardown", id: "s1" });
  });
  await t.step("no method outside the scenario API, no engine command", () => {
    forged(
      {
        type: "call",
        callId: 1,
        scenarioId: "s1",
        method: "agent.command",
        params: ["insmod", "x"],
      },
      /method/,
    );
    forged(
      {
        type: "call",
        callId: 1,
        scenarioId: "s1",
        method: "agent.verb",
        params: [1, "x".repeat(100), []],
      },
      /agent\.verb/,
    );
  });
  await t.step("prototype keys and extra fields are refused", () => {
    forged(
      JSON.parse(
        '{"type":"log","scenarioId":"s1","message":"x","level":"info","__proto__":{"x":1}}',
      ),
      /__proto__/,
    );
    forged({ type: "log", scenarioId: "s1", message: "x", level: "info", agent: "A" }, /"agent"/);
    forged({ type: "env", name: "A", path: "/etc/passwd" }, /"path"/);
    forged({ type: "shutdown" }, /type/);
    forged("done", /without a type/);
  });
  await t.step("call params are checked per method", () => {
    forged(
      { type: "call", callId: 1, scenarioId: "s1", method: "env.load", params: [42] },
      /env\.load/,
    );
    forged(
      {
        type: "call",
        callId: 2,
        scenarioId: "s1",
        method: "net.mock.start",
        params: [{ owner: "o", port: 70000 }],
      },
      /net\.mock\.start/,
    );
  });
});

const LIMITS = `import { scenario } from "@ringo/flow";

scenario("a busy loop after a teardown is stopped at the timeout", () => {
  (globalThis as { postMessage?: (m: unknown) => void }).postMessage?.({ type: "teardown", id: "s1", limitMs: 3.6e6 });
  for (;;) {}
});
scenario("a scenario that eats memory is stopped at its limit", () => {
  const keep: unknown[] = [];
  for (let i = 0;; i++) keep.push(new Array(100_000).fill(i));
});
scenario("an agent verb the API does not offer is refused", async () => {
  const rt = (globalThis as Record<symbol, { call(m: string, p: unknown[]): Promise<unknown> }>)[Symbol.for("ringo.flow.runtime")];
  await rt.call("agent.verb", [1, "insmod", ["evil.so"]]);
});
scenario("the file goes on", () => {});
`;

Deno.test("a scenario cannot outlive its timeout or exhaust the runner's memory", async () => {
  await using dir = await scenarioDir({ "limits.ts": LIMITS });
  const run = await ringoFlow([
    "run",
    dir.path,
    "--json",
    "--timeout",
    "2s",
    "--memory-limit",
    "64MB",
  ]);
  assertEquals(run.code, 1, run.stderr);
  const ends = endsOf(run);
  assertMatch(
    failureOf(ends, "a busy loop after a teardown is stopped at the timeout"),
    /^scenario timed out after 2s and did not stop: .*its worker was terminated/,
  );
  assertMatch(
    failureOf(ends, "a scenario that eats memory is stopped at its limit"),
    /did not stop: .*memory limit \(64 MiB, --memory-limit\)|used more than its 64 MiB memory limit/,
  );
  assertMatch(
    failureOf(ends, "an agent verb the API does not offer is refused"),
    /this scenario has no agent #1|agents have no verb "insmod"/,
  );
  assertEquals(ends.get("the file goes on")?.status, "passed");
});

Deno.test("top-level code is bounded by --timeout and by the memory limit", async () => {
  await using busy = await scenarioDir({
    "busy.ts":
      `import { scenario } from "@ringo/flow";\nfor (;;) {}\nscenario("never", () => {});\n`,
  });
  const run = await ringoFlow(["run", busy.path, "--timeout", "1s"]);
  assertEquals(run.code, 2, run.stdout + run.stderr);
  assertMatch(
    run.stderr,
    /its top-level code did not finish within 1s \(--timeout\), and was stopped/,
  );

  await using hog = await scenarioDir({
    "hog.ts": `import { scenario } from "@ringo/flow";
const keep: unknown[] = [];
for (let i = 0;; i++) keep.push(new Array(100_000).fill(i));
scenario("never", () => {});
`,
  });
  const oom = await ringoFlow(["run", hog.path, "--timeout", "20s", "--memory-limit", "64MB"]);
  assertEquals(oom.code, 2, oom.stdout + oom.stderr);
  assertMatch(
    oom.stderr,
    /used more than its 64 MiB memory limit and was stopped; raise it with --memory-limit/,
  );
});

Deno.test("--memory-limit takes sizes and refuses nonsense", async () => {
  await using dir = await scenarioDir({
    "ok.ts": `import { scenario } from "@ringo/flow";\nscenario("x", () => {});\n`,
  });
  const bad = await ringoFlow(["run", dir.path, "--memory-limit", "lots"]);
  assertEquals(bad.code, 2);
  assertMatch(bad.stderr, /--memory-limit "lots": expected a size of 16MB or more/);
});
