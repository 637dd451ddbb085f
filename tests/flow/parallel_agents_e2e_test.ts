import assert from "node:assert/strict";
import { parseNdjson, ringoFlow, scenarioDir } from "./e2e.ts";

/**
 * A call between this file's own A and B (the same names in every file):
 * B checks it rings from its own A and nobody else, the call stays up for a
 * second (`wait` fails if it drops), and `fail` makes the file fail mid-call.
 */
const call = (fail: boolean) =>
  `import { agent, expect, State, until, wait } from "@ringo/flow";
const a = await agent("A");
const b = await agent("B");
await a.dial(b);
await until(() => expect(b.state).toBe(State.Ringing));
expect(b.peer?.uri).toBe(a.aor);
await b.accept();
await until(() => expect(a.state).toBe(State.Established));
${fail ? 'throw new Error("this file fails mid-call");' : ""}
await wait("1s");
expect(b.calls.length).toBe(1);
expect(b.peer?.uri).toBe(a.aor);
await a.hangup();
await until(() => expect(b.state).toBe(State.Idle));
`;

Deno.test("four files in parallel, their agents calling each other by name, never cross-talk, and one failing disturbs none", async () => {
  await using dir = await scenarioDir({
    "one.ts": call(false),
    "two.ts": call(false),
    "three.ts": call(true),
    "four.ts": call(false),
  });
  const run = await ringoFlow(["run", "--json", "--no-typecheck", "--jobs", "4", dir.path]);
  const ends = parseNdjson(run.stdout).filter((e) => e.type === "scenario-end");
  assert.deepEqual(
    ends.map((e) => `${String(e.file).split("/").at(-1)}: ${e.status}`).sort(),
    ["four.ts: passed", "one.ts: passed", "three.ts: failed", "two.ts: passed"],
    run.stdout + run.stderr,
  );
  const failure = ends.find((e) => e.status === "failed")!.error as { message: string };
  assert.match(failure.message, /this file fails mid-call/);
  assert.equal(run.code, 1);
});
