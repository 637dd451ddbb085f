/**
 * Suite wall time: the bundled examples run by the CLI as a user runs them
 * (`ringo flow run … --jobs N`, a process each), with `--jobs 1` and
 * `--jobs 4`, side by side with the speed-up factor.
 *
 * The folders: `examples/loopback` and `examples/websocket` (no PBX), and
 * `examples/webhook-routing` against a kamailio test PBX that posts its
 * routing webhook (when kamailio is installed). `examples/pbx` is left out:
 * its four files register the same three accounts, and at one registrar
 * files run at once would ring each other's agents (a PBX forks a call to
 * every contact of a user), so that folder is for serial runs only.
 *
 * @module
 */
import { join } from "node:path";
import { freePort } from "../core/mod.ts";
import type { RunEvent } from "../flow/report/events.ts";
import { startPbx, TEST_USERS, type TestPbx } from "../tests/pbx/pbx.ts";
import { type Figure, formatTable } from "./stats.ts";

/** The job counts compared. */
const JOBS = [1, 4];
/** Runs of each job count (alternating, so that load drifts hit both alike). */
const ROUNDS = 2;

/** Runs the suite benchmark and prints its table. */
export async function benchSuite(): Promise<void> {
  const examples = new URL("../examples/", import.meta.url).pathname;
  const folders = ["loopback", "websocket"].map((f) => join(examples, f));
  const dir = await Deno.makeTempDir({ prefix: "ringo-bench-suite-" });
  const webhookPort = freePort();
  const pbx: TestPbx | undefined = await startPbx({
    webhookUrl: `http://127.0.0.1:${webhookPort}/route`,
  }).catch((error) => {
    console.error(`bench: suite without examples/webhook-routing: ${error.message}`);
    return undefined;
  });
  try {
    const args = ["flow", "run", "--json", ...folders];
    if (pbx) {
      const envFile = join(dir, "webhook.env");
      await Deno.writeTextFile(
        envFile,
        [
          `SIP_DOMAIN=${pbx.domain}:${pbx.port}`,
          `ALICE_PASS=${TEST_USERS.alice}`,
          `BOB_PASS=${TEST_USERS.bob}`,
          `CAROL_PASS=${TEST_USERS.carol}`,
          `WEBHOOK_PORT=${webhookPort}`,
        ].join("\n") + "\n",
      );
      args.push(join(examples, "webhook-routing"), "--env-file", envFile);
    }
    const wall = new Map(JOBS.map((j) => [j, [] as number[]]));
    let scenarios = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const jobs of JOBS) {
        const run = await timedRun([...args, "--jobs", String(jobs)]);
        wall.get(jobs)!.push(run.ms);
        scenarios = run.end.passed;
      }
    }
    const serial = wall.get(1)!;
    const columns = JOBS.map((jobs) => ({
      label: `--jobs ${jobs}`,
      figures: [
        { name: "suite wall time, whole process", values: wall.get(jobs)!, unit: "ms" },
        {
          name: "speed-up over --jobs 1",
          values: wall.get(jobs)!.map((ms, i) => serial[i] / ms),
          unit: "×",
        },
      ] as Figure[],
    }));
    const names = ["loopback", "websocket", ...(pbx ? ["webhook-routing"] : [])];
    console.log(
      `\nsuite: ringo flow run examples/{${names.join(",")}}, ${scenarios} scenarios, all passed ` +
        `(examples/pbx left out: its files share accounts at one registrar); ` +
        `speed-up = jobs 1 ÷ jobs 4, median of ${ROUNDS} runs each`,
    );
    console.log(formatTable(columns));
  } finally {
    await pbx?.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Runs `ringo <args>` as a process; throws unless every scenario passed. */
async function timedRun(
  args: string[],
): Promise<{ ms: number; end: RunEvent & { type: "run-end" } }> {
  const main = new URL("../main.ts", import.meta.url).pathname;
  const t0 = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--unstable-kv", "--unstable-worker-options", "--allow-all", main, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const ms = performance.now() - t0;
  const stdout = new TextDecoder().decode(out.stdout);
  const events = stdout.split("\n").filter((l) => l.startsWith("{")).map((l) =>
    JSON.parse(l) as RunEvent
  );
  const end = events.find((e) => e.type === "run-end") as (RunEvent & { type: "run-end" });
  if (out.code !== 0 || !end || end.failed > 0) {
    const failed = events.filter((e) => e.type === "scenario-end" && e.status === "failed");
    throw new Error(
      `the suite run (${args.slice(-2).join(" ")}) exited ${out.code}: ` +
        JSON.stringify(failed).slice(0, 2000) + new TextDecoder().decode(out.stderr).slice(-1000),
    );
  }
  return { ms, end };
}
