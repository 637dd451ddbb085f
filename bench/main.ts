/**
 * `deno task bench`: prints ringo's performance figures as medians over
 * repeated runs. The engine and audio figures are measured on every baresip
 * found (the pinned builds in `.tools/`, Debian's `/usr/bin/baresip`, and
 * `RINGO_BARESIP` when set) and printed side by side; the rest on the
 * default engine.
 *
 * Sections, in order (`--only a,b` picks some, see `bench/options.ts`):
 * `engine` (start-up, call steps beside the bare-baresip floor, audio),
 * `flow` (runner overhead, whole CLI, until latency), `tui`, `serve`,
 * `suite` (wall time of the bundled examples with `--jobs 1` and
 * `--jobs 4`), `load` (SIPp calling through kamailio at 5, 10, 20 calls/s)
 * and `scale` (N agents and N/2 verified tone calls). `scale` takes
 * minutes, so it runs only when asked: `--scale` (N = 10, 50, 100, 200) or
 * `--scale 10,50`. `--runs N` sets the repetitions (default 15).
 *
 * @module
 */
import { detectBaresip, formatVersion } from "../core/mod.ts";
import { benchAudio } from "./audio.ts";
import { benchEngine } from "./engine.ts";
import { benchFlow } from "./flow.ts";
import { BenchUsageError, parseBenchArgs } from "./options.ts";
import { benchScale } from "./scale.ts";
import { benchServe } from "./serve.ts";
import { benchSipLoad } from "./sipp_load.ts";
import { benchSteps } from "./steps.ts";
import { type Figure, formatTable } from "./stats.ts";
import { benchSuite } from "./suite.ts";
import { benchTui } from "./tui.ts";

let options;
try {
  options = parseBenchArgs(Deno.args);
} catch (error) {
  if (!(error instanceof BenchUsageError)) throw error;
  console.error(`bench: ${error.message}`);
  Deno.exit(2);
}
const { runs, sections } = options;

console.log(
  `ringo bench — ${runs} runs each, medians; ${navigator.hardwareConcurrency} CPUs, ${Deno.build.target}; ` +
    `load average at start ${loadAverage()}`,
);
if (sections.includes("engine")) {
  const columns: Array<{ label: string; figures: Figure[] }> = [];
  for (const binary of await availableBaresips()) {
    const env = { ...Deno.env.toObject(), RINGO_BARESIP: binary };
    const label = `baresip ${formatVersion((await detectBaresip(env)).version)}`;
    console.error(`bench: engine and audio on ${label} (${binary})`);
    columns.push({
      label,
      figures: [
        ...await benchEngine(runs, env),
        ...await benchSteps(runs, env),
        ...await benchAudio(runs, env),
      ],
    });
  }
  console.log(formatTable(columns));
}
if (sections.includes("flow")) await benchFlow(runs);
if (sections.includes("tui")) await benchTui(runs);
if (sections.includes("serve")) await benchServe(runs);
if (sections.includes("suite")) await benchSuite();
if (sections.includes("load")) await benchSipLoad();
if (sections.includes("scale")) {
  const label = `baresip ${formatVersion((await detectBaresip(Deno.env.toObject())).version)}`;
  await benchScale(options.scaleSizes, label);
}
console.log(`\nload average at the end ${loadAverage()}`);

/** The 1, 5 and 15 minute load averages (other work on the machine skews every figure). */
function loadAverage(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  } catch {
    return "unknown";
  }
}

/** Every baresip binary to measure, newest first, each once. */
async function availableBaresips(): Promise<string[]> {
  const tools = new URL("../.tools/", import.meta.url).pathname;
  const found: string[] = [];
  for (const version of ["4.10.0", "3.14.0", "1.1.0"]) {
    const dir = `${tools}baresip-${version}`;
    if (await exists(`${dir}/.complete`)) found.push(`${dir}/bin/baresip`);
  }
  if (await exists("/usr/bin/baresip")) found.push("/usr/bin/baresip");
  const chosen = Deno.env.get("RINGO_BARESIP");
  if (chosen && !found.includes(chosen)) found.unshift(chosen);
  return found;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}
