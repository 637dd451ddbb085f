/**
 * What each agent saw is in the report: calls, DTMF digits and their
 * order, as `log` events with the agent's name.
 */
import { deepStrictEqual as assertEquals, match as assertMatch } from "node:assert/strict";
import { join } from "node:path";
import { parseNdjson, ringoFlow, scenarioDir } from "./e2e.ts";

Deno.test("agents' calls and received DTMF digits are events of the run", async () => {
  await using dir = await scenarioDir({
    "digits.ts": `import { agent, expect, State, until } from "@ringo/flow";
const a = await agent("A");
const b = await agent("B");
await a.dial(b);
await until(() => expect(b.state).toBe(State.Ringing));
await b.accept();
await until(() => expect(a.state).toBe(State.Established));
await until(() => expect(b.state).toBe(State.Established));
await a.dtmf("42#", "80ms");
await until(() => expect(b.dtmfReceived).toBe("42#"));
await b.hangup();
await until(() => expect(a.state).toBe(State.Idle));
`,
  });
  const run = await ringoFlow(["run", join(dir.path, "digits.ts"), "--json"]);
  assertEquals(run.code, 0, run.stdout + run.stderr);
  const lines = parseNdjson(run.stdout)
    .filter((e) => e.type === "log" && e.agent !== undefined)
    .map((e) => `${e.agent}: ${e.message}`);
  const b = lines.filter((l) => l.startsWith("B: "));
  assertMatch(b[0], /^B: incoming call from sip:A@127\.0\.0\.1:\d+$/);
  assertEquals(
    b.filter((l) => l.includes("DTMF")),
    ["B: DTMF received: 4", "B: DTMF received: 2", "B: DTMF received: #"],
  );
  assertEquals(
    lines.some((l) => /^A: call with sip:B@127\.0\.0\.1:\d+ closed: /.test(l)),
    true,
    lines.join("\n"),
  );
});
