/**
 * docs/flow/migrating-from-ringo-flow.md names every ringo-flow name that
 * `ringo flow migrate` knows (flow/migrate/names.ts) and each one's
 * `@ringo/flow` form: a name added to the tables without a row fails here.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import * as flow from "../../flow/api/mod.ts";
import {
  AGENT_METHOD_GLOBALS,
  AGENT_VERBS,
  CONSTRUCTORS,
  GLOBALS,
  MATCHERS,
  METHODS,
  MOCK_VERBS,
  PARALLEL,
  PROPERTIES,
} from "../../flow/migrate/names.ts";
import { codeWords } from "./code_words.ts";

const PAGE = new URL("../../docs/flow/migrating-from-ringo-flow.md", import.meta.url);

Deno.test("every ringo-flow name migrate knows has its row, with the name it becomes", async () => {
  const words = await codeWords(PAGE);
  const tables = [
    GLOBALS,
    CONSTRUCTORS,
    AGENT_VERBS,
    AGENT_METHOD_GLOBALS,
    MOCK_VERBS,
    METHODS,
    PROPERTIES,
    MATCHERS,
  ];
  const from = [PARALLEL, ...tables.flatMap((t) => Object.keys(t))];
  const to = tables.flatMap((t) =>
    Object.values(t).map((v) => typeof v === "string" ? v : v.to).flatMap((n) => n.split("."))
  );
  assertEquals([...new Set([...from, ...to])].filter((name) => !words.has(name)), []);
});

Deno.test("every name migrate writes is an export of @ringo/flow or a method it has", () => {
  const exports = new Set(Object.keys(flow));
  for (const [name, global] of Object.entries(GLOBALS)) {
    assertEquals(exports.has(global.to), true, `${name} → ${global.to}`);
  }
  for (const to of Object.values(CONSTRUCTORS)) assertEquals(exports.has(to), true, to);
  const agent = new Set(Object.getOwnPropertyNames(flow.Agent.prototype));
  for (const to of Object.values(AGENT_VERBS)) assertEquals(agent.has(to), true, to);
  const mock = new Set(Object.getOwnPropertyNames(flow.MockServer.prototype));
  for (const to of Object.values(MOCK_VERBS)) assertEquals(mock.has(to), true, to);
});
