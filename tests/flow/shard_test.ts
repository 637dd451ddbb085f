import assert from "node:assert/strict";
import { parseShard, ShardError, shardKey, shardOf } from "../../flow/shard.ts";
import { assertThrows } from "../assert.ts";

const suite = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ file: `flows/f${i % 7}.ts`, name: `scenario ${i}` }));

/** Which shard (1-based) each scenario's key went to. */
function owners(entries: ReturnType<typeof suite>, count: number, timings?: Map<string, number>) {
  const owner = new Map<string, number>();
  for (let index = 1; index <= count; index++) {
    for (const e of shardOf(entries, { index, count }, timings)) {
      assert.equal(owner.has(shardKey(e)), false, `${shardKey(e)} is in two shards`);
      owner.set(shardKey(e), index);
    }
  }
  return owner;
}

Deno.test("--shard takes i/n with 1 ≤ i ≤ n", () => {
  assert.deepEqual(parseShard("2/3"), { index: 2, count: 3 });
  assert.deepEqual(parseShard(" 1 / 1 "), { index: 1, count: 1 });
  for (const bad of ["0/3", "4/3", "1/0", "2", "a/b", "1/3/4", "-1/3"]) {
    assertThrows(() => parseShard(bad), ShardError, "--shard takes i/n");
  }
});

Deno.test("shards are disjoint, cover every scenario, and differ in size by one at most", () => {
  for (const [total, count] of [[1, 3], [10, 3], [37, 5], [100, 4], [240, 7]]) {
    const entries = suite(total);
    const owner = owners(entries, count);
    assert.equal(owner.size, total);
    const sizes = Array.from(
      { length: count },
      (_, i) => shardOf(entries, { index: i + 1, count }).length,
    );
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes} for ${total}/${count}`);
  }
});

Deno.test("a shard keeps the input order and does not depend on it", () => {
  const entries = suite(30);
  const shuffled = [...entries].reverse();
  for (let index = 1; index <= 3; index++) {
    const mine = shardOf(entries, { index, count: 3 });
    assert.deepEqual(mine, entries.filter((e) => mine.includes(e)));
    const names = (list: typeof entries) => list.map(shardKey).sort();
    assert.deepEqual(names(shardOf(shuffled, { index, count: 3 })), names(mine));
  }
});

Deno.test("adding a scenario moves only a few others to another shard", () => {
  const entries = suite(200);
  const before = owners(entries, 4);
  const after = owners([...entries, { file: "flows/new.ts", name: "a new scenario" }], 4);
  const moved = [...before].filter(([key, shard]) => after.get(key) !== shard).length;
  // A split by position would move about half of them.
  assert.ok(moved <= 4, `${moved} scenarios moved`);
});

Deno.test("with timings the shards take about equal time, unknown scenarios counting as the median", () => {
  const entries = suite(12);
  const timings = new Map(entries.slice(0, 10).map((e, i) => [shardKey(e), (i + 1) * 1000]));
  const owner = owners(entries, 3, timings);
  assert.equal(owner.size, 12);
  const total = [0, 0, 0];
  for (const e of entries) total[owner.get(shardKey(e))! - 1] += timings.get(shardKey(e)) ?? 5500;
  // 66 s in all: greedy longest-first keeps every shard within the longest scenario of 22 s.
  for (const t of total) assert.ok(Math.abs(t - 22_000) <= 10_000, `shard times ${total}`);
  assert.ok(Math.max(...total) - Math.min(...total) < 10_000, `shard times ${total}`);
});
