import { DURATION_BUCKETS, type MonitorCounters } from "../../../flow/serve/archive.ts";
import { renderMetrics } from "../../../flow/serve/metrics.ts";
import { newRunRecord, type RunRecord } from "../../../flow/serve/run_record.ts";
import { assertEquals, assertMatch } from "../../assert.ts";
import { promtoolCheck } from "./serve_helpers.ts";

function lastRun(): RunRecord {
  const r = newRunRecord("0mx00000000002", 'pbx "main"', { kind: "schedule" });
  r.status = "passed";
  r.endedAt = "2026-12-01T10:00:05.000Z";
  r.durationMs = 4200;
  r.scenarios = [{
    id: "s1",
    file: "flows/call.ts",
    name: "A calls B",
    tags: [],
    status: "passed",
    durationMs: 4000,
    assertions: { passed: 3, failed: 0 },
    agents: [
      {
        name: "A",
        aor: "sip:alice@pbx",
        loopback: false,
        registration: "registered",
        quality: { mos: 4.32, rtt: 12.5, jitter: 1.2, packetLoss: 0.5 },
      },
      { name: "B", aor: "sip:b@127.0.0.1", loopback: true, registration: "unregistered" },
    ],
    sipMessages: 8,
    audio: [],
  }];
  return r;
}

Deno.test("the metrics text has the original names, escapes labels, and passes promtool", async () => {
  const counters = new Map<string, MonitorCounters>([[
    'pbx "main"',
    {
      runs: { passed: 7, failed: 2, timeout: 1 },
      durationBuckets: [0, 1, 5, 4, ...DURATION_BUCKETS.slice(4).map(() => 0), 0],
      durationSumSeconds: 51.5,
    },
  ]]);
  const text = renderMetrics({
    monitors: ['pbx "main"', "idle"],
    counters,
    lastRuns: new Map([['pbx "main"', lastRun()]]),
    queued: new Map([["idle", 1]]),
    running: new Map(),
    nextRuns: new Map([["idle", Date.parse("2026-12-01T10:05:00Z")]]),
  });
  assertMatch(text, /^ringo_monitor_runs_total\{monitor="pbx \\"main\\"",result="timeout"\} 1$/m);
  assertMatch(text, /^ringo_monitor_runs_total\{monitor="idle",result="passed"\} 0$/m);
  assertMatch(
    text,
    /^ringo_monitor_run_duration_seconds_bucket\{monitor="pbx \\"main\\"",le="\+Inf"\} 10$/m,
  );
  assertMatch(text, /^ringo_monitor_last_success\{monitor="pbx \\"main\\""\} 1$/m);
  assertMatch(
    text,
    /^ringo_monitor_last_run_timestamp_seconds\{monitor="pbx \\"main\\""\} 1796119205$/m,
  );
  assertMatch(
    text,
    /^ringo_scenario_last_success\{monitor="pbx \\"main\\"",file="flows\/call\.ts",scenario="A calls B"\} 1$/m,
  );
  assertMatch(
    text,
    /^ringo_agent_registered\{monitor="pbx \\"main\\"",file="flows\/call\.ts",scenario="A calls B",agent="A"\} 1$/m,
  );
  assertEquals(
    /ringo_agent_registered\{[^}]*agent="B"/.test(text),
    false,
    "loopback agents register nowhere",
  );
  assertMatch(text, /^ringo_call_mos\{[^}]*agent="A"\} 4\.32$/m);
  assertMatch(text, /^ringo_call_packet_loss_pct\{[^}]*agent="A"\} 0\.5$/m);
  assertMatch(text, /^ringo_serve_queue_length 1$/m);
  const check = await promtoolCheck(text);
  assertEquals(check.parsed, true, check.output);
  assertEquals(check.problems, [], check.output);
});
