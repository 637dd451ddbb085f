import type { RunEvent } from "../../../flow/report/events.ts";
import {
  applyEvent,
  explainFailure,
  newRunRecord,
  summarize,
} from "../../../flow/serve/run_record.ts";
import { assertEquals } from "../../assert.ts";

Deno.test("a run's events fold into its record: scenarios, assertions, agents, SIP count", () => {
  const record = newRunRecord("0mx00000000001", "pbx", { kind: "schedule" });
  const events: RunEvent[] = [
    { type: "run-start", files: ["call.ts"], startedAt: "2026-12-01T10:00:00.000Z" },
    { type: "scenario-start", id: "s1", file: "call.ts", name: "call", tags: ["smoke"] },
    { type: "assertion", scenarioId: "s1", passed: true, message: "B state is ringing" },
    {
      type: "assertion",
      scenarioId: "s1",
      passed: false,
      message: "B state: expected established, got ringing",
    },
    { type: "sip", scenarioId: "s1", endpoints: {}, messages: [] },
    {
      type: "scenario-end",
      id: "s1",
      file: "call.ts",
      name: "call",
      status: "failed",
      durationMs: 1200,
      error: {
        message: "timed out after 500ms: B state: expected established, got ringing",
        location: { file: "call.ts", line: 8, column: 7 },
      },
      agents: [{
        name: "A",
        aor: "sip:a@127.0.0.1",
        loopback: true,
        registration: "unregistered",
        quality: { mos: 4.1, rtt: 1, jitter: 2, packetLoss: 0 },
      }],
    },
    { type: "run-end", passed: 0, failed: 1, skipped: 0, interrupted: false, durationMs: 1300 },
  ];
  for (const e of events) applyEvent(record, e);
  const [s] = record.scenarios;
  assertEquals(s.status, "failed");
  assertEquals(s.assertions, { passed: 1, failed: 1 });
  assertEquals(
    s.explanation,
    "At call.ts line 8, the scenario waited 500ms for B state to be established, but it stayed ringing.",
  );
  assertEquals(record.counts, { passed: 0, failed: 1, skipped: 0 });
  assertEquals(summarize(record).mos, 4.1);
});

Deno.test("failures are explained in words, whatever their shape", () => {
  assertEquals(
    explainFailure({ message: "A statusCode: expected 486, got 603" }),
    "The scenario expected A statusCode to be 486, but it was 603.",
  );
  assertEquals(
    explainFailure({ message: "Agent A could not register", location: { file: "x.ts", line: 3 } }),
    "At x.ts line 3, the scenario failed: agent A could not register",
  );
});
