import { assertEquals } from "../assert.ts";
import { doctorExitCode, type DoctorReport, formatReport } from "../../doctor/mod.ts";

const REPORT: DoctorReport = {
  ringo: "0.1.0",
  runtime: "deno 2.9.6 (linux x86_64)",
  installation: "a checkout at /src/ringo",
  platform: "debian",
  checks: [
    { name: "baresip", status: "ok", summary: "4.10.0 (/usr/local/bin/baresip, from PATH)" },
    {
      name: "audio",
      status: "warn",
      summary: "no sound device",
      details: ["devices: none found"],
      fix: "start a sound server",
    },
    {
      name: "sipp",
      status: "absent",
      summary: "not installed",
      fix: "sudo apt-get install sip-tester",
    },
  ],
};

Deno.test("the report: one line per check, details indented, what to fix at the end", () => {
  assertEquals(
    formatReport(REPORT),
    [
      "ringo 0.1.0, deno 2.9.6 (linux x86_64), a checkout at /src/ringo",
      "",
      "✓ baresip  4.10.0 (/usr/local/bin/baresip, from PATH)",
      "! audio    no sound device",
      "           devices: none found",
      "– sipp     not installed",
      "",
      "to fix:",
      "  audio: start a sound server",
      "  sipp: sudo apt-get install sip-tester",
      "",
      "ringo can run here, with 1 warning",
    ].join("\n"),
  );
  assertEquals(doctorExitCode(REPORT), 0);
});

Deno.test("a failed check makes the exit code 1 and the last line says how many", () => {
  const failed = {
    ...REPORT,
    checks: [...REPORT.checks, { name: "data", status: "fail" as const, summary: "not writable" }],
  };
  assertEquals(doctorExitCode(failed), 1);
  assertEquals(formatReport(failed).split("\n").at(-1), "1 problem to fix");
  assertEquals(formatReport(failed, { color: true }).includes("\x1b[31m✗\x1b[0m data"), true);
});
