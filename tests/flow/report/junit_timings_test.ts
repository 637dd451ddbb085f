import assert from "node:assert/strict";
import { join } from "node:path";
import { JunitReporter } from "../../../flow/report/junit.ts";
import {
  parseJunitTimings,
  readJunitTimings,
  TimingsError,
} from "../../../flow/report/junit_timings.ts";
import { assertRejects } from "../../assert.ts";

Deno.test("durations read back from ringo's own JUnit report, by file › name", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const junit = new JunitReporter({ path: join(dir, "shard-1.xml") });
    junit.handle({
      type: "run-start",
      files: ["flows/a & b.ts"],
      startedAt: new Date().toISOString(),
    });
    for (const [id, name, ms] of [["s1", 'say "hi" <now>', 2500], ["s2", "second", 120]] as const) {
      junit.handle({ type: "scenario-start", id, file: "flows/a & b.ts", name, tags: [] });
      junit.handle({
        type: "scenario-end",
        id,
        file: "flows/a & b.ts",
        name,
        status: "passed",
        durationMs: ms,
      });
    }
    await junit.close();
    await Deno.writeTextFile(
      join(dir, "shard-2.xml"),
      `<testsuites><testsuite name="x"><testcase classname='c.ts' name='third' time='1.5'/></testsuite></testsuites>`,
    );
    const timings = await readJunitTimings([dir]);
    assert.deepEqual([...timings].sort(), [
      ["c.ts › third", 1500],
      ['flows/a & b.ts › say "hi" <now>', 2500],
      ["flows/a & b.ts › second", 120],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a scenario listed twice keeps its longest time; other elements are ignored", () => {
  const xml =
    `<testcase name="n" classname="f.ts" time="1"/><testcase name="n" classname="f.ts" time="3">` +
    `<failure/></testcase><testcase name="no time" classname="f.ts"/>`;
  assert.deepEqual([...parseJunitTimings(xml)], [["f.ts › n", 3000]]);
});

Deno.test("timings that are missing or hold no test case fail with a sentence", async () => {
  await assertRejects(() => readJunitTimings(["/nonexistent/x.xml"]), TimingsError, "no such file");
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "empty.xml"), "<testsuites/>");
    await assertRejects(() => readJunitTimings([dir]), TimingsError, "no <testcase>");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
