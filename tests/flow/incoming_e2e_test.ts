/**
 * What an agent does with the calls that reach it, set from a scenario:
 * `respondIncoming(code, reason?)` (sticky, until `null`), `deflect()` /
 * `stopDeflect()` and `deflect_to`. Each runs on the baresip under test
 * and expects either the behaviour or the capability table's sentence.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { join } from "node:path";
import { parseNdjson, ringoFlow, scenarioDir } from "./e2e.ts";

const SCENARIOS = `import { agent, expect, scenario, setup, State, until } from "@ringo/flow";
import type { Agent } from "@ringo/flow";

interface Trio {
  a: Agent;
  b: Agent;
  c: Agent;
}
setup(async (): Promise<Trio> => ({ a: await agent("A"), b: await agent("B"), c: await agent("C") }));

/** baresip ≥ 3.19 declines with any code (the capability table's "reject-with-code"). */
function anyCode(a: Agent): boolean {
  const [major, minor] = a.info().baresipVersion.split(".").map(Number);
  return major > 3 || (major === 3 && minor >= 19);
}

scenario("respondIncoming(486) answers every new call busy until null", async ({ a, b }: Trio) => {
  await b.respondIncoming(486);
  expect(b.info().incoming).toEqual({ kind: "respond", code: 486 });
  for (const n of [1, 2]) {
    await a.dial(b);
    await until(() => expect(a.ended.length).toBe(n));
    await until(() => expect(b.ended.length).toBe(n));
    expect(a.ended.at(-1)?.close.cause).toBe("busy");
    expect(a.ended.at(-1)?.close.statusCode).toBe(486);
    expect(b.ended.at(-1)?.close).toEqual({ ...b.ended.at(-1)!.close, cause: "busy", by: "local" });
  }
  expect(b.state).toBe(State.Idle);
  await b.respondIncoming(null);
  expect(b.info().incoming).toBeUndefined();
  await a.dial(b);
  await until(() => expect(b.state).toBe(State.Ringing));
  await b.accept();
  await until(() => expect(a.state).toBe(State.Established));
  await a.hangup();
});

scenario("respondIncoming(603, reason) where baresip can, a sentence where not", async ({ a, b }: Trio) => {
  let refused = "";
  try {
    await b.respondIncoming(603, "Decline");
  } catch (error) {
    refused = (error as Error).message;
  }
  if (!anyCode(a)) {
    expect(refused).toMatch(/^declining a call with a code other than 486 Busy Here needs baresip ≥ 3\\.19\\.0 \\(this is baresip /);
    return;
  }
  expect(refused).toBe("");
  await a.dial(b);
  await until(() => expect(a.statusCode).toBe(603));
  expect(a.reason).toMatch(/^603 Decline/);
  expect(a.ended.at(-1)?.close.cause).toBe("rejected");
});

scenario("what no baresip can send is refused with the reason", async ({ b }: Trio) => {
  const refusal = async (f: () => Promise<void>) => {
    try {
      await f();
      return "";
    } catch (error) {
      return (error as Error).message;
    }
  };
  expect(await refusal(() => b.respondIncoming(302, "Moved"))).toMatch(
    /baresip cannot answer an INVITE with 302 \\(a redirect\\).*deflect\\(target\\) answers and transfers instead/,
  );
  expect(await refusal(() => b.respondIncoming(486, "Busy", { "X-Why": "test" }))).toMatch(
    /baresip cannot add headers to its final response to an INVITE/,
  );
  expect(await refusal(() => b.respondIncoming(99 as number))).toMatch(/from 400 to 699, got 99/);
});

scenario("deflect(c) hands each new call to C until stopDeflect()", async ({ a, b, c }: Trio) => {
  await b.deflect(c);
  await a.dial(b);
  await until(() => expect(c.state).toBe(State.Ringing), "10s");
  expect(c.peer?.number).toBe("A");
  await c.accept();
  await until(() => expect(a.call?.peer.number).toBe("C"));
  await until(() => expect(a.state).toBe(State.Established));
  await until(() => expect(b.ended.at(-1)?.close.cause).toBe("transfer"));
  expect(b.state).toBe(State.Idle);
  await a.hangup();
  await until(() => expect(c.state).toBe(State.Idle));

  await b.stopDeflect();
  await a.dial(b);
  await until(() => expect(b.state).toBe(State.Ringing));
  await b.reject();
});

scenario("deflect_to in the config deflects from the start", async ({ a, c }: Trio) => {
  const d = await agent("D", { deflect_to: c.contactUri, metadata: { desk: 7 } });
  expect(d.info().incoming).toEqual({ kind: "deflect", target: c.contactUri });
  expect(d.metadata).toEqual({ desk: 7 });
  await a.dial(d);
  await until(() => expect(c.state).toBe(State.Ringing), "10s");
  await c.accept();
  await until(() => expect(a.call?.peer.number).toBe("C"));
  await a.hangup();
});
`;

Deno.test("respondIncoming and deflect decide what happens to new calls", async () => {
  await using dir = await scenarioDir({ "incoming.ts": SCENARIOS });
  const run = await ringoFlow(["run", join(dir.path, "incoming.ts"), "--json"]);
  const ends = parseNdjson(run.stdout).filter((e) => e.type === "scenario-end");
  assertEquals(
    ends.map((e) => [e.name, e.status, (e.error as { message?: string } | undefined)?.message]),
    [
      ["respondIncoming(486) answers every new call busy until null", "passed", undefined],
      ["respondIncoming(603, reason) where baresip can, a sentence where not", "passed", undefined],
      ["what no baresip can send is refused with the reason", "passed", undefined],
      ["deflect(c) hands each new call to C until stopDeflect()", "passed", undefined],
      ["deflect_to in the config deflects from the start", "passed", undefined],
    ],
    run.stdout + run.stderr,
  );
  assertEquals(run.code, 0);
});
