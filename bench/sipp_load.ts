/**
 * Load from a real peer: SIPp places 100 calls of 1 s each at 5, 10 and
 * 20 calls/s through a kamailio test PBX (digest auth, record-routed) to
 * ringo agents that answer every call as it rings (`accept()` over
 * ctrl_tcp, as a scenario would):
 * - to 10 registered agents, each call to the next one in turn;
 * - to one registered agent answering overlapping calls (up to rate × 1 s
 *   at once; the agent's `calls.maxCalls` is raised to {@link ONE_AGENT_MAX_CALLS}
 *   for it, since baresip answers `486 Max Calls` beyond it).
 *
 * Prints per rate: calls that succeeded (of 100), the failures SIPp saw
 * (status codes, timeouts), and the CPU of the agents' baresips and of
 * ringo while SIPp ran. Needs `sipp` (Debian: sip-tester) and kamailio;
 * without them the section says so and is skipped.
 *
 * @module
 */
import { join } from "node:path";
import { Agent, type AgentSnapshot, freePort } from "../core/mod.ts";
import { findExecutable, pathDirs } from "../core/executables.ts";
import { startPbx, type TestPbx } from "../tests/pbx/pbx.ts";
import { formatFailures, parseSippErrors, parseSippStats } from "./sipp_results.ts";
import { cpuMeter, type Figure, formatTable } from "./stats.ts";

/** Call rates measured (calls per second). */
export const LOAD_RATES = [5, 10, 20];
/** Calls per rate. */
const CALLS = 100;
/** How long SIPp holds each call before its BYE. */
const CALL_MS = 1000;
/** Calls at once the single agent takes (20 calls/s × 1 s, plus set-up and tear-down). */
export const ONE_AGENT_MAX_CALLS = 64;
/** The SIPp user that calls. */
const CALLER = "sipp";

/**
 * Runs the load benchmark (at `rates`, `calls` each, against the targets
 * `"10 agents"` and `"one agent"` or those named) and prints one table per target.
 */
export async function benchSipLoad(
  rates = LOAD_RATES,
  calls = CALLS,
  only?: string[],
): Promise<void> {
  const missing = await missingPrograms();
  if (missing) {
    console.log(`\nload: skipped (${missing})`);
    return;
  }
  const targets = [
    { label: "10 agents", users: Array.from({ length: 10 }, (_, i) => `load${i}`) },
    { label: "one agent", users: ["load0"] },
  ].filter((t) => !only || only.includes(t.label));
  const passwords: Record<string, string> = { [CALLER]: "sipp-secret" };
  for (const t of targets) for (const u of t.users) passwords[u] = `${u}-secret`;
  await using pbx = await startPbx({ extraUsers: passwords });
  for (const target of targets) {
    const columns: Array<{ label: string; figures: Figure[] }> = [];
    const agents = await startAnswering(pbx, target.users);
    try {
      for (const rate of rates) {
        console.error(`bench: load, ${target.label}, ${rate} calls/s`);
        const run = await sippRun(pbx, target.users, rate, calls, agents);
        columns.push({ label: `${rate} calls/s`, figures: run.figures });
        console.error(`bench: load, ${target.label}, ${rate} calls/s: failures ${run.failures}`);
        failureLines.push(`${target.label}, ${rate} calls/s: ${run.failures}`);
      }
    } finally {
      await Promise.all(agents.map((a) => a.agent.stop()));
    }
    console.log(
      `\nload: SIPp → kamailio → ${target.label} answering, ${calls} calls of ${
        CALL_MS / 1000
      } s per rate`,
    );
    console.log(formatTable(columns));
  }
  console.log(`failures seen by SIPp: ${failureLines.splice(0).join("; ")}`);
}

const failureLines: string[] = [];

/** One registered agent that answers every call as it rings. */
interface Answering {
  agent: Agent;
  answered: number;
  /** Calls baresip turned away at max_calls (486 Max Calls). */
  refused: number;
  answerFailures: string[];
}

async function startAnswering(pbx: TestPbx, users: string[]): Promise<Answering[]> {
  const started = await Promise.all(users.map(async (user) => {
    const agent = await Agent.start({
      name: user,
      account: { username: user, domain: `127.0.0.1:${pbx.port}`, password: pbx.users[user] },
      registerOnStart: true,
      calls: { maxCalls: users.length === 1 ? ONE_AGENT_MAX_CALLS : undefined },
    });
    await agent.waitFor((s) => s.registration.state === "registered", {
      description: `${user} registered`,
    });
    const answering: Answering = { agent, answered: 0, refused: 0, answerFailures: [] };
    agent.addEventListener("refused", () => answering.refused++);
    const seen = new Set<string>();
    agent.addEventListener("change", (e) => {
      const snapshot = (e as CustomEvent<AgentSnapshot>).detail ?? agent.snapshot;
      for (const call of snapshot.calls) {
        if (call.direction !== "incoming" || call.state !== "ringing" || !call.id) continue;
        if (seen.has(call.id)) continue;
        seen.add(call.id);
        agent.accept(call.id).then(
          () => answering.answered++,
          (error) => answering.answerFailures.push((error as Error).message),
        );
      }
    });
    return answering;
  }));
  return started;
}

/** One SIPp run at `rate`; returns its figures and a failure summary. */
async function sippRun(
  pbx: TestPbx,
  users: string[],
  rate: number,
  calls: number,
  agents: Answering[],
): Promise<{ figures: Figure[]; failures: string }> {
  const dir = await Deno.makeTempDir({ prefix: "ringo-bench-sipp-" });
  try {
    const scenario = join(dir, "uac_auth.xml");
    const callees = join(dir, "callees.csv");
    await Deno.writeTextFile(scenario, UAC_AUTH);
    await Deno.writeTextFile(callees, "SEQUENTIAL\n" + users.map((u) => `${u};\n`).join(""));
    const answeredBefore = agents.reduce((sum, a) => sum + a.answered, 0);
    const refusedBefore = agents.reduce((sum, a) => sum + a.refused, 0);
    const cpu = cpuMeter(agents.map((a) => a.agent.pid));
    const t0 = performance.now();
    const out = await new Deno.Command("sipp", {
      args: [
        "-sf",
        scenario,
        "-inf",
        callees,
        "-i",
        "127.0.0.1",
        "-p",
        String(freePort()),
        "-au",
        CALLER,
        "-ap",
        pbx.users[CALLER],
        "-s",
        CALLER,
        "-r",
        String(rate),
        "-m",
        String(calls),
        "-d",
        String(CALL_MS),
        "-timeout",
        "120s",
        "-recv_timeout",
        "20000",
        "-max_recv_loops",
        "1000",
        "-nostdin",
        "-trace_stat",
        "-stf",
        join(dir, "stats.csv"),
        "-fd",
        "1",
        "-trace_err",
        "-error_file",
        join(dir, "errors.log"),
        `127.0.0.1:${pbx.port}`,
      ],
      cwd: dir,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const wallMs = performance.now() - t0;
    const { selfPct, childrenPct } = cpu.stop();
    const stats = await Deno.readTextFile(join(dir, "stats.csv")).catch(() => "");
    if (stats === "") {
      throw new Error(
        `SIPp wrote no statistics (exit ${out.code}): ${
          new TextDecoder().decode(out.stderr).slice(-1000)
        }`,
      );
    }
    const counts = parseSippStats(stats);
    const errorLog = await Deno.readTextFile(join(dir, "errors.log")).catch(() => "");
    const errors = parseSippErrors(errorLog);
    if (counts.failed > 0) {
      console.error(`bench: load: SIPp's first errors:\n${errorLog.slice(0, 1500)}`);
    }
    const answered = agents.reduce((sum, a) => sum + a.answered, 0) - answeredBefore;
    const refusedAtLimit = agents.reduce((sum, a) => sum + a.refused, 0) - refusedBefore;
    const refused = agents.flatMap((a) => a.answerFailures.splice(0));
    if (refused.length) console.error(`bench: load: an agent could not answer: ${refused[0]}`);
    return {
      figures: [
        { name: `calls that succeeded (of ${calls})`, values: [counts.successful], unit: "count" },
        { name: "calls that failed", values: [counts.failed], unit: "count" },
        { name: "calls the agents answered", values: [answered], unit: "count" },
        { name: "calls refused at max_calls", values: [refusedAtLimit], unit: "count" },
        { name: "SIPp run, wall time", values: [wallMs], unit: "ms" },
        { name: "agents' baresip CPU, all", values: [childrenPct], unit: "%" },
        { name: "ringo CPU", values: [selfPct], unit: "%" },
      ],
      failures: formatFailures({ ...errors, ...counts.causes }),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function missingPrograms(): Promise<string | undefined> {
  if (!findExecutable("sipp", pathDirs(Deno.env.toObject()))) {
    return "sipp is not installed (Debian: sip-tester)";
  }
  try {
    await (await startPbx()).stop();
  } catch (error) {
    return `no kamailio test PBX: ${(error as Error).message.split("\n")[0]}`;
  }
  return undefined;
}

/**
 * SIPp's UAC with digest authentication at the proxy (407, then the
 * INVITE again with credentials), following the Record-Route of the 200
 * for its ACK and BYE. `[field0]` is the callee, from the injection file.
 */
const UAC_AUTH = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="ringo load: authenticated UAC, record-routed">
${invite(1, "")}
  <recv response="100" optional="true"/>
  <recv response="407" auth="true"/>
${request("ACK sip:[field0]@[remote_ip]:[remote_port]", "1 ACK", "")}
${invite(2, "[authentication]")}
  <recv response="100" optional="true"/>
  <!-- global: kamailio's UDP workers may forward a 180 after the 200 that followed it -->
  <recv response="180" optional="global"/>
  <recv response="183" optional="global"/>
  <recv response="200" rtd="true" rrs="true"/>
${request("ACK [next_url]", "2 ACK", "[routes]")}
  <pause/>
${request("BYE [next_url]", "3 BYE", "[routes]", 500)}
  <recv response="200" crlf="true"/>
</scenario>
`;

/** One `<send>` of a request of the call: `line` is its method and URI, `cseq` e.g. `2 ACK`. */
function request(line: string, cseq: string, extra: string, retrans?: number, body = ""): string {
  const lines = [
    `${line} SIP/2.0`,
    "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]",
    "From: <sip:[service]@[remote_ip]:[remote_port]>;tag=[pid]SIPpTag[call_number]",
    `To: <sip:[field0]@[remote_ip]:[remote_port]>${
      cseq.endsWith("INVITE") ? "" : "[peer_tag_param]"
    }`,
    "Call-ID: [call_id]",
    `CSeq: ${cseq}`,
    ...(extra ? [extra] : []),
    "Max-Forwards: 70",
    ...(body
      ? ["Contact: <sip:[service]@[local_ip]:[local_port]>", "Content-Type: application/sdp"]
      : []),
    `Content-Length: ${body ? "[len]" : "0"}`,
  ];
  const text = [...lines, ...(body ? ["", body] : [])].map((l) => `      ${l}`).join("\n");
  return `  <send${
    retrans ? ` retrans="${retrans}"` : ""
  }>\n    <![CDATA[\n${text}\n    ]]>\n  </send>`;
}

/** The INVITE of the call with a PCMU offer; `extra` carries the credentials of the second. */
function invite(cseq: number, extra: string): string {
  const sdp = [
    "v=0",
    "o=- 1 1 IN IP[local_ip_type] [local_ip]",
    "s=-",
    "c=IN IP[media_ip_type] [media_ip]",
    "t=0 0",
    "m=audio [media_port] RTP/AVP 0",
    "a=rtpmap:0 PCMU/8000",
  ].join("\n      ");
  return request(
    "INVITE sip:[field0]@[remote_ip]:[remote_port]",
    `${cseq} INVITE`,
    extra,
    500,
    sdp,
  );
}
