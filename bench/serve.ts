/**
 * `ringo flow serve` benchmarks, each beside a reference measured in the
 * same run:
 * - the dashboard's monitors page and run page in Chromium, with 10 000
 *   archived runs (reference: the same pages with 10);
 * - `GET /api/runs` latency, p50 and p99, over the 10 000 runs (newest
 *   page, one monitor's, and a status filter that has to scan);
 * - the serve process's memory after 1 000 runs (reference: before the
 *   first), runs of a scenario without agents so that the thousand fit in
 *   a couple of minutes;
 * - a scheduled run (cron fire → run archived) against the same
 *   `ringo flow run` started by hand (process start → exit).
 *
 * @module
 */
import { join } from "node:path";
import { RunArchive } from "../flow/serve/archive.ts";
import { newRunId } from "../flow/serve/run_id.ts";
import { newRunRecord, type RunStatus } from "../flow/serve/run_record.ts";
import { ringoInvocation } from "../flow/serve/ringo_command.ts";
import { launchChromium } from "../tests/browser.ts";
import { TWO_PARTY } from "./flow.ts";
import { formatRow, median, percentile, rssMb } from "./stats.ts";

/** The README's two-party call, as the runner benchmarks use it. */
const CALL = TWO_PARTY;
const NO_AGENTS = `import { expect } from "@ringo/flow";
expect(1 + 1).toBe(2);
`;

/** Runs the serve benchmarks and prints one line per figure. */
export async function benchServe(runs: number): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ringo-bench-serve-" });
  try {
    await Deno.writeTextFile(join(dir, "call.ts"), CALL);
    await Deno.writeTextFile(join(dir, "trivial.ts"), NO_AGENTS);
    await pages(dir, runs);
    await memory(dir, Number(Deno.env.get("RINGO_BENCH_SERVE_RUNS") ?? 1000));
    await scheduled(dir, Math.max(5, Math.ceil(runs / 2)));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Page loads and API latency with 10 and with 10 000 archived runs. */
async function pages(dir: string, runs: number): Promise<void> {
  const results: Record<
    number,
    { monitors: number[]; run: number[]; api: Record<string, number[]> }
  > = {};
  for (const size of [10, 10_000]) {
    const root = join(dir, `archive-${size}`);
    await Deno.mkdir(root);
    await seed(join(root, "archive"), size);
    await using serve = await startServe(
      root,
      `
[archive]
path = "archive"
keep_runs = 100000
keep_days = 3650
${["a", "b", "c"].map((m) => `[[monitor]]\nname = "${m}"\npath = "../trivial.ts"\n`).join("")}
[[monitor]]
name = "call"
path = "../call.ts"
`,
    );
    const real =
      await (await fetch(`${serve.url}/api/monitors/call/runs?wait=true`, { method: "POST" }))
        .json();
    const api: Record<string, number[]> = { newest: [], monitor: [], failed: [] };
    const paths = {
      newest: "/api/runs",
      monitor: "/api/runs?monitor=b",
      failed: "/api/runs?status=failed",
    };
    for (let i = 0; i < 200; i++) {
      for (const [name, path] of Object.entries(paths)) {
        const t0 = performance.now();
        await (await fetch(`${serve.url}${path}`)).arrayBuffer();
        api[name].push(performance.now() - t0);
      }
    }
    {
      await using chromium = await launchChromium();
      const page = await chromium.browser.newPage();
      const load = async (hash: string, selector: string) => {
        await page.goto("about:blank");
        const t0 = performance.now();
        await page.goto(`${serve.url}/${hash}`);
        await page.waitForSelector(selector, { timeout: 60_000 });
        return performance.now() - t0;
      };
      const monitors: number[] = [];
      const run: number[] = [];
      for (let i = 0; i < runs; i++) {
        monitors.push(await load("#/", 'article.card[data-monitor="c"] svg.chart'));
        run.push(await load(`#/runs/${real.id}`, "svg.ladder g.msg"));
      }
      results[size] = { monitors, run, api };
    }
  }
  for (const size of [10, 10_000]) {
    const r = results[size];
    const label = size === 10 ? "10 archived runs" : "10 000 archived runs";
    console.log(formatRow(`dashboard monitors page, ${label}`, r.monitors, "ms"));
    console.log(formatRow(`dashboard run page, ${label}`, r.run, "ms"));
  }
  for (const size of [10, 10_000]) {
    for (const [name, values] of Object.entries(results[size].api)) {
      const label = `GET /api/runs (${name}), ${size === 10 ? "10" : "10 000"} runs`;
      console.log(
        `${label.padEnd(44)} p50 ${percentile(values, 50).toFixed(2).padStart(6)} ms, p99 ${
          percentile(values, 99).toFixed(2).padStart(6)
        } ms (n=${values.length})`,
      );
    }
  }
}

/** The serve process's resident memory before any run and after `count` runs. */
async function memory(dir: string, count: number): Promise<void> {
  const root = join(dir, "memory");
  await Deno.mkdir(root);
  await using serve = await startServe(
    root,
    `
[server]
concurrency = 2
[archive]
path = "archive"
keep_runs = 200
[[monitor]]
name = "one"
path = "../trivial.ts"
[[monitor]]
name = "two"
path = "../trivial.ts"
`,
  );
  const before = rssMb(serve.pid);
  let middle = 0;
  const t0 = performance.now();
  for (let done = 0; done < count; done += 2) {
    await Promise.all(
      ["one", "two"].map((m) =>
        fetch(`${serve.url}/api/monitors/${m}/runs?wait=true`, { method: "POST" }).then((r) =>
          r.arrayBuffer()
        )
      ),
    );
    if (done + 2 === Math.min(100, count)) middle = rssMb(serve.pid);
  }
  const seconds = (performance.now() - t0) / 1000;
  const after = rssMb(serve.pid);
  console.log(formatRow("serve RSS before the first run", [before], "MB"));
  console.log(formatRow(`serve RSS after ${Math.min(100, count)} runs`, [middle], "MB"));
  console.log(formatRow(`serve RSS after ${count} runs (${seconds.toFixed(0)} s)`, [after], "MB"));
}

/** A scheduled run, cron fire to archived, against `ringo flow run` of the same file by hand. */
async function scheduled(dir: string, count: number): Promise<void> {
  const byHand: number[] = [];
  const { program, args } = ringoInvocation(["flow", "run", "--json", join(dir, "call.ts")], {
    setpriv: null,
  });
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const { code } = await new Deno.Command(program, { args, stdout: "null", stderr: "null" })
      .output();
    byHand.push(performance.now() - t0);
    if (code !== 0) throw new Error(`ringo flow run exited ${code} in the benchmark`);
  }
  const root = join(dir, "scheduled");
  await Deno.mkdir(root);
  await using serve = await startServe(
    root,
    `
[archive]
path = "archive"
[[monitor]]
name = "tick"
path = "../call.ts"
schedule = "*/2 * * * * *"
`,
  );
  // No event says "the n-th scheduled run is archived" to a client of the
  // API but /api/stream; the list is asked once a second instead, which
  // does not touch what is measured (timestamps the archive recorded).
  let finished: Array<{ id: string }> = [];
  while (finished.length < count) {
    await new Promise((r) => setTimeout(r, 1000));
    const page = await (await fetch(`${serve.url}/api/runs?monitor=tick&status=passed&limit=500`))
      .json();
    finished = page.runs;
  }
  const records = await Promise.all(
    finished.slice(0, count).map(async (r) =>
      await (await fetch(`${serve.url}/api/runs/${r.id}`)).json()
    ),
  );
  // The job fires on even seconds and queues the run then: queuedAt is the fire time.
  const totals = records.map((r) => Date.parse(r.endedAt) - Date.parse(r.queuedAt));
  console.log(formatRow("`ringo flow run` of a call, by hand", byHand, "ms"));
  console.log(formatRow("the same as a scheduled run (fire → archived)", totals, "ms"));
  console.log(
    formatRow(
      "scheduled-run overhead (median difference)",
      [median(totals) - median(byHand)],
      "ms",
    ),
  );
}

/** Writes `count` runs over four monitors straight into an archive. */
async function seed(path: string, count: number): Promise<void> {
  await using archive = await RunArchive.open(path);
  const start = Date.now() - count * 60_000;
  const statuses: RunStatus[] = [
    "passed",
    "passed",
    "passed",
    "passed",
    "failed",
    "passed",
    "timeout",
    "passed",
  ];
  for (let i = 0; i < count; i++) {
    const at = start + i * 60_000;
    const monitor = ["a", "b", "c", "call"][i % 4];
    const record = newRunRecord(newRunId(at), monitor, { kind: "schedule" });
    record.queuedAt = new Date(at).toISOString();
    record.startedAt = record.queuedAt;
    record.endedAt = new Date(at + 2500).toISOString();
    record.durationMs = 2000 + (i % 13) * 100;
    record.status = statuses[i % statuses.length];
    record.counts = {
      passed: record.status === "passed" ? 1 : 0,
      failed: record.status === "passed" ? 0 : 1,
      skipped: 0,
    };
    record.scenarios = [{
      id: "s1",
      file: "call.ts",
      name: "call",
      tags: [],
      status: record.status === "passed" ? "passed" : "failed",
      durationMs: record.durationMs - 200,
      assertions: { passed: 4, failed: record.status === "passed" ? 0 : 1 },
      agents: [
        {
          name: "A",
          aor: "sip:a@127.0.0.1",
          loopback: true,
          registration: "unregistered",
          quality: { mos: 4.3 + (i % 3) * 0.05, rtt: 1, jitter: 1, packetLoss: 0 },
        },
      ],
      sipMessages: 6,
      audio: [],
    }];
    await archive.create(record);
    await archive.update(record);
  }
}

interface Serve extends AsyncDisposable {
  url: string;
  pid: number;
}

/** `ringo flow serve` (the CLI, as a user runs it) on a free port, without auth. */
async function startServe(root: string, config: string): Promise<Serve> {
  await Deno.writeTextFile(join(root, "serve.toml"), config);
  const { program, args } = ringoInvocation(
    ["flow", "serve", join(root, "serve.toml"), "--listen", "127.0.0.1:0", "--insecure-no-auth"],
    { setpriv: null },
  );
  const child = new Deno.Command(program, { args, stdin: "null", stdout: "null", stderr: "piped" })
    .spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let url: string | undefined;
  while (!url) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`ringo flow serve did not start:\n${text}`);
    text += value;
    url = /listening on (\S+)/.exec(text)?.[1];
  }
  void (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
  return {
    url,
    pid: child.pid,
    async [Symbol.asyncDispose]() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}
