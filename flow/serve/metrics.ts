/**
 * `/metrics` in the Prometheus text format (version 0.0.4): the original
 * ringo's metric names — runs by result, the last run's success, duration
 * and time, each scenario's last success, each agent's registration and
 * call quality — plus a histogram of run durations and the queue. All of it
 * comes from the archive (counters in KV, the last runs' records), so a
 * restart loses nothing.
 *
 * @module
 */
import { DURATION_BUCKETS, type MonitorCounters } from "./archive.ts";
import { FINAL_STATUSES, type RunRecord } from "./run_record.ts";

/** What one scrape reads. */
export interface MetricsInput {
  /** Monitors of the config, in order. */
  monitors: readonly string[];
  /** The archive's counters by monitor (also monitors no longer configured). */
  counters: ReadonlyMap<string, MonitorCounters>;
  /** The last finished run of each monitor. */
  lastRuns: ReadonlyMap<string, RunRecord>;
  /** Runs waiting and running, by monitor. */
  queued: ReadonlyMap<string, number>;
  running: ReadonlyMap<string, number>;
  /** Next scheduled run of each monitor (ms since the epoch). */
  nextRuns: ReadonlyMap<string, number>;
}

/** The content type of {@link renderMetrics}' output. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * The metrics text for `input`.
 *
 * @example
 * ```ts
 * const text = renderMetrics({ monitors: ["pbx"], counters, lastRuns, queued, running, nextRuns });
 * // # HELP ringo_monitor_runs_total Runs of a monitor, by result.
 * // # TYPE ringo_monitor_runs_total counter
 * // ringo_monitor_runs_total{monitor="pbx",result="passed"} 12
 * ```
 */
export function renderMetrics(input: MetricsInput): string {
  const out = new MetricsWriter();
  const names = [...new Set([...input.monitors, ...input.counters.keys()])];

  out.family("ringo_monitor_runs_total", "counter", "Runs of a monitor, by result.");
  for (const monitor of names) {
    const runs = input.counters.get(monitor)?.runs ?? {};
    for (const result of FINAL_STATUSES) {
      const n = runs[result] ?? 0;
      if (n > 0 || result === "passed" || result === "failed") {
        out.sample("ringo_monitor_runs_total", { monitor, result }, n);
      }
    }
  }

  out.family(
    "ringo_monitor_run_duration_seconds",
    "histogram",
    "Wall time of finished runs, queue wait excluded.",
  );
  for (const monitor of names) {
    const c = input.counters.get(monitor);
    if (!c) continue;
    let cumulative = 0;
    DURATION_BUCKETS.forEach((le, i) => {
      cumulative += c.durationBuckets[i] ?? 0;
      out.sample(
        "ringo_monitor_run_duration_seconds_bucket",
        { monitor, le: String(le) },
        cumulative,
      );
    });
    cumulative += c.durationBuckets[DURATION_BUCKETS.length] ?? 0;
    out.sample("ringo_monitor_run_duration_seconds_bucket", { monitor, le: "+Inf" }, cumulative);
    out.sample("ringo_monitor_run_duration_seconds_sum", { monitor }, c.durationSumSeconds);
    out.sample("ringo_monitor_run_duration_seconds_count", { monitor }, cumulative);
  }

  const last = [...input.lastRuns.values()];
  out.family("ringo_monitor_last_success", "gauge", "1 if the monitor's last run passed, else 0.");
  for (const r of last) {
    out.sample("ringo_monitor_last_success", { monitor: r.monitor }, r.status === "passed" ? 1 : 0);
  }
  out.family(
    "ringo_monitor_last_duration_seconds",
    "gauge",
    "Wall time of the monitor's last run.",
  );
  for (const r of last) {
    if (r.durationMs !== undefined) {
      out.sample(
        "ringo_monitor_last_duration_seconds",
        { monitor: r.monitor },
        r.durationMs / 1000,
      );
    }
  }
  out.family(
    "ringo_monitor_last_run_timestamp_seconds",
    "gauge",
    "When the monitor's last run ended (Unix time).",
  );
  for (const r of last) {
    const at = Date.parse(r.endedAt ?? r.queuedAt);
    out.sample("ringo_monitor_last_run_timestamp_seconds", { monitor: r.monitor }, at / 1000);
  }
  out.family(
    "ringo_monitor_next_run_timestamp_seconds",
    "gauge",
    "When the monitor's schedule fires next (Unix time).",
  );
  for (const [monitor, at] of input.nextRuns) {
    out.sample("ringo_monitor_next_run_timestamp_seconds", { monitor }, at / 1000);
  }
  out.family("ringo_monitor_queued_runs", "gauge", "Runs of the monitor waiting in the queue.");
  out.family("ringo_monitor_running_runs", "gauge", "Runs of the monitor running now.");
  for (const monitor of input.monitors) {
    out.sample(
      "ringo_monitor_queued_runs",
      { monitor },
      input.queued.get(monitor) ?? 0,
      "ringo_monitor_queued_runs",
    );
    out.sample(
      "ringo_monitor_running_runs",
      { monitor },
      input.running.get(monitor) ?? 0,
      "ringo_monitor_running_runs",
    );
  }

  out.family(
    "ringo_scenario_last_success",
    "gauge",
    "1 if the scenario passed in its monitor's last run.",
  );
  for (const r of last) {
    for (const s of r.scenarios) {
      if (s.status === "skipped") continue;
      out.sample("ringo_scenario_last_success", {
        monitor: r.monitor,
        file: s.file,
        scenario: s.name,
      }, s.status === "passed" ? 1 : 0);
    }
  }

  out.family(
    "ringo_agent_registered",
    "gauge",
    "1 if the agent was registered when its scenario ended (agents with a registrar).",
  );
  const quality = [
    ["ringo_call_mos", "Mean opinion score of the agent's last call (E-model, 1-4.5).", "mos"],
    [
      "ringo_call_jitter_ms",
      "Jitter of the audio the agent received in its last call, in ms.",
      "jitter",
    ],
    [
      "ringo_call_packet_loss_pct",
      "Share of the packets the agent lost in its last call, in percent.",
      "packetLoss",
    ],
    ["ringo_call_rtt_ms", "Round-trip time of the agent's last call, in ms.", "rtt"],
  ] as const;
  for (const r of last) {
    for (const s of r.scenarios) {
      for (const a of s.agents) {
        if (a.loopback) continue;
        out.sample(
          "ringo_agent_registered",
          agentLabels(r, s, a.name),
          a.registration === "registered" ? 1 : 0,
          "ringo_agent_registered",
        );
      }
    }
  }
  for (const [name, help, key] of quality) {
    out.family(name, "gauge", help);
    for (const r of last) {
      for (const s of r.scenarios) {
        for (const a of s.agents) {
          if (a.quality) out.sample(name, agentLabels(r, s, a.name), a.quality[key], name);
        }
      }
    }
  }

  out.family("ringo_serve_queue_length", "gauge", "Runs waiting in the queue.");
  out.sample("ringo_serve_queue_length", {}, sum(input.queued));
  out.family("ringo_serve_running_runs", "gauge", "Runs running now.");
  out.sample("ringo_serve_running_runs", {}, sum(input.running));
  return out.text();
}

function agentLabels(r: RunRecord, s: RunRecord["scenarios"][number], agent: string) {
  return { monitor: r.monitor, file: s.file, scenario: s.name, agent };
}

function sum(map: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const v of map.values()) n += v;
  return n;
}

/** Writes families in order: each `# HELP`/`# TYPE` pair once, then its samples. */
class MetricsWriter {
  readonly #families = new Map<string, { head: string; lines: string[] }>();
  #current?: string;

  family(name: string, type: "counter" | "gauge" | "histogram", help: string): void {
    this.#families.set(name, {
      head: `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`,
      lines: [],
    });
    this.#current = name;
  }

  /** A sample of the family declared last, or of `family`. */
  sample(
    name: string,
    labels: Record<string, string>,
    value: number,
    family = this.#current!,
  ): void {
    const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
    const head = pairs.length > 0 ? `${name}{${pairs.join(",")}}` : name;
    this.#families.get(family)!.lines.push(`${head} ${formatValue(value)}\n`);
  }

  text(): string {
    return [...this.#families.values()].map((f) => f.head + [...new Set(f.lines)].join("")).join(
      "",
    );
  }
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 1e6) / 1e6);
}
