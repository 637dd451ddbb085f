/**
 * Small statistics for benchmarks: medians and a printable row.
 *
 * @module
 */

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One printed benchmark line: `name  median unit  (min … max, n runs)`. */
export function formatRow(name: string, values: number[], unit: string): string {
  const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(2));
  return `${name.padEnd(44)} ${fmt(median(values)).padStart(8)} ${unit.padEnd(3)} ` +
    `(min ${fmt(Math.min(...values))}, max ${fmt(Math.max(...values))}, n=${values.length})`;
}

/** Resident set size of a process in MB, from /proc (Linux only). */
export function rssMb(pid: number | "self"): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/**
 * The `p`-th percentile of `values` (nearest rank), e.g. `percentile(v, 99)`.
 */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
}
