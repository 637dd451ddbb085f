import assert from "node:assert/strict";
import { formatNdjsonLine, ndjsonReporter } from "../../../flow/report/ndjson.ts";
import type { RunEvent } from "../../../flow/report/events.ts";

const events: RunEvent[] = [
  { type: "run-start", files: ["call.ts"], startedAt: "2026-11-24T18:28:13.000Z" },
  { type: "scenario-start", id: "s1", file: "call.ts", name: "A calls B", tags: ["smoke"] },
  {
    type: "assertion",
    scenarioId: "s1",
    passed: false,
    message: "A state: expected established, got ringing",
  },
  {
    type: "log",
    scenarioId: "s1",
    agent: "A",
    message: "line one\nline two\u2028three",
    level: "warn",
  },
  {
    type: "scenario-end",
    id: "s1",
    file: "call.ts",
    name: "A calls B",
    status: "failed",
    durationMs: 12.5,
    error: { message: "boom", location: { file: "call.ts", line: 3 } },
    logs: { A: "x\ny\n" },
  },
  { type: "run-end", passed: 0, failed: 1, skipped: 0, interrupted: false, durationMs: 20 },
];

Deno.test("the NDJSON reporter writes each event as one JSON line", async (t) => {
  const chunks: string[] = [];
  const reporter = ndjsonReporter({ write: (s) => chunks.push(s) });
  for (const event of events) reporter.handle(event);
  const text = chunks.join("");

  await t.step("one write per event, each ending in a newline", () => {
    assert.equal(chunks.length, events.length);
    for (const chunk of chunks) {
      assert.ok(chunk.endsWith("\n") && chunk.indexOf("\n") === chunk.length - 1);
    }
  });
  await t.step("splitting on newlines gives the events back", () => {
    const lines = text.split("\n");
    assert.equal(lines.pop(), "");
    assert.deepEqual(lines.map((line) => JSON.parse(line)), events);
  });
  await t.step("line separators inside strings are escaped", () => {
    assert.doesNotMatch(text, /[\u2028\u2029]/);
    assert.match(formatNdjsonLine(events[3]), /line two\\u2028three/);
  });
  await t.step("the type comes first, for readers that peek", () => {
    assert.ok(chunks.every((c) => c.startsWith('{"type":"')));
  });
  await t.step("ndjson has nothing to flush", () => {
    assert.equal(reporter.close, undefined);
  });
});
