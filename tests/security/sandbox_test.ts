/**
 * Hostile scenarios against the sandbox, one per attempt, run with no
 * `--allow-*` flag: each is refused in ringo's words (naming ringo's flag
 * where there is one), and nothing is written, read or sent.
 */
import { deepStrictEqual as assertEquals, match as assertMatch, ok } from "node:assert/strict";
import { endsOf, failureOf, listTree, parseNdjson, ringoFlow, scenarioDir } from "./helpers.ts";

const HOSTILE = `import { expect, scenario } from "@ringo/flow";
const g = globalThis as Record<string, unknown>;

scenario("CacheStorage is not there to write to", () => {
  expect(typeof g.caches).toBe("undefined");
  expect(typeof g.CacheStorage).toBe("undefined");
  expect(typeof g.Cache).toBe("undefined");
});
scenario("localStorage and indexedDB are not there", () => {
  expect(typeof g.localStorage).toBe("undefined");
  expect(typeof g.sessionStorage).toBe("undefined");
  expect(typeof g.indexedDB).toBe("undefined");
});
scenario("Deno KV is refused", async () => {
  await (Deno as unknown as { openKv(): Promise<unknown> }).openKv();
});
scenario("BroadcastChannel cannot reach other scenarios", () => {
  expect(typeof g.BroadcastChannel).toBe("undefined");
});
scenario("a nested Worker cannot be started", () => {
  expect(typeof g.Worker).toBe("undefined");
});
scenario("node:worker_threads is refused", async () => {
  const name = "node:worker_" + "threads";
  await import(name);
});
scenario("node:module cannot add a resolve hook of its own", async () => {
  const name = "node:mod" + "ule";
  await import(name);
});
scenario("process.getBuiltinModule is not there", () => {
  const p = g.process as Record<string, unknown>;
  expect(typeof p.getBuiltinModule).toBe("undefined");
  expect(typeof g.require).toBe("undefined");
});
scenario("an npm import is refused", async () => {
  const name = "npm:" + "ringo-security-probe-nonexistent";
  await import(name);
});
scenario("a jsr import is refused", async () => {
  const name = "jsr:" + "@std/assert";
  await import(name);
});
scenario("an http import is refused", async () => {
  const url = "http://127.0.0.1:" + "9/evil.ts";
  await import(url);
});
scenario("a data: module cannot import npm either", async () => {
  const code = 'import "npm:ringo-security-probe-nonexistent";';
  await import("data:text/javascript," + encodeURIComponent(code));
});
scenario("node:child_process is refused in ringo's words", async () => {
  const name = "node:child_" + "process";
  await import(name);
});
scenario("Deno.Command is refused", () => {
  new Deno.Command("id").outputSync();
});
scenario("Deno.chdir is refused", () => {
  Deno.chdir("/");
});
scenario("Deno's internals are not there", () => {
  const deno = Deno as unknown as Record<symbol, unknown> & { internal: symbol };
  expect(typeof deno[deno.internal]).toBe("undefined");
});
scenario("ringo's stdout cannot be written directly", () => {
  expect(typeof (Deno as unknown as Record<string, unknown>).stdout).toBe("undefined");
});
scenario("console output is a log line, never a report line", () => {
  console.log(JSON.stringify({ type: "run-end", passed: 99, failed: 0 }));
});
scenario("a forged message cannot be posted to the host", () => {
  const post = g.postMessage as ((m: unknown) => void) | undefined;
  expect(typeof post).toBe("undefined");
});
scenario("a file outside the folder cannot be read", async () => {
  await Deno.readTextFile("/etc/passwd");
});
scenario("a file cannot be written", async () => {
  await Deno.writeTextFile(new URL("./escaped.txt", import.meta.url), "x");
});
scenario("the network is closed", async () => {
  await fetch("http://127.0.0.1:59999/");
});
scenario("the environment is closed", () => {
  Deno.env.get("HOME");
});
scenario("system information is closed", () => {
  Deno.hostname();
});
`;

Deno.test("hostile scenarios are refused in ringo's words and write nothing", async () => {
  await using dir = await scenarioDir({ "hostile.ts": HOSTILE });
  const before = listTree(dir.path);
  const run = await ringoFlow(["run", dir.path, "--json"]);
  assertEquals(run.code, 1, run.stderr);
  const ends = endsOf(run);
  const passes = [
    "CacheStorage is not there to write to",
    "localStorage and indexedDB are not there",
    "BroadcastChannel cannot reach other scenarios",
    "a nested Worker cannot be started",
    "process.getBuiltinModule is not there",
    "Deno's internals are not there",
    "ringo's stdout cannot be written directly",
    "console output is a log line, never a report line",
    "a forged message cannot be posted to the host",
  ];
  for (const name of passes) assertEquals(ends.get(name)?.status, "passed", name);
  assertMatch(
    failureOf(ends, "Deno KV is refused"),
    /Deno\.openKv\(\) is not available: scenarios may not write/,
  );
  assertMatch(
    failureOf(ends, "node:worker_threads is refused"),
    /^import "node:worker_threads" refused: scenarios may not start threads/,
  );
  assertMatch(
    failureOf(ends, "node:module cannot add a resolve hook of its own"),
    /^import "node:module" refused/,
  );
  assertMatch(
    failureOf(ends, "an npm import is refused"),
    /^import "npm:ringo-security-probe-nonexistent" refused: .*`ringo flow run --allow-import=npm:ringo-security-probe-nonexistent`/,
  );
  assertMatch(
    failureOf(ends, "a jsr import is refused"),
    /^import "jsr:@std\/assert" refused: .*--allow-import=jsr:@std\/assert/,
  );
  assertMatch(
    failureOf(ends, "an http import is refused"),
    /^import "http:\/\/127\.0\.0\.1:9\/evil\.ts" refused: .*--allow-import=127\.0\.0\.1:9/,
  );
  assertMatch(
    failureOf(ends, "a data: module cannot import npm either"),
    /^import of a data: module refused/,
  );
  assertMatch(
    failureOf(ends, "node:child_process is refused in ringo's words"),
    /^import "node:child_process" refused: scenarios may not run programs/,
  );
  assertMatch(failureOf(ends, "Deno.Command is refused"), /scenarios may not run programs/);
  assertMatch(failureOf(ends, "Deno.chdir is refused"), /may not change ringo's working folder/);
  assertMatch(
    failureOf(ends, "a file outside the folder cannot be read"),
    /--allow-read=\/etc\/passwd/,
  );
  assertMatch(failureOf(ends, "a file cannot be written"), /scenarios may not write files/);
  assertMatch(failureOf(ends, "the network is closed"), /--allow-net=127\.0\.0\.1:59999/);
  assertMatch(failureOf(ends, "the environment is closed"), /env\("HOME"\)/);
  assertMatch(failureOf(ends, "system information is closed"), /may not read system information/);
  // Nothing was downloaded, nothing written beside the scenario, no forged line on stdout.
  ok(!/Download/.test(run.stderr), run.stderr);
  assertEquals(listTree(dir.path), before);
  const events = parseNdjson(run.stdout);
  assertEquals(events.filter((e) => e.type === "run-end").length, 1);
  ok(
    events.some((e) => e.type === "log" && String(e.message).includes('"passed":99')),
    "the console line is there, as a log event's message",
  );
});

Deno.test("a static npm or URL import is refused before anything downloads it", async () => {
  await using dir = await scenarioDir({
    "npm.ts":
      `import { log } from "@ringo/flow";\nimport pad from "npm:ringo-security-probe-nonexistent";\nlog(pad);\n`,
  });
  const run = await ringoFlow(["run", dir.path]);
  assertEquals(run.code, 2, run.stdout + run.stderr);
  assertMatch(run.stderr, /scenarios may not import npm packages unless granted/);
  ok(!/Download/.test(run.stderr), run.stderr);
  ok(!/running 1 scenario/.test(run.stdout), "no scenario ran");
});

Deno.test("--allow-import lets exactly the granted package through the import guard", async () => {
  const { refusal } = await import("../../flow/sandbox/imports.ts");
  const policy = { ringo: ["file:///ringo/flow/"], granted: ["npm:zod", "esm.sh"] };
  assertEquals(refusal("npm:zod@4", policy), undefined);
  assertEquals(refusal("npm:zod/mini", policy), undefined);
  assertMatch(refusal("npm:zodiac", policy)!, /refused/);
  assertEquals(refusal("https://esm.sh/x", policy, "https://esm.sh/x"), undefined);
  assertMatch(
    refusal("https://evil.example/x", policy, "https://evil.example/x")!,
    /evil\.example:443/,
  );
  assertEquals(refusal("./helper.ts", policy, "file:///flows/helper.ts"), undefined);
  assertEquals(refusal("node:path", policy), undefined);
});
