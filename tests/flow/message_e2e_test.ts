/**
 * SIP MESSAGE in scenarios: `a.message(b, text)` resolves with the final
 * answer, and `b.messages` holds what arrived.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { join } from "node:path";
import { ringoFlow, scenarioDir } from "./e2e.ts";

const SCENARIO = `import { agent, expect, until } from "@ringo/flow";
const a = await agent("A");
const b = await agent("B");
expect(b.messages).toEqual([]);
const sent = await a.message(b, "hello from A");
expect(sent.statusCode).toBe(200);
await until(() => expect(b.messages.length).toBe(1));
expect(b.messages[0].body).toBe("hello from A");
expect(b.messages[0].from).toBe(a.aor);
expect(b.messages[0].contentType).toBe("text/plain");
await a.message(b.contactUri, "second");
await until(() => expect(b.messages.at(-1)?.body).toBe("second"));
`;

Deno.test("a scenario sends a MESSAGE and reads what the other agent received", async () => {
  await using dir = await scenarioDir({ "message.ts": SCENARIO });
  const run = await ringoFlow(["run", join(dir.path, "message.ts"), "--no-color"]);
  assertEquals(run.code, 0, run.stdout + run.stderr);
});
