/**
 * The API reference (docs/flow/api.md) names everything `@ringo/flow`
 * exports and every public member of `Agent`: a new export without docs
 * fails here.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import * as flow from "../../flow/api/mod.ts";
import { codeWords } from "./code_words.ts";

const REFERENCE = new URL("../../docs/flow/api.md", import.meta.url);
const MODULE = new URL("../../flow/api/mod.ts", import.meta.url);

Deno.test("every export of @ringo/flow is in the API reference", async () => {
  const documented = await codeWords(REFERENCE);
  const source = await Deno.readTextFile(MODULE);
  const typeExports = [...source.matchAll(/\btype\s+([A-Z]\w*)/g)].map((m) => m[1]);
  const names = [...Object.keys(flow), ...typeExports];
  assertEquals(names.filter((name) => !documented.has(name)), []);
});

Deno.test("every public member of Agent is in the API reference", async () => {
  const documented = await codeWords(REFERENCE);
  const members = Object.getOwnPropertyNames(flow.Agent.prototype)
    .filter((name) => name !== "constructor");
  assertEquals(members.filter((name) => !documented.has(name)), []);
});
