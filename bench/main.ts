/**
 * `deno task bench`: prints ringo's performance figures as medians over
 * repeated runs. The engine and audio figures are measured on every baresip
 * found (the pinned builds in `.tools/`, Debian's `/usr/bin/baresip`, and
 * `RINGO_BARESIP` when set) and printed side by side; the runner's on the
 * default engine. `--runs N` sets the repetitions (default 15).
 *
 * @module
 */
import { detectBaresip, formatVersion } from "../core/mod.ts";
import { benchAudio } from "./audio.ts";
import { benchEngine } from "./engine.ts";
import { benchFlow } from "./flow.ts";
import { benchServe } from "./serve.ts";
import { type Figure, formatTable } from "./stats.ts";
import { benchTui } from "./tui.ts";

const runsFlag = Deno.args.indexOf("--runs");
const runs = runsFlag >= 0 ? Number(Deno.args[runsFlag + 1]) : 15;
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`bench: --runs takes a whole number ≥ 1, got ${Deno.args[runsFlag + 1]}`);
  Deno.exit(2);
}

console.log(
  `ringo bench — ${runs} runs each, medians; ${navigator.hardwareConcurrency} CPUs, ${Deno.build.target}`,
);
const columns: Array<{ label: string; figures: Figure[] }> = [];
for (const binary of await availableBaresips()) {
  const env = { ...Deno.env.toObject(), RINGO_BARESIP: binary };
  const label = `baresip ${formatVersion((await detectBaresip(env)).version)}`;
  console.error(`bench: engine and audio on ${label} (${binary})`);
  columns.push({
    label,
    figures: [...await benchEngine(runs, env), ...await benchAudio(runs, env)],
  });
}
console.log(formatTable(columns));
await benchFlow(runs);
await benchTui(runs);
await benchServe(runs);

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
