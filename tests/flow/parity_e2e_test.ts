/**
 * What ringo-flow scenarios read and check, end to end on loopback agents:
 * hold both ways (`held` / `remoteHeld`), `State.Calling` before any
 * provisional response, the call history (`ended` with causes), `info()`,
 * `metadata`, array header values, received MESSAGEs in the report, the
 * matchers ringo-flow has (`.value()`, chains, `toBeEmpty`), answers built
 * with a status (`jsonResponse(body, 503)`) or a closure (`respond(fn)`),
 * and helpers imported from outside the folder run (`--root`).
 */
import { deepStrictEqual as assertEquals, match as assertMatch } from "node:assert/strict";
import { createSocket } from "node:dgram";
import { join } from "node:path";
import { lastLine, parseNdjson, ringoFlow, scenarioDir } from "./e2e.ts";

const SCENARIOS = `import {
  agent,
  expect,
  http,
  jsonResponse,
  mockServer,
  scenario,
  setup,
  State,
  teardown,
  until,
} from "@ringo/flow";
import type { Agent } from "@ringo/flow";

interface Pair {
  a: Agent;
  b: Agent;
}
setup(async (): Promise<Pair> => ({
  a: await agent("A", { metadata: { role: "caller", lines: [1, 2] } }),
  b: await agent("B"),
}));
teardown(({ a }: Pair) => a.hangup());

async function connect({ a, b }: Pair) {
  await a.dial(b);
  await until(() => expect(b.state).toBe(State.Ringing));
  await b.accept();
  await until(() => expect(a.state).toBe(State.Established));
  await until(() => expect(b.state).toBe(State.Established));
}

scenario("hold reads both ways", async (pair: Pair) => {
  const { a, b } = pair;
  await connect(pair);
  await a.hold();
  expect(a.held).toBe(true);
  expect(b.held).toBe(false);
  if (a.info().baresipVersion === "1.0.0") {
    expect(b.remoteHeld).toBe(false); // 1.0.0 does not say when the peer holds
  } else {
    await until(() => expect(b.remoteHeld).toBe(true));
    expect(b.info().remoteHeld).toBe(true);
  }
  await a.resume();
  expect(a.held).toBe(false);
  await until(() => expect(b.remoteHeld).toBe(false));
});

scenario("the history lists ended calls with their cause, info() says the rest", async (pair: Pair) => {
  const { a, b } = pair;
  for (let i = 0; i < 3; i++) {
    await connect(pair);
    await a.hangup();
    await until(() => expect(b.ended.length).toBe(i + 1));
  }
  await b.respondIncoming(486);
  await a.dial(b);
  await until(() => expect(a.ended.length).toBe(4));
  expect(a.calls).toEqual([]);
  expect(a.ended.map((c) => c.close.cause)).toEqual(["bye", "bye", "bye", "busy"]);
  expect(a.ended[0].durationS).toBeGreaterThan(0);
  expect(b.ended.map((c) => c.close.by)).toEqual(["remote", "remote", "remote", "local"]);
  const info = a.info();
  expect(info.registered).toBe(false);
  expect(info.statusCode).toBe(486);
  expect(info.reason).toMatch(/^486/);
  expect(info.ended.length).toBe(4);
  expect(info.metadata).toEqual({ role: "caller", lines: [1, 2] });
  expect(Object.isFrozen(a.metadata)).toBe(true);
  expect(JSON.parse(JSON.stringify(a)).metadata.role).toBe("caller");
  expect(b.metadata).toEqual({});
});

scenario("matchers chain, give their value, and check emptiness", async ({ a }: Pair) => {
  expect(200).toBeGreaterThanOrEqual(200).toBeLessThan(300).not.toBe(201).toBe(200);
  const state = await until(() => expect(a.state).toBe(State.Idle).value());
  expect(state).toBe("idle");
  expect(a.dtmfReceived).toBeEmpty();
  expect(a.calls).toBeEmpty();
  expect(a.headersAll()).toBeEmpty();
  expect(new Map([[1, 2]])).not.toBeEmpty();
});

scenario("mock answers: a status as the second argument, a closure in respond()", async () => {
  const api = await mockServer();
  await api.respond("POST", "/busy", jsonResponse({ error: "busy" }, 503));
  let seen = 0;
  await api.respond("GET", "/count", () => jsonResponse({ seen: ++seen }));
  const busy = await http("POST", api.url + "/busy");
  expect(busy.status).toBe(503);
  expect(busy.json("error")).toBe("busy");
  expect((await http("GET", api.url + "/count")).json("seen")).toBe(1);
  expect((await http("GET", api.url + "/count")).json("seen")).toBe(2);
});

scenario("a MESSAGE B received is in its list and the report", async ({ a, b }: Pair) => {
  const answer = await a.message(b, "hello, B");
  expect(answer.statusCode).toBe(200);
  await until(() => expect(b.messages.at(-1)?.body).toBe("hello, B"));
});
`;

Deno.test("ringo-flow's getters, matchers and answers work as its scenarios expect", async () => {
  await using dir = await scenarioDir({ "parity.ts": SCENARIOS });
  const run = await ringoFlow(["run", join(dir.path, "parity.ts"), "--json"]);
  const events = parseNdjson(run.stdout);
  const ends = events.filter((e) => e.type === "scenario-end");
  assertEquals(
    ends.map((e) => [e.name, e.status, (e.error as { message?: string } | undefined)?.message]),
    [
      ["hold reads both ways", "passed", undefined],
      ["the history lists ended calls with their cause, info() says the rest", "passed", undefined],
      ["matchers chain, give their value, and check emptiness", "passed", undefined],
      [
        "mock answers: a status as the second argument, a closure in respond()",
        "passed",
        undefined,
      ],
      ["a MESSAGE B received is in its list and the report", "passed", undefined],
    ],
    run.stdout + run.stderr,
  );
  const message = events.find((e) =>
    e.type === "log" && e.agent === "B" && String(e.message).startsWith("MESSAGE received")
  );
  assertMatch(
    String(message?.message),
    /^MESSAGE received from sip:A@127\.0\.0\.1:\d+: "hello, B"$/,
  );
  if (events.some((e) => e.type === "log" && /put the call on hold/.test(String(e.message)))) {
    // 3.x/4.x report the peer's hold; the report says it under the held agent.
    const hold = events.find((e) => /put the call on hold/.test(String(e.message)))!;
    assertEquals(hold.agent, "B");
  }
  assertEquals(run.code, 0);
});

Deno.test("an outgoing call is Calling until the first provisional response", async () => {
  // A peer that takes the INVITE and never answers it.
  const silent = createSocket("udp4");
  await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
  const port = silent.address().port;
  try {
    await using dir = await scenarioDir({
      "calling.ts": `import { agent, env, expect, State, until, wait } from "@ringo/flow";
const a = await agent("A");
await a.dial(\`sip:nobody@127.0.0.1:\${env("SILENT_PORT")}\`);
await until(() => expect(a.state).toBe(State.Calling));
await wait("500ms");
expect(a.state).toBe(State.Calling);
expect(a.call?.direction).toBe("outgoing");
await a.hangup();
await until(() => expect(a.ended.at(-1)?.close.cause).toBe("cancel"));
`,
    });
    const run = await ringoFlow(["run", join(dir.path, "calling.ts")], {
      env: { SILENT_PORT: String(port) },
    });
    assertEquals(run.code, 0, run.stdout + run.stderr);
  } finally {
    silent.close();
  }
});

Deno.test("array header values send the header once per element, in order", async () => {
  await using dir = await scenarioDir({
    "headers.ts": `import { agent, expect, State, until } from "@ringo/flow";
const b = await agent("B");
let a;
try {
  a = await agent("A", {
    headers: { "History-Info": ["<sip:a@h>;index=1", "<sip:b@h>;index=1.1"], "X-Case": 7 },
  });
} catch (error) {
  // baresip 1.0.0 cannot add headers: the capability table's sentence.
  expect((error as Error).message).toMatch(/custom SIP headers on outgoing INVITEs needs baresip ≥ 2\\.0\\.0/);
}
if (a) {
  await a.dial(b);
  await until(() => expect(b.state).toBe(State.Ringing));
  await until(() => expect(b.headerValues("History-Info")).toEqual(["<sip:a@h>;index=1", "<sip:b@h>;index=1.1"]));
  expect(b.header("X-Case")).toBe("7");
  await b.reject();
}
`,
  });
  const run = await ringoFlow(["run", join(dir.path, "headers.ts")]);
  assertEquals(run.code, 0, run.stdout + run.stderr);
});

Deno.test("--root lets scenarios import helpers outside the folder run, and only stays in it", async () => {
  await using dir = await scenarioDir({
    "flows/lib/pair.ts": `import { agent } from "@ringo/flow";
export const pair = async () => ({ a: await agent("A"), b: await agent("B") });
`,
    "flows/smoke/call.ts": `import { expect, State } from "@ringo/flow";
import { pair } from "../lib/pair.ts";
const { a } = await pair();
expect(a.state).toBe(State.Idle);
`,
    "flows/other/focus.ts": `import { expect, scenario } from "@ringo/flow";
scenario("focused elsewhere", { only: true }, () => expect(1).toBe(1));
`,
  });
  const cwd = dir.path;
  const without = await ringoFlow(["run", "flows/smoke"], { cwd });
  assertEquals(without.code, 2, without.stdout + without.stderr);
  assertMatch(
    without.stderr,
    /cannot load flows\/smoke\/call\.ts:2:\d+\n.*name a folder that holds the scenarios and their helpers with `ringo flow run --root <dir>`/,
  );
  const rooted = await ringoFlow(["run", "flows/smoke", "--root", "flows"], { cwd });
  assertEquals(rooted.code, 0, rooted.stdout + rooted.stderr);
  assertEquals(lastLine(rooted.stdout), "1 passed, 0 failed, 0 skipped");
  const outside = await ringoFlow(["run", "flows/smoke", "--root", "flows/other"], { cwd });
  assertEquals(outside.code, 2);
  assertMatch(outside.stderr, /--root flows\/other does not contain flows\/smoke\/call\.ts/);
});
