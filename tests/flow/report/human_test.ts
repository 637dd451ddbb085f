import assert from "node:assert/strict";
import { HumanReporter, type HumanReporterOptions } from "../../../flow/report/human.ts";
import type { RunEvent } from "../../../flow/report/events.ts";

const run: RunEvent[] = [
  { type: "run-start", files: ["call.ts", "dtmf.ts"], startedAt: "2026-11-24T18:28:13.000Z" },
  { type: "scenario-start", id: "s1", file: "call.ts", name: "A calls B", tags: ["smoke"] },
  { type: "scenario-start", id: "s2", file: "call.ts", name: "B is busy", tags: [] },
  {
    type: "assertion",
    scenarioId: "s1",
    passed: true,
    message: "A state is established",
    label: "A state",
  },
  { type: "log", scenarioId: "s2", message: "dialling B", level: "info" },
  {
    type: "assertion",
    scenarioId: "s2",
    passed: false,
    message: "B state: expected busy, got ringing",
  },
  {
    type: "scenario-end",
    id: "s1",
    file: "call.ts",
    name: "A calls B",
    status: "passed",
    durationMs: 1234,
    logs: { A: "a passed line\n" },
  },
  {
    type: "scenario-end",
    id: "s2",
    file: "call.ts",
    name: "B is busy",
    status: "failed",
    durationMs: 450,
    error: {
      message: "B state: expected busy, got ringing",
      stack:
        "AssertionError: B state: expected busy, got ringing\n    at call.ts:12:5\n    at run (runner.ts:3:1)",
      location: { file: "call.ts", line: 12, column: 5 },
    },
    logs: { A: "INVITE sent\n100 Trying\n", B: "ringing" },
  },
  {
    type: "scenario-end",
    id: "s3",
    file: "dtmf.ts",
    name: "DTMF",
    status: "skipped",
    durationMs: 0,
    reason: "PBX bug #12",
  },
  { type: "run-end", passed: 1, failed: 1, skipped: 1, interrupted: false, durationMs: 2000 },
];

function render(events: RunEvent[], options: Omit<HumanReporterOptions, "write"> = {}): string {
  let out = "";
  const reporter = new HumanReporter({ color: false, ...options, write: (s) => out += s });
  for (const event of events) reporter.handle(event);
  return out;
}

function assertIncludes(text: string, part: string): void {
  assert.ok(
    text.includes(part),
    `expected the output to include ${JSON.stringify(part)}, got ${JSON.stringify(text)}`,
  );
}

function lastLine(text: string): string {
  return text.trimEnd().split("\n").at(-1) ?? "";
}

Deno.test("the human reporter prints one line per scenario and the summary last", async (t) => {
  const out = render(run);
  await t.step("normal output", () => {
    assert.equal(
      out,
      [
        "running 2 scenario files",
        "✓ call.ts › A calls B (1.23s)",
        "✗ call.ts › B is busy (450ms)",
        "    B state: expected busy, got ringing",
        "    at call.ts:12:5",
        "    log: dialling B",
        "- dtmf.ts › DTMF (skipped: PBX bug #12)",
        "",
        "finished in 2.00s",
        "1 passed, 1 failed, 1 skipped",
        "",
      ].join("\n"),
    );
  });
  await t.step("agent logs are not shown without logs: true", () => {
    assert.doesNotMatch(out, /INVITE sent/);
  });
});

Deno.test("logs: true adds the agent logs of failed scenarios only", () => {
  const out = render(run, { logs: true });
  assertIncludes(
    out,
    "    ── A log ──\n      INVITE sent\n      100 Trying\n    ── B log ──\n      ringing\n- dtmf",
  );
  assert.doesNotMatch(out, /a passed line/);
});

Deno.test("verbose adds assertions, stack frames and every scenario's logs", () => {
  const out = render(run, { level: "verbose" });
  assertIncludes(
    out,
    "✓ call.ts › A calls B (1.23s)\n    ✓ A state is established\n    ── A log ──\n      a passed line\n",
  );
  assertIncludes(out, "got ringing\n    at call.ts:12:5\n    at run (runner.ts:3:1)\n");
  assertIncludes(out, "    log: dialling B\n    ✗ B state: expected busy, got ringing\n");
  assert.match(out, /INVITE sent/);
  assert.equal(lastLine(out), "1 passed, 1 failed, 1 skipped");
});

Deno.test("quiet prints only failures and the summary", () => {
  assert.equal(
    render(run, { level: "quiet" }),
    [
      "✗ call.ts › B is busy (450ms)",
      "    B state: expected busy, got ringing",
      "    at call.ts:12:5",
      "",
      "1 passed, 1 failed, 1 skipped",
      "",
    ].join("\n"),
  );
});

Deno.test("an interrupted run says so on the line before the summary", () => {
  const out = render([
    { type: "scenario-start", id: "s1", file: "call.ts", name: "A calls B", tags: [] },
    {
      type: "scenario-end",
      id: "s1",
      file: "call.ts",
      name: "A calls B",
      status: "interrupted",
      durationMs: 3100,
    },
    { type: "run-end", passed: 0, failed: 0, skipped: 0, interrupted: true, durationMs: 3200 },
  ], { level: "quiet" });
  assert.equal(
    out,
    "! call.ts › A calls B (interrupted after 3.10s)\n\ninterrupted\n0 passed, 0 failed, 0 skipped\n",
  );
});

Deno.test("colors are ANSI codes, and the summary line never has any", async (t) => {
  const out = render(run);
  const colored = render(run, { color: true });
  await t.step("color: false prints no escape codes", () => {
    assert.ok(!out.includes("\x1b"), "found an escape code");
  });
  await t.step("color defaults to on", () => {
    let text = "";
    const reporter = new HumanReporter({ write: (s) => text += s });
    for (const event of run) reporter.handle(event);
    assert.equal(text, colored);
  });
  await t.step("marks are colored", () => {
    assertIncludes(colored, "\x1b[32m✓\x1b[39m call.ts › A calls B");
    assertIncludes(colored, "\x1b[31m✗\x1b[39m");
  });
  await t.step("the summary line is plain and last", () => {
    assert.equal(lastLine(colored), "1 passed, 1 failed, 1 skipped");
    assert.ok(colored.endsWith("\n"));
  });
});

Deno.test("multi-line failure messages are indented line by line", () => {
  const out = render([
    {
      type: "scenario-end",
      id: "s1",
      file: "call.ts",
      name: "x",
      status: "failed",
      durationMs: 1,
      error: { message: "first\nsecond" },
    },
  ]);
  assert.equal(out, "✗ call.ts › x (1ms)\n    first\n    second\n");
});
