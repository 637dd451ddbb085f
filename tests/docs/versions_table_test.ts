/**
 * README's "needs baresip ≥" table is the engine's capability table: a row
 * changed on one side only fails here.
 */
import { assertEquals } from "../assert.ts";
import { FEATURES, formatVersion } from "../../core/mod.ts";

const README = new URL("../../README.md", import.meta.url);

Deno.test("README's baresip versions table lists exactly the capability table's rows", async () => {
  const text = await Deno.readTextFile(README);
  const start = text.indexOf("## baresip versions");
  const section = text.slice(start, text.indexOf("\n## ", start + 1));
  const table = section.split("\n")
    .filter((line) => line.startsWith("|"))
    .slice(2) // header and separator
    .map((line) => line.split("|").slice(1, -1).map((cell) => cell.trim()));
  const expected = Object.values(FEATURES).map((f) => [
    f.description,
    f.api,
    `≥ ${formatVersion(f.since)}`,
  ]);
  assertEquals(table, expected);
});
