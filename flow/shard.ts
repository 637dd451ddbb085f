/**
 * `--shard i/n`: which of the selected scenarios this machine runs, so that
 * n machines (a CI matrix) each run a disjoint share and together all.
 *
 * Every machine computes the same split from the same scenarios, with no
 * coordination:
 * - **By count** (default): each scenario, keyed by `file › name`, ranks the
 *   n shards by a hash of key and shard (rendezvous hashing) and goes to
 *   the first of them that still has room (⌊total / n⌋, one more for the
 *   first total mod n shards); the scenarios claim in the order of their
 *   own hash. The shares differ by one scenario at most, and adding or
 *   removing a scenario moves only a few others (about one per shard or
 *   less), never the whole suite.
 * - **By duration** (`--shard-timings`): with the durations of an earlier
 *   run's JUnit reports, the longest scenario goes first, each to the shard
 *   with the least time so far (ties by the same hash), so the shares end
 *   about equally long. A scenario the reports do not know counts as the
 *   median of those they do. A new or slower scenario may move others:
 *   balance wins over stability here.
 *
 * Skipped scenarios are shared out too (so merged reports list each once).
 * The split depends only on the keys (and the timings), not on their order
 * or the machine: run the same command from the same folder everywhere.
 *
 * @module
 */
import { RingoError } from "../core/errors.ts";

/** One machine's share: shard `index` (1-based) of `count`. */
export interface ShardSpec {
  index: number;
  count: number;
}

/** A `--shard` value is malformed. */
export class ShardError extends RingoError {}

/**
 * Parses `i/n` (1 ≤ i ≤ n).
 *
 * @example
 * ```ts
 * parseShard("2/3"); // { index: 2, count: 3 }
 * parseShard("0/3"); // throws ShardError
 * ```
 */
export function parseShard(text: string): ShardSpec {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new ShardError(`--shard takes i/n with 1 ≤ i ≤ n, got ${JSON.stringify(text)}`, {
      hint: "--shard 1/3 on the first of three machines, 2/3 on the second, 3/3 on the third",
    });
  }
  return { index, count };
}

/** What sharding needs to know of a scenario. */
export interface ShardEntry {
  file: string;
  name: string;
}

/**
 * The entries of shard `spec`, in their input order; `timings` (ms by
 * {@link shardKey}) balances by duration instead of count.
 *
 * @example
 * ```ts
 * const all = [{ file: "a.ts", name: "x" }, { file: "a.ts", name: "y" }, { file: "b.ts", name: "z" }];
 * const shares = [1, 2].map((index) => shardOf(all, { index, count: 2 }));
 * // disjoint, together `all`, sizes 2 and 1 (in some order)
 * ```
 */
export function shardOf<T extends ShardEntry>(
  entries: readonly T[],
  spec: ShardSpec,
  timings?: ReadonlyMap<string, number>,
): T[] {
  const owner = timings && timings.size > 0
    ? byDuration(entries, spec.count, timings)
    : byCount(entries, spec.count);
  return entries.filter((_, i) => owner[i] === spec.index - 1);
}

/**
 * The key a scenario is sharded (and timed) by: `file › name`.
 *
 * @example
 * ```ts
 * shardKey({ file: "flows/call.ts", name: "A calls B" }); // "flows/call.ts › A calls B"
 * ```
 */
export function shardKey(entry: ShardEntry): string {
  return `${entry.file} › ${entry.name}`;
}

function byCount(entries: readonly ShardEntry[], count: number): number[] {
  // Shares differ by one at most: the first (total mod n) shards take one more.
  const base = Math.floor(entries.length / count);
  const room = (s: number) => base + (s < entries.length % count ? 1 : 0);
  const load = new Array<number>(count).fill(0);
  const owner = new Array<number>(entries.length);
  for (const i of claimOrder(entries)) {
    const shard = preference(shardKey(entries[i]), count).find((s) => load[s] < room(s))!;
    owner[i] = shard;
    load[shard]++;
  }
  return owner;
}

function byDuration(
  entries: readonly ShardEntry[],
  count: number,
  timings: ReadonlyMap<string, number>,
): number[] {
  const known = entries.map((e) => timings.get(shardKey(e))).filter((t) => t !== undefined);
  const fallback = known.length > 0 ? median(known) : 1000;
  const weight = entries.map((e) => timings.get(shardKey(e)) ?? fallback);
  const hashes = entries.map((e) => hash(shardKey(e)));
  const order = entries.map((_, i) => i).sort((a, b) =>
    weight[b] - weight[a] || hashes[a] - hashes[b] ||
    compare(shardKey(entries[a]), shardKey(entries[b]))
  );
  const total = new Array<number>(count).fill(0);
  const owner = new Array<number>(entries.length);
  for (const i of order) {
    const ranked = preference(shardKey(entries[i]), count);
    let best = ranked[0];
    for (const s of ranked) if (total[s] < total[best]) best = s;
    owner[i] = best;
    total[best] += weight[i];
  }
  return owner;
}

/** Indices of `entries` in the order they claim a shard: by hash of their key. */
function claimOrder(entries: readonly ShardEntry[]): number[] {
  const keys = entries.map(shardKey);
  const hashes = keys.map(hash);
  return keys.map((_, i) => i).sort((a, b) => hashes[a] - hashes[b] || compare(keys[a], keys[b]));
}

/** Shards 0…count-1, most preferred first, for `key` (rendezvous hashing). */
function preference(key: string, count: number): number[] {
  const scores = Array.from({ length: count }, (_, s) => hash(`${key}\u0000${s}`));
  return scores.map((_, s) => s).sort((a, b) => scores[b] - scores[a] || a - b);
}

/** cyrb53: a 53-bit string hash, the same on every machine. */
function hash(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (const byte of new TextEncoder().encode(text)) {
    h1 = Math.imul(h1 ^ byte, 2654435761);
    h2 = Math.imul(h2 ^ byte, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
