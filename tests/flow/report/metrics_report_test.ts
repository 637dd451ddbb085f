/**
 * Metrics in the reports: their JUnit properties, their lines in the
 * human report, and the key both name them by.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { metricKey, type RunEvent } from "../../../flow/report/events.ts";
import { HumanReporter } from "../../../flow/report/human.ts";
import { JunitReporter } from "../../../flow/report/junit.ts";

const events: RunEvent[] = [
  { type: "run-start", files: ["call.ts"], startedAt: "2026-11-24T18:28:13.000Z" },
  { type: "scenario-start", id: "s1", file: "call.ts", name: "A calls B", tags: [] },
  { type: "metric", scenarioId: "s1", name: "webhook", value: 12.5, unit: "ms" },
  {
    type: "metric",
    scenarioId: "s1",
    agent: "A",
    call: 1,
    name: "setup_time",
    value: 21,
    unit: "ms",
  },
  { type: "metric", scenarioId: "s1", agent: "A", call: 1, name: "mos", value: 4.41 },
  {
    type: "metric",
    scenarioId: "s1",
    agent: "B",
    call: 1,
    name: "packet_loss",
    value: 0,
    unit: "%",
  },
  {
    type: "scenario-end",
    id: "s1",
    file: "call.ts",
    name: "A calls B",
    status: "passed",
    durationMs: 1234,
  },
  { type: "run-end", passed: 1, failed: 0, skipped: 0, interrupted: false, durationMs: 1300 },
];

Deno.test("a metric's key names its agent, call and unit", () => {
  const keys = events.filter((e) => e.type === "metric").map((e) => metricKey(e as never));
  assert.deepEqual(keys, [
    "webhook_ms",
    "A.call1.setup_time_ms",
    "A.call1.mos",
    "B.call1.packet_loss_pct",
  ]);
});

Deno.test("JUnit carries a scenario's metrics as properties of its test case", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const junit = new JunitReporter({ path: join(dir, "flow.xml") });
    for (const e of events) junit.handle(e);
    const xml = junit.toXml();
    assert.match(
      xml,
      /<testcase name="A calls B"[^>]*>\n {6}<properties>\n {8}<property name="webhook_ms" value="12.5"\/>\n {8}<property name="A.call1.setup_time_ms" value="21"\/>\n {8}<property name="A.call1.mos" value="4.41"\/>\n {8}<property name="B.call1.packet_loss_pct" value="0"\/>\n {6}<\/properties>\n {4}<\/testcase>/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the human report prints metrics under their scenario, one line per agent", () => {
  let out = "";
  const human = new HumanReporter({ write: (s) => (out += s), color: false });
  for (const e of events) human.handle(e);
  assert.match(
    out,
    /✓ call\.ts › A calls B \(1\.23s\)\n {4}metrics: webhook 12\.5 ms\n {4}A: call 1 setup_time 21 ms, call 1 mos 4\.41\n {4}B: call 1 packet_loss 0%\n/,
  );
});
