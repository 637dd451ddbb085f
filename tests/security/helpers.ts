/**
 * Helpers of the security tests: hostile scenario files run as a user
 * would run them (no `--allow-*` flag), and what each scenario's end said.
 *
 * @module
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { parseNdjson, type RunResult } from "../flow/e2e.ts";

export { parseNdjson, ringoFlow, scenarioDir } from "../flow/e2e.ts";

/** A scenario's end as `--json` reports it. */
export interface End {
  name: string;
  status: string;
  error?: { message: string };
}

/** The scenario-end events of a `--json` run, by scenario name. */
export function endsOf(run: RunResult): Map<string, End> {
  const ends = parseNdjson(run.stdout).filter((e) => e.type === "scenario-end") as unknown as End[];
  return new Map(ends.map((e) => [e.name, e]));
}

/** The failure message of scenario `name`, which must have failed. */
export function failureOf(ends: Map<string, End>, name: string): string {
  const end = ends.get(name);
  assertEquals(end?.status, "failed", `${name} should fail, got ${JSON.stringify(end)}`);
  return end!.error!.message;
}

/** Every path below `dir`, sorted (to prove nothing was written there). */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string) => {
    for (const entry of Deno.readDirSync(d)) {
      const rel = `${prefix}${entry.name}`;
      out.push(rel);
      if (entry.isDirectory) walk(`${d}/${entry.name}`, `${rel}/`);
    }
  };
  walk(dir, "");
  return out.sort();
}
