/** `--json-format ringo-flow`: each ringo event as ringo-flow's. */
import assert from "node:assert/strict";
import {
  ringoFlowNdjsonReporter,
  toRingoFlowEvent,
} from "../../../flow/report/ringo_flow_ndjson.ts";

Deno.test("ringo's events become ringo-flow's, scenarios named by name", () => {
  const lines: string[] = [];
  const reporter = ringoFlowNdjsonReporter({ write: (s) => lines.push(s) });
  reporter.handle({ type: "run-start", files: ["a.ts"], startedAt: "2026-01-01T00:00:00.000Z" });
  reporter.handle({
    type: "scenario-start",
    id: "s1",
    file: "a.ts",
    name: "A calls B",
    tags: ["x"],
  });
  reporter.handle({
    type: "assertion",
    scenarioId: "s1",
    passed: true,
    message: "ok",
    label: "A state",
  });
  reporter.handle({ type: "log", scenarioId: "s1", agent: "B", message: "ringing", level: "info" });
  reporter.handle({
    type: "scenario-end",
    id: "s1",
    file: "a.ts",
    name: "A calls B",
    status: "failed",
    durationMs: 12.6,
    error: {
      message: "B state: expected established, got ringing",
      location: { file: "a.ts", line: 7, column: 3 },
    },
  });
  reporter.handle({
    type: "run-end",
    passed: 0,
    failed: 1,
    skipped: 0,
    interrupted: false,
    durationMs: 20,
  });
  const events = lines.map((l) => {
    assert.ok(l.endsWith("\n") && !l.slice(0, -1).includes("\n"));
    const { ts, ...rest } = JSON.parse(l);
    assert.match(ts, /^\d{4}-\d\d-\d\dT/);
    return rest;
  });
  assert.deepEqual(events, [
    { event: "run_started", files: ["a.ts"] },
    { event: "scenario_started", name: "A calls B", file: "a.ts", tags: ["x"] },
    { event: "assertion", scenario: "A calls B", passed: true, message: "ok", label: "A state" },
    { event: "log", scenario: "A calls B", level: "info", message: "ringing", agent: "B" },
    {
      event: "scenario_finished",
      name: "A calls B",
      file: "a.ts",
      passed: false,
      status: "failed",
      duration_ms: 13,
      error: "B state: expected established, got ringing",
      location: "a.ts:7:3",
    },
    {
      event: "run_finished",
      passed: 0,
      failed: 1,
      skipped: 0,
      interrupted: false,
      duration_ms: 20,
      success: false,
    },
  ]);
});

Deno.test("a skipped scenario is not passed, and says why", () => {
  const e = toRingoFlowEvent({
    type: "scenario-end",
    id: "s2",
    file: "a.ts",
    name: "later",
    status: "skipped",
    durationMs: 0,
    reason: "prod only",
  }, new Map());
  assert.deepEqual([e.passed, e.status, e.reason], [false, "skipped", "prod only"]);
});
