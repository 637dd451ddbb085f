import assert from "node:assert/strict";
import { join } from "node:path";
import { parseNdjson, ringoFlow, scenarioDir } from "./e2e.ts";

/** Files without agents: a pass, a failure, a skip, a plain script, setup/teardown. */
const SUITE = {
  "a.ts": `import { expect, log, scenario } from "@ringo/flow";
scenario("passes", () => { log("a passes"); expect(1).toBe(1); });
scenario("fails", () => { log("a is about to fail"); expect(2).toBe(3); });
scenario("is skipped", { skip: "not today" }, () => {});
`,
  "b.ts": `import { expect, log } from "@ringo/flow";
log("b is a plain script");
expect("b").toBe("b");
`,
  "c.ts": `import { expect, log, scenario, setup, teardown } from "@ringo/flow";
setup(() => ({ n: 41 }));
teardown(({ n }: { n: number }) => log("teardown saw " + n));
scenario("uses the context", ({ n }: { n: number }) => expect(n + 1).toBe(42));
scenario.each([1, 2])("row $0", (row: number) => expect(row).toBeGreaterThan(0));
`,
  "d.ts": `import { expect, scenario } from "@ringo/flow";
scenario("d one", () => expect(true).toBe(true));
scenario("d two", () => expect(true).toBe(true));
`,
};

type Event = Record<string, unknown>;
const ends = (events: Event[]) =>
  events.filter((e) => e.type === "scenario-end").map((e) =>
    `${e.id} ${e.file} › ${e.name}: ${e.status}`
  )
    .sort();

/** The JUnit text without what differs between runs (times, timestamps, the temp folder). */
function stable(xml: string, dir: string): string {
  return xml.replaceAll(dir, "DIR").replace(/ (time|timestamp)="[^"]*"/g, "");
}

Deno.test("ringo flow run --jobs", async (t) => {
  await using dir = await scenarioDir(SUITE);
  const serialXml = join(dir.path, "serial.xml");
  const parallelXml = join(dir.path, "parallel.xml");
  const serial = await ringoFlow([
    "run",
    "--json",
    "--no-typecheck",
    "--junit",
    serialXml,
    dir.path,
  ]);
  const parallel = await ringoFlow([
    "run",
    "--json",
    "--no-typecheck",
    "--jobs",
    "4",
    "--junit",
    parallelXml,
    dir.path,
  ]);

  await t.step("reports the same scenarios, verdicts, ids and JUnit as a serial run", async () => {
    assert.equal(serial.code, 1, serial.stderr);
    assert.equal(parallel.code, 1, parallel.stderr);
    const serialEvents = parseNdjson(serial.stdout);
    const parallelEvents = parseNdjson(parallel.stdout);
    assert.equal(ends(serialEvents).length, 9);
    assert.deepEqual(ends(parallelEvents), ends(serialEvents));
    assert.deepEqual(
      { ...parallelEvents.at(-1), durationMs: 0 },
      { ...serialEvents.at(-1), durationMs: 0 },
    );
    assert.equal(
      stable(await Deno.readTextFile(parallelXml), dir.path),
      stable(await Deno.readTextFile(serialXml), dir.path),
    );
  });

  await t.step("keeps each scenario's events in order, run-start first and run-end last", () => {
    const events = parseNdjson(parallel.stdout);
    assert.equal(events[0].type, "run-start");
    assert.equal(events[0].jobs, 4);
    assert.equal(events.at(-1)!.type, "run-end");
    const started = new Set<string>();
    const ended = new Set<string>();
    for (const e of events.slice(1, -1)) {
      const id = String(
        e.type === "scenario-start" || e.type === "scenario-end" ? e.id : e.scenarioId,
      );
      if (e.type === "scenario-start") {
        assert.equal(started.has(id), false, `${id} started twice`);
        started.add(id);
      } else {
        assert.ok(started.has(id) && !ended.has(id), `${e.type} of ${id} outside its scenario`);
        if (e.type === "scenario-end") ended.add(id);
      }
    }
    assert.deepEqual([...ended].sort(), [...started].sort());
  });

  await t.step("prints each scenario's block whole when it ends", async () => {
    const human = await ringoFlow(["run", "--no-typecheck", "--jobs", "4", dir.path]);
    assert.equal(human.code, 1);
    const lines = human.stdout.split("\n");
    assert.match(lines[0], /running 4 scenario files, 4 at a time/);
    const failed = lines.findIndex((l) => l.startsWith("✗") && l.includes("a.ts › fails"));
    assert.ok(failed > 0, human.stdout);
    const block = [];
    for (let i = failed + 1; i < lines.length && lines[i].startsWith(" "); i++) {
      block.push(lines[i]);
    }
    assert.ok(block.some((l) => l.includes("expected")), block.join("\n"));
    assert.ok(block.some((l) => l.includes("a is about to fail")), block.join("\n"));
    assert.equal(lines.filter((l) => l.includes("a is about to fail")).length, 1);
    assert.equal(lines.filter((l) => l !== "").at(-1), "7 passed, 1 failed, 1 skipped");
  });

  await t.step("--bail starts no scenario after the first failure", async () => {
    const bailed = await ringoFlow([
      "run",
      "--json",
      "--no-typecheck",
      "--jobs",
      "2",
      "--bail",
      dir.path,
    ]);
    assert.equal(bailed.code, 1);
    const events = parseNdjson(bailed.stdout);
    const failedAt = events.findIndex((e) => e.type === "scenario-end" && e.status === "failed");
    assert.ok(failedAt > 0);
    assert.equal(events.slice(failedAt).some((e) => e.type === "scenario-start"), false);
    assert.equal(events.at(-1)!.interrupted, true);
  });
});

Deno.test("concurrent scenarios share their file's sandbox with one job and get their own with more", async () => {
  await using dir = await scenarioDir({
    "counter.ts": `import { concurrent, log, scenario } from "@ringo/flow";
concurrent();
let runs = 0;
scenario("first", () => log("runs " + ++runs));
scenario("second", () => log("runs " + ++runs));
scenario("third", () => log("runs " + ++runs));
`,
  });
  const counts = async (jobs: string) => {
    const run = await ringoFlow(["run", "--json", "--no-typecheck", "--jobs", jobs, dir.path]);
    assert.equal(run.code, 0, run.stderr);
    return parseNdjson(run.stdout).filter((e) => e.type === "log").map((e) => e.message).sort();
  };
  assert.deepEqual(await counts("1"), ["runs 1", "runs 2", "runs 3"]);
  assert.deepEqual(await counts("3"), ["runs 1", "runs 1", "runs 1"]);
});

Deno.test("--shard i/n: the shards of a folder are disjoint and cover it", async (t) => {
  await using dir = await scenarioDir(SUITE);
  const junit = join(dir.path, "timings.xml");
  const run = async (args: string[]) => {
    const result = await ringoFlow(["run", "--json", "--no-typecheck", ...args, dir.path]);
    assert.ok(result.code === 0 || result.code === 1, result.stderr);
    const events = parseNdjson(result.stdout);
    return {
      start: events[0],
      names: events.filter((e) => e.type === "scenario-end").map((e) => `${e.file} › ${e.name}`),
    };
  };
  const all = (await run(["--junit", junit])).names.sort();

  for (const [count, extra] of [[3, []], [2, ["--shard-timings", junit]]] as const) {
    await t.step(`${count} shards ${extra.length ? "by duration" : "by count"}`, async () => {
      const shards = [];
      for (let i = 1; i <= count; i++) {
        shards.push(await run(["--shard", `${i}/${count}`, ...extra]));
      }
      const union = shards.flatMap((s) => s.names);
      assert.deepEqual([...union].sort(), all);
      assert.equal(new Set(union).size, union.length);
      assert.deepEqual(shards[1].start.shard, {
        index: 2,
        count,
        scenarios: shards[1].names.length,
        of: all.length,
      });
    });
  }

  await t.step("an empty shard passes, and bad values fail with exit code 2", async () => {
    const empty = await ringoFlow([
      "run",
      "--no-typecheck",
      "--shard",
      "9/9",
      join(dir.path, "b.ts"),
    ]);
    assert.equal(empty.code, 0, empty.stdout + empty.stderr);
    assert.match(empty.stdout, /shard 9\/9: 0 of 1 scenario/);
    const bad = await ringoFlow(["run", "--shard", "4/3", dir.path]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--shard takes i\/n with 1 ≤ i ≤ n, got "4\/3"/);
    const alone = await ringoFlow(["run", "--shard-timings", junit, dir.path]);
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /--shard-timings balances shards: give --shard i\/n too/);
    const jobs = await ringoFlow(["run", "--jobs", "0", dir.path]);
    assert.equal(jobs.code, 2);
    assert.match(jobs.stderr, /--jobs takes a whole number ≥ 1 or auto, got "0"/);
  });
});
