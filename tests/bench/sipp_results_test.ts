/** Reading SIPp's statistics and error files (fixtures written by SIPp 3.6.1). */
import { assertEquals, assertThrows } from "../assert.ts";
import { formatFailures, parseSippErrors, parseSippStats } from "../../bench/sipp_results.ts";

const fixture = (name: string) =>
  Deno.readTextFileSync(new URL(`./fixtures/${name}`, import.meta.url));

Deno.test("the statistics file's last row gives the run's successful and failed calls", () => {
  // Two calls rejected by the PBX: failed as unexpected messages, no timeout.
  assertEquals(parseSippStats(fixture("sipp_stats.csv")), { successful: 0, failed: 2, causes: {} });
});

Deno.test("timeouts are counted from the statistics file's failure columns", () => {
  const text = "SuccessfulCall(C);FailedCall(C);FailedTimeoutOnRecv(C);FailedMaxUDPRetrans(C);\n" +
    "1;1;0;0;\n95;5;3;2;\n";
  assertEquals(parseSippStats(text), {
    successful: 95,
    failed: 5,
    causes: { "recv timeout": 3, "no answer to retransmissions": 2 },
  });
});

Deno.test("a statistics file without the counters is an error that says so", () => {
  assertThrows(() => parseSippStats(""), Error, "no call counters");
  assertThrows(() => parseSippStats("StartTime;\nx;\n"), Error, "no call counters");
});

Deno.test("the error file is counted by the status code or method that aborted each call", () => {
  assertEquals(parseSippErrors(fixture("sipp_errors.log")), { "403": 2 });
  const late = "01:00 Aborting call on unexpected message for Call-Id '3-1@127.0.0.1': " +
    "while expecting '200' (index 9), received 'BYE sip:sipp@127.0.0.1:5060 SIP/2.0\n" +
    "01:01 Aborting call on unexpected message for Call-Id '4-1@127.0.0.1': while expecting " +
    "'200' (index 9), received 'SIP/2.0 486 Max Calls\nVia: SIP/2.0/UDP timeout\n";
  assertEquals(parseSippErrors(late), { BYE: 1, "486": 1 });
  assertEquals(parseSippErrors(""), {});
});

Deno.test("failures print most frequent first, or none", () => {
  assertEquals(formatFailures({ "408": 1, "486": 12 }), "486×12, 408×1");
  assertEquals(formatFailures({}), "none");
});
