/** The bench's command line: sections, `--scale` sizes, `--runs`. */
import { assertEquals, assertMatch, assertThrows } from "../assert.ts";
import {
  BenchUsageError,
  DEFAULT_SCALE_SIZES,
  parseBenchArgs,
  SECTIONS,
} from "../../bench/options.ts";

const QUICK = SECTIONS.filter((s) => s !== "scale");

Deno.test("a plain bench runs every section but scale, 15 runs each", () => {
  assertEquals(parseBenchArgs([]), { runs: 15, sections: QUICK, scaleSizes: [] });
});

Deno.test("--scale adds the scale section at the default sizes", () => {
  assertEquals(parseBenchArgs(["--scale"]).sections, [...QUICK, "scale"]);
  assertEquals(parseBenchArgs(["--scale"]).scaleSizes, DEFAULT_SCALE_SIZES);
  assertEquals(parseBenchArgs(["--scale", "--runs", "3"]).scaleSizes, DEFAULT_SCALE_SIZES);
});

Deno.test("--scale takes chosen sizes, separate or after =", () => {
  assertEquals(parseBenchArgs(["--scale", "10,50"]).scaleSizes, [10, 50]);
  assertEquals(parseBenchArgs(["--scale=200"]).scaleSizes, [200]);
});

Deno.test("--only picks sections in the bench's order; --only scale implies --scale", () => {
  assertEquals(parseBenchArgs(["--only", "load,suite"]).sections, ["suite", "load"]);
  assertEquals(parseBenchArgs(["--only", "scale"]), {
    runs: 15,
    sections: ["scale"],
    scaleSizes: DEFAULT_SCALE_SIZES,
  });
  assertEquals(parseBenchArgs(["--only=scale", "--scale", "10"]).scaleSizes, [10]);
});

Deno.test("bad bench arguments are one sentence each", () => {
  const cases: Array<[string[], RegExp]> = [
    [["--runs", "0"], /--runs takes a whole number ≥ 1, got 0/],
    [["--runs"], /got nothing/],
    [["--scale=10,15"], /even agent counts ≥ 2 .*got 15/],
    [["--scale=10,,20"], /got an empty size/],
    [["--only", "engine,nope"], /no section nope/],
    [["--fast"], /unknown option --fast/],
  ];
  for (const [args, message] of cases) {
    assertMatch(assertThrows(() => parseBenchArgs(args), BenchUsageError).message, message);
  }
});
