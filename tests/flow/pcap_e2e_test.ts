/**
 * `ringo flow run --pcap` and `--logs` end to end: a real loopback call,
 * its SIP signalling written as pcap and decoded by tshark, and printed
 * readably under a failed scenario.
 */
import { deepStrictEqual as assertEquals, match as assertMatch } from "node:assert/strict";
import { join } from "node:path";
import { sipFields } from "../tshark.ts";
import { lastLine, PASSING_CALL, ringoFlow, scenarioDir } from "./e2e.ts";

const FAILING = `import { agent, expect, State, until } from "@ringo/flow";
const a = await agent("A");
const b = await agent("B");
await a.dial(b);
await until(() => expect(b.state).toBe(State.Established), "300ms");
`;

async function sipFlow(path: string): Promise<string[]> {
  const lines = await sipFields(path, ["sip.Method", "sip.Status-Code"]);
  return lines.map((l) => l.trim());
}

Deno.test("ringo flow run --pcap writes the SIP signalling that tshark decodes", async (t) => {
  await using dir = await scenarioDir({ "call.ts": PASSING_CALL });

  await t.step("--pcap FILE: INVITE, 180, 200, ACK, BYE and 200, each once", async () => {
    const pcap = join(dir.path, "out", "call.pcap");
    const run = await ringoFlow(["run", join(dir.path, "call.ts"), "--pcap", pcap]);
    assertEquals(run.code, 0, run.stdout + run.stderr);
    assertEquals(lastLine(run.stdout), "1 passed, 0 failed, 0 skipped");
    const flow = await sipFlow(pcap);
    assertEquals(flow, ["INVITE", "180", "200", "ACK", "BYE", "200"]);
  });

  await t.step("--pcap DIR/: one file per scenario, named after file and scenario", async () => {
    const folder = join(dir.path, "captures") + "/";
    const run = await ringoFlow(["run", "call.ts", "--pcap", folder], { cwd: dir.path });
    assertEquals(run.code, 0, run.stdout + run.stderr);
    const files = [...Deno.readDirSync(folder)].map((e) => e.name);
    assertEquals(files, ["call.ts"]);
    const flow = await sipFlow(join(folder, "call.ts", "call.pcap"));
    assertEquals(flow.includes("INVITE") && flow.includes("BYE"), true, flow.join(","));
  });

  await t.step("a --pcap file that cannot be written is a usage error naming it", async () => {
    const run = await ringoFlow(["run", "call.ts", "--pcap", "/proc/ringo.pcap"], {
      cwd: dir.path,
    });
    assertEquals(run.code, 2, run.stdout + run.stderr);
    assertMatch(run.stderr, /--pcap \/proc\/ringo\.pcap: /);
  });

  await t.step("a bare --pcap writes below ringo-pcap/", async () => {
    const run = await ringoFlow(["run", "call.ts", "--pcap"], { cwd: dir.path });
    assertEquals(run.code, 0, run.stdout + run.stderr);
    const flow = await sipFlow(join(dir.path, "ringo-pcap", "call.ts", "call.pcap"));
    assertEquals(flow.includes("INVITE") && flow.includes("BYE"), true, flow.join(","));
  });
});

Deno.test("ringo flow run --logs shows the SIP messages of a failed scenario", async () => {
  await using dir = await scenarioDir({ "fails.ts": FAILING });
  const run = await ringoFlow(["run", dir.path, "--logs"]);
  assertEquals(run.code, 1, run.stdout + run.stderr);
  assertMatch(run.stdout, /── A log ──/);
  assertMatch(
    run.stdout,
    /── SIP sent \S+ UDP 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+ ──\n\s+INVITE sip:B@/,
  );
  assertMatch(run.stdout, /── SIP received \S+ UDP [^\n]+\n\s+SIP\/2\.0 180 Ringing/);
  assertEquals(run.stdout.includes("\x1b[36;1m"), false);
});
