/**
 * Interoperability with a SIP peer nobody here wrote: SIPp's built-in UAC
 * and UAS scenarios against loopback agents, on whichever baresip runs.
 */
import { assertEquals } from "../assert.ts";
import { Agent, type AgentSnapshot, CallState } from "../../core/mod.ts";
import { freePort } from "../../core/ports.ts";

const ringing = (s: AgentSnapshot) => s.calls.some((c) => c.state === CallState.Ringing);
const idle = (s: AgentSnapshot) => s.calls.length === 0;

/** Runs SIPp with `args` on 127.0.0.1 and resolves with its exit code and output. */
function sipp(args: string[], signal?: AbortSignal) {
  const child = new Deno.Command("sipp", {
    args: ["-i", "127.0.0.1", "-m", "1", "-timeout", "15s", "-timeout_error", "-nostdin", ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal,
  }).spawn();
  return child.output().then((out) => ({
    code: out.code,
    text: new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr),
  }));
}

/** Resolves when `wait` does; fails with SIPp's output if SIPp ends first (it could not bind, say). */
function beforeSippEnds<T>(wait: Promise<T>, run: ReturnType<typeof sipp>): Promise<T> {
  const ended = run.then(({ code, text }) => {
    throw new Error(`SIPp ended (code ${code}) before that: ${text.slice(-1500)}`);
  });
  ended.catch(() => {}); // the race below reports it; after a win nobody waits on it
  return Promise.race([wait, ended]);
}

Deno.test("SIPp's UAC calls a loopback agent directly: answered, then hung up by SIPp", async () => {
  await using b = await Agent.start({ name: "B" });
  // No -p: SIPp binds a free port itself (a port looked up first may be taken meanwhile).
  const run = sipp(["-sn", "uac", "-s", "B", `127.0.0.1:${b.ports.sip}`]);
  await beforeSippEnds(
    b.waitFor(ringing, { description: "B rings from SIPp", timeoutMs: 10_000 }),
    run,
  );
  assertEquals(b.snapshot.calls[0].direction, "incoming");
  await b.accept();
  await b.waitFor(idle, { description: "SIPp's BYE ends the call", timeoutMs: 15_000 });
  const { code, text } = await run;
  assertEquals(code, 0, text.slice(-2000));
  assertEquals(b.snapshot.lastClose?.cause, "bye");
  assertEquals(b.snapshot.lastClose?.by, "remote");
});

Deno.test("a loopback agent calls SIPp's UAS: established, then hung up by the agent", async () => {
  await using a = await Agent.start({ name: "A" });
  const port = freePort();
  const run = sipp(["-sn", "uas", "-p", String(port)]);
  // SIPp binds before it prints anything; a dial before that is retransmitted by baresip.
  await new Promise((r) => setTimeout(r, 300));
  await a.dial(`sip:service@127.0.0.1:${port}`);
  await beforeSippEnds(
    a.waitFor((s) => s.calls[0]?.state === CallState.Established, {
      description: "A established with SIPp",
      timeoutMs: 10_000,
    }),
    run,
  );
  await a.hangup();
  await a.waitFor(idle);
  const { code, text } = await run;
  assertEquals(code, 0, text.slice(-2000));
  assertEquals(a.snapshot.lastClose?.cause, "bye");
  assertEquals(a.snapshot.lastClose?.by, "local");
});

Deno.test("SIPp's UAC to an agent that declines gets the agent's 486", async () => {
  await using b = await Agent.start({ name: "B" });
  // No -p: SIPp binds a free port itself (a port looked up first may be taken meanwhile).
  const run = sipp(["-sn", "uac", "-s", "B", `127.0.0.1:${b.ports.sip}`]);
  await beforeSippEnds(
    b.waitFor(ringing, { description: "B rings from SIPp", timeoutMs: 10_000 }),
    run,
  );
  await b.reject();
  const { code, text } = await run;
  // SIPp's uac expects a 200: a 486 fails its one call, and its log names it.
  assertEquals(code, 1, text.slice(-2000));
  assertEquals(/486/.test(text) || b.snapshot.lastClose?.statusCode === 486, true);
});
