import assert from "node:assert/strict";
import type { ListedFile, PlannedScenario } from "../../flow/listing.ts";
import { JobsError, parseJobs, planUnits } from "../../flow/schedule.ts";
import type { Selected } from "../../flow/select.ts";
import { assertThrows } from "../assert.ts";

function file(name: string, plain = false): ListedFile {
  return { path: `/flows/${name}`, file: name, root: "/flows", plain, scenarios: [] };
}

function run(source: ListedFile, name: string, extra: Partial<PlannedScenario> = {}) {
  return {
    status: "run",
    scenario: { source, index: 0, file: source.file, name, tags: [], ...extra },
  } as Selected<PlannedScenario>;
}

const a = file("a.ts");
const b = file("b.ts", true);
const c = file("c.ts");
const selected: Selected<PlannedScenario>[] = [
  run(a, "a1"),
  run(a, "a2", { concurrent: true }),
  run(a, "a3", { concurrent: true }),
  run(b, "b"),
  {
    status: "skip",
    reason: "later",
    scenario: { source: c, index: 0, file: "c.ts", name: "c1", tags: [] },
  },
];

const shape = (units: ReturnType<typeof planUnits>) =>
  units.map((u) =>
    `${u.scenarios.map((s) => `${s.id}:${s.scenario.name}`).join(",")}${
      u.needsSandbox ? "" : " (no sandbox)"
    }`
  );

Deno.test("ids follow the serial order, and one job keeps a file's scenarios in one unit", () => {
  assert.deepEqual(shape(planUnits(selected, { jobs: 1 })), [
    "s1:a1,s2:a2,s3:a3",
    "s4:b",
    "s5:c1 (no sandbox)",
  ]);
});

Deno.test("with several jobs each concurrent scenario is a unit of its own", () => {
  assert.deepEqual(shape(planUnits(selected, { jobs: 3 })), [
    "s1:a1",
    "s2:a2",
    "s3:a3",
    "s4:b",
    "s5:c1 (no sandbox)",
  ]);
});

Deno.test("--jobs takes a whole number ≥ 1, or auto for the CPUs", () => {
  assert.equal(parseJobs("4"), 4);
  assert.equal(parseJobs(2), 2);
  assert.equal(parseJobs("auto"), navigator.hardwareConcurrency);
  for (const bad of ["0", "-1", "1.5", "two", ""]) {
    assertThrows(() => parseJobs(bad), JobsError, "--jobs takes a whole number");
  }
});
