import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import {
  insideFolder,
  outputSegments,
  safeSegment,
  uniqueSegment,
} from "../../flow/output_paths.ts";

Deno.test("names become one safe folder name each, never . or ..", () => {
  assertEquals(safeSegment("A calls B"), "A-calls-B");
  assertEquals(safeSegment(".."), "_");
  assertEquals(safeSegment("."), "_");
  assertEquals(safeSegment("../../etc/passwd"), "_-..-etc-passwd");
  assertEquals(safeSegment(".hidden"), "_hidden");
  assertEquals(safeSegment(""), "_");
  assertEquals(safeSegment("/"), "_");
  const long = safeSegment("x".repeat(500));
  assertEquals(long.length, 80);
});

Deno.test("two names that give the same folder name get their own, the same name the same", () => {
  assertEquals(uniqueSegment("/t1", "a b"), "a-b");
  assertEquals(uniqueSegment("/t1", "a-b"), "a-b-2");
  assertEquals(uniqueSegment("/t1", "a b"), "a-b");
  assertEquals(uniqueSegment("/t2", "a-b"), "a-b");
  assertEquals(outputSegments("t3/call.ts", "x"), ["t3-call.ts", "x"]);
});

Deno.test("a joined path is proven to stay inside its folder", () => {
  assertEquals(insideFolder("out", ["a", "b"]), "out/a/b");
  throws(() => insideFolder("out", [".."]), /leaves out/);
  throws(() => insideFolder("out", ["a", "../.."]), /leaves out/);
  assertEquals(insideFolder("/out", ["/etc"]), "/out/etc");
});
