/**
 * `deno task bench`: prints ringo's performance figures as medians over
 * repeated runs. `--runs N` sets the repetitions (default 15).
 *
 * @module
 */
import { benchAudio } from "./audio.ts";
import { benchEngine } from "./engine.ts";
import { benchFlow } from "./flow.ts";
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
await benchEngine(runs);
await benchAudio(runs);
await benchFlow(runs);
await benchTui(runs);
