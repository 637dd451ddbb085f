/**
 * The rewrite of ringo-flow scenarios (flow/migrate/rewrite.ts), rule by
 * rule, on small sources: the code it gives and the notes it leaves.
 */
import { deepStrictEqual as assertEquals, match as assertMatch, throws } from "node:assert/strict";
import { migrateSource, MigrationSyntaxError } from "../../../flow/migrate/rewrite.ts";

/** The migrated code without the header comment and imports. */
function body(source: string): string {
  return migrateSource(source).code.split("\n").filter((l) =>
    !l.startsWith("// Migrated from") && !l.startsWith("import ")
  ).join("\n").trim();
}

function imports(source: string): string[] {
  return migrateSource(source).code.split("\n").filter((l) => l.startsWith("import "));
}

Deno.test("verbs, until, wait and http get await; new Agent becomes await agent", () => {
  assertEquals(
    body(
      `const a = new Agent("A", {});\nconst b = agent("B");\na.dial(b);\nuntil(() => expect(b.state).toBe(State.Ringing));\nb.accept();\nwait(2);\nconst r = http("GET", "http://x");\n`,
    ),
    [
      `const a = await agent("A", {});`,
      `const b = await agent("B");`,
      `await a.dial(b);`,
      `await until(() => expect(b.state).toBe(State.Ringing));`,
      `await b.accept();`,
      `await wait(2);`,
      `const r = await http("GET", "http://x");`,
    ].join("\n"),
  );
});

Deno.test("the globals a file uses are imported from @ringo/flow, renamed ones by their new name", () => {
  assertEquals(
    imports(
      `const a = agent("A");\nawait_until(() => assert(a.state).equals(State.Idle));\na.send_audio(silence());\nprint("x");\n`,
    ),
    [
      `import { agent, expect, log, silent, State, until } from "@ringo/flow";`,
    ],
  );
  assertEquals(imports(`const x = 1;\n`), []);
});

Deno.test("an awaited value read further is put in parentheses", () => {
  assertEquals(
    body(`const body = http("GET", "http://x").body;\nnew Agent("A").register();\n`),
    `const body = (await http("GET", "http://x")).body;\nawait (await agent("A")).register();`,
  );
});

Deno.test("functions that come to hold an await turn async, and their calls are awaited too", () => {
  assertEquals(
    body(
      `function ring(a, b) {\n  a.dial(b);\n}\nconst answer = (b) => b.accept();\nfunction both(a, b) {\n  ring(a, b);\n  answer(b);\n}\nboth(x, y);\n`,
    ),
    [
      "async function ring(a: Agent, b: any) {",
      "  await a.dial(b);",
      "}",
      "const answer = async (b: Agent) => await b.accept();",
      "async function both(a: any, b: any) {",
      "  await ring(a, b);",
      "  await answer(b);",
      "}",
      "await both(x, y);",
    ].join("\n"),
  );
  assertEquals(
    imports(`function ring(a) { a.dial("1"); }\n`),
    [`import type { Agent } from "@ringo/flow";`],
  );
});

Deno.test("scenario bodies turn async and scenario.each bodies take (row, context)", () => {
  assertEquals(
    body(
      `scenario("s", (ctx) => { ctx.a.hangup(); });\nscenario.each([1])("n $0", { tags: ["x"] }, (ctx, row) => { ctx.a.dtmf(row); });\nscenario.each([1])("m $0", ctx => ctx.a.hangup());\n`,
    ),
    [
      `scenario("s", async (ctx) => { await ctx.a.hangup(); });`,
      `scenario.each([1])("n $0", { tags: ["x"] }, async (row, ctx) => { await ctx.a.dtmf(row); });`,
      `scenario.each([1])("m $0", async (_row, ctx) => await ctx.a.hangup());`,
    ].join("\n"),
  );
});

Deno.test("Rhai-style and camelCase names become @ringo/flow's", () => {
  assertEquals(
    body(
      `x.send_audio(tone(440));\nx.verify_audio(440, "5s");\nx.attended_transfer(y);\nx.complete_transfer();\nlog(x.to_json());\nlog(x.toJson());\nconst d = x.receivedDtmf + x.received_dtmf;\nconst c = x.status_code;\nconst h = x.headers();\nx.respond_incoming(486);\nx.stop_deflect();\nx.verify_audio_connection(y);\n`,
    ),
    [
      `await x.sendAudio(tone(440));`,
      `await x.verifyAudio(440, "5s");`,
      `await x.attendedTransfer(y);`,
      `await x.completeTransfer();`,
      `log(x.toJSON());`,
      `log(x.toJSON());`,
      `const d = x.dtmfReceived + x.dtmfReceived;`,
      `const c = x.statusCode;`,
      `const h = x.headersAll();`,
      `await x.respondIncoming(486);`,
      `await x.stopDeflect();`,
      `await verifyAudioConnection(x, y);`,
    ].join("\n"),
  );
});

Deno.test("assertion matchers of the Rhai API become Jest's, chains and .value() kept", () => {
  assertEquals(
    body(
      `assert(a).equals(1);\nassert(a).not_equals(1);\nassert(a).is_true();\nassert(a).isFalse();\nassert(s).contains("x");\nassert(s).matches("^ab+$");\nassert(n).at_least(200).at_most(299);\nassert(n).greater_than(1).less_than(9);\nassert(h).is_present();\nassert(h).is_absent();\nassert(l).is_empty();\nassert(l).isNotEmpty();\nassert(a).describe("the answer").equals(42);\nconst v = assert(a).isPresent().value();\nexpect(a).toBe(1);\n`,
    ),
    [
      `expect(a).toEqual(1);`,
      `expect(a).not.toEqual(1);`,
      `expect(a).toBe(true);`,
      `expect(a).toBe(false);`,
      `expect(s).toContain("x");`,
      `expect(s).toMatch(new RegExp("^ab+$"));`,
      `expect(n).toBeGreaterThanOrEqual(200).toBeLessThanOrEqual(299);`,
      `expect(n).toBeGreaterThan(1).toBeLessThan(9);`,
      `expect(h).toBeDefined();`,
      `expect(h).toBeUndefined();`,
      `expect(l).toBeEmpty();`,
      `expect(l).not.toBeEmpty();`,
      `expect(a).as("the answer").toEqual(42);`,
      `const v = expect(a).toBeDefined().value();`,
      `expect(a).toBe(1);`,
    ].join("\n"),
  );
});

Deno.test("mock servers: new MockServer, awaited routes, renamed helpers, ?. on lastRequest", () => {
  assertEquals(
    body(
      `const hooks = new MockServer();\nhooks.on("POST", "/v", (req) => json_response({ n: req.json("a").length }, 201));\nhooks.respond("/h", text_response("ok"));\nconst n = hooks.request_count("/v");\nconst e = hooks.last_request("/v").json("event");\nconst req = hooks.last_request("/v");\nconst m = req.method;\nhooks.stop();\n`,
    ),
    [
      `const hooks = await mockServer();`,
      `await hooks.on("POST", "/v", (req) => jsonResponse({ n: req.json<any>("a").length }, 201));`,
      `await hooks.respond("/h", textResponse("ok"));`,
      `const n = hooks.requestCount("/v");`,
      `const e = hooks.lastRequest("/v")?.json("event");`,
      `const req = hooks.lastRequest("/v");`,
      `const m = req?.method;`,
      `await hooks.stop();`,
    ].join("\n"),
  );
});

Deno.test("parallel becomes Promise.all over the tasks; peer reads become ?.", () => {
  assertEquals(
    body(
      `parallel([() => a.verifyAudio(440), () => b.verifyAudio(440)]);\nconst n = b.peer.number;\nparallel(tasks);\n`,
    ),
    [
      `await Promise.all([async () => await a.verifyAudio(440), async () => await b.verifyAudio(440)].map((task) => task()));`,
      `const n = b.peer?.number;`,
      `await Promise.all(tasks.map((task) => task()));`,
    ].join("\n"),
  );
});

Deno.test("what needs a person is a note with its line", async (t) => {
  await t.step("a callback forEach does not wait for", () => {
    const { notes } = migrateSource(`const xs = [a, b];\nxs.forEach((x) => x.hangup());\n`);
    assertEquals(notes.map((n) => [n.line, n.level]), [[2, "todo"]]);
    assertMatch(notes[0].message, /forEach\(\) does not wait for it: use a for…of loop/);
  });
  await t.step("not when the promises go to Promise.all", () => {
    const { notes } = migrateSource(`await Promise.all(xs.map((x) => x.hangup()));\n`);
    assertEquals(notes, []);
  });
  await t.step("an await in a getter", () => {
    const { notes } = migrateSource(`class P {\n  get up() {\n    return x.register();\n  }\n}\n`);
    assertEquals(notes.map((n) => [n.line, n.level]), [[3, "todo"]]);
  });
  await t.step("respondIncoming with headers, and deflect", () => {
    const { notes } = migrateSource(
      `b.respondIncoming(603, "Decline", { "X-A": "1" });\nb.deflect(c);\n`,
    );
    assertEquals(notes.map((n) => [n.line, n.level]), [[1, "todo"], [2, "info"]]);
  });
});

Deno.test("local names win over ringo-flow's globals", () => {
  assertEquals(
    body(
      `function wait(n) { return n; }\nwait(3);\nconst file = "x";\nlog(file);\nPromise.reject(new Error("x")).catch(() => {});\n`,
    ),
    `function wait(n: any) { return n; }\nwait(3);\nconst file = "x";\nlog(file);\nPromise.reject(new Error("x")).catch(() => {});`,
  );
});

Deno.test("a file's header comment stays first, the import follows it", () => {
  const { code } = migrateSource(`// call.js: A calls B\n\nconst a = agent("A");\n`, {
    sourceName: "call.js",
  });
  assertEquals(
    code,
    `// call.js: A calls B\n\n// Migrated from call.js by \`ringo flow migrate\`.\nimport { agent } from "@ringo/flow";\n\nconst a = await agent("A");\n`,
  );
});

Deno.test("files of helpers only are recognised; relative imports are mapped", () => {
  assertEquals(migrateSource(`export function ring(a, b) { a.dial(b); }\n`).helperOnly, true);
  assertEquals(migrateSource(`export const x = 1;\nagent("A");\n`).helperOnly, false);
  const { code } = migrateSource(`import { ring } from "./lib.js";\nring(a, b);\n`, {
    mapImport: (spec) => spec === "./lib.js" ? "./_lib.ts" : spec,
  });
  assertMatch(code, /import \{ ring \} from "\.\/_lib\.ts";/);
});

Deno.test("a source that is not JavaScript is refused with its line", () => {
  throws(
    () => migrateSource(`let a = agent("A", #{ username: "x" });\n`),
    (error: unknown) => error instanceof MigrationSyntaxError && error.line === 1,
  );
});

Deno.test("async exports are reported, and imported async functions are awaited", () => {
  assertEquals(
    migrateSource(`export function ring(a) { a.dial("1"); }\nexport const n = 1;\n`).asyncExports,
    ["ring"],
  );
  assertEquals(
    body(`import { ring as r } from "./lib.js";\nr(a);\n`.replace(/^/, "")).split("\n").at(-1),
    "r(a);",
  );
  const { code } = migrateSource(`import { ring as r } from "./lib.js";\nr(a);\n`, {
    importedAsync: (spec, name) => spec === "./lib.js" && name === "ring",
  });
  assertEquals(code.trim().split("\n").at(-1), "await r(a);");
});
