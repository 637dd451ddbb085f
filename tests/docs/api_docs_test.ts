/**
 * The API reference (docs/flow/api.md) names everything `@ringo/flow`
 * exports and every public member of `Agent`: a new export without docs
 * fails here.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import * as flow from "../../flow/api/mod.ts";

const REFERENCE = new URL("../../docs/flow/api.md", import.meta.url);
const MODULE = new URL("../../flow/api/mod.ts", import.meta.url);

/** Names written as code in the page: `name`, `name(…)`, `a.name`, `name: …` (examples aside). */
async function documentedNames(): Promise<Set<string>> {
  const text = (await Deno.readTextFile(REFERENCE)).replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "");
  const names = new Set<string>();
  for (const [, code] of text.matchAll(/`([^`]+)`/g)) {
    for (const [word] of code.matchAll(/[A-Za-z_$][\w$]*/g)) names.add(word);
  }
  return names;
}

Deno.test("every export of @ringo/flow is in the API reference", async () => {
  const documented = await documentedNames();
  const source = await Deno.readTextFile(MODULE);
  const typeExports = [...source.matchAll(/\btype\s+([A-Z]\w*)/g)].map((m) => m[1]);
  const names = [...Object.keys(flow), ...typeExports];
  assertEquals(names.filter((name) => !documented.has(name)), []);
});

Deno.test("every public member of Agent is in the API reference", async () => {
  const documented = await documentedNames();
  const members = Object.getOwnPropertyNames(flow.Agent.prototype)
    .filter((name) => name !== "constructor");
  assertEquals(members.filter((name) => !documented.has(name)), []);
});
