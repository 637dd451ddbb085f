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

/** One measured figure: repeated values of one quantity. */
export interface Figure {
  name: string;
  values: number[];
  unit: string;
}

/** Formats a number the way every bench table does (3 significant digits or so). */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return "–";
  return v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(2);
}

/**
 * A table of medians: one row per figure name, one column per label (e.g.
 * a baresip version), in the order first seen.
 *
 * @example
 * ```ts
 * console.log(formatTable([{ label: "4.10.0", figures: [{ name: "start", values: [7, 8], unit: "ms" }] }]));
 * ```
 */
export function formatTable(columns: Array<{ label: string; figures: Figure[] }>): string {
  const names: string[] = [];
  const units = new Map<string, string>();
  for (const c of columns) {
    for (const f of c.figures) {
      if (!names.includes(f.name)) names.push(f.name);
      units.set(f.name, f.unit);
    }
  }
  const width = Math.max(...names.map((n) => n.length + (units.get(n)?.length ?? 0) + 3), 10);
  // Each column as wide as its label (two spaces before it) or a number, whichever is wider.
  const columnWidth = Math.max(12, ...columns.map((c) => c.label.length + 2));
  const head = "".padEnd(width) + columns.map((c) => c.label.padStart(columnWidth)).join("");
  const rows = names.map((name) =>
    `${name} (${units.get(name)})`.padEnd(width) +
    columns.map((c) => {
      const f = c.figures.find((x) => x.name === name);
      return (f ? formatNumber(median(f.values)) : "–").padStart(columnWidth);
    }).join("")
  );
  return [head, ...rows].join("\n");
}

/** One printed benchmark line: `name  median unit  (min … max, n runs)`. */
export function formatRow(name: string, values: number[], unit: string): string {
  const fmt = formatNumber;
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

/** CPU time (user + system) a process has used so far, in seconds (Linux only). */
export function cpuSeconds(pid: number | "self"): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;

/** The pids of this process's baresip children (Linux only). */
export function baresipChildren(): number[] {
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (comm === "baresip" && ppid === Deno.pid) pids.push(Number(entry.name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * Measures CPU use between `start()` and `stop()`: of this process and of
 * the given pids, as a share of one core (100 = one core busy).
 *
 * @example
 * ```ts
 * const cpu = cpuMeter(baresipChildren());
 * await work();
 * const { selfPct, childrenPct } = cpu.stop();
 * ```
 */
export function cpuMeter(pids: number[]): { stop(): { selfPct: number; childrenPct: number } } {
  const readAll = () =>
    pids.map((pid) => {
      try {
        return cpuSeconds(pid);
      } catch {
        return 0;
      }
    });
  const self0 = cpuSeconds("self");
  const children0 = readAll();
  const t0 = performance.now();
  return {
    stop() {
      const wall = (performance.now() - t0) / 1000;
      const self = cpuSeconds("self") - self0;
      const children = readAll().reduce((sum, s, i) => sum + Math.max(0, s - children0[i]), 0);
      return { selfPct: (100 * self) / wall, childrenPct: (100 * children) / wall };
    },
  };
}
