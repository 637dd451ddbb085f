/**
 * `header()`/`headers()`/`headerValues()`/`headersAll()` end to end: a
 * scenario's loopback agent receives an INVITE with custom headers from a
 * foreign SIP peer (this test, over UDP) and reads them through the flow
 * API — repeats joined, or kept apart when their values hold commas.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { createSocket } from "node:dgram";
import { join } from "node:path";
import { rawInvite } from "../raw_invite.ts";
import { command, parseNdjson, readUntil, scenarioDir } from "./e2e.ts";

const SCENARIO = `import { agent, expect, log, State, until } from "@ringo/flow";
const b = await agent("B");
expect(b.header("X-Test")).toBe(undefined);
expect(b.headers()).toEqual({});
log(\`contact \${b.contactUri} port \${b.contactUri.split(":").pop()}\`);
await until(() => expect(b.state).toBe(State.Ringing), "10s");
await until(() => expect(b.header("x-test")).toBe("hello world"), "5s");
expect(b.header("X-MULTI")).toBe("one, two");
expect(b.header("f")).toBe(b.headers()["From"]);
expect(b.header("Call-ID")).toBe(b.call?.id);
expect(Object.keys(b.headers()).includes("X-Multi")).toBe(true);
expect(b.headerValues("x-multi")).toEqual(["one", "two"]);
expect(b.headerValues("History-Info")).toEqual([
  "<sip:a@h?Reason=SIP%3Bcause%3D302>;index=1, <sip:b@h>;index=1.1",
  "<sip:c@h>;index=1.1.1",
]);
expect(b.headersAll()["X-Multi"]).toEqual(["one", "two"]);
expect(b.headersAll()["From"]?.length).toBe(1);
expect(b.headerValues("X-None")).toEqual([]);
await b.reject();
await until(() => expect(b.state).toBe(State.Idle));
expect(b.header("X-Test")).toBe("hello world");
log("headers read");
`;

Deno.test("a scenario reads the custom headers of the INVITE its agent received", async () => {
  await using dir = await scenarioDir({ "headers.ts": SCENARIO });
  // NDJSON streams log lines as they happen (the human report waits for the scenario's end).
  const child = command(["run", join(dir.path, "headers.ts"), "--json"]).spawn();
  const socket = createSocket("udp4");
  try {
    const { line, rest } = await readUntil(child.stdout, (l) => l.includes("contact sip:"));
    const message = String(JSON.parse(line).message);
    const port = Number(/ port (\d+)/.exec(message)![1]);
    const contact = /contact (\S+)/.exec(message)![1];
    await new Promise<void>((r) => socket.bind(0, "127.0.0.1", r));
    const invite = rawInvite(contact, socket.address().port, `flow-${crypto.randomUUID()}`, [
      ["X-Test", "hello world"],
      ["X-Multi", "one"],
      ["x-multi", "two"],
      ["History-Info", "<sip:a@h?Reason=SIP%3Bcause%3D302>;index=1, <sip:b@h>;index=1.1"],
      ["History-Info", "<sip:c@h>;index=1.1.1"],
    ]);
    await new Promise<void>((resolve, reject) =>
      socket.send(invite, port, "127.0.0.1", (e) => (e ? reject(e) : resolve()))
    );
    const [status, stdout, stderr] = await Promise.all([
      child.status,
      rest,
      new Response(child.stderr).text(),
    ]);
    assertEquals(status.code, 0, line + stdout + stderr);
    const events = parseNdjson(stdout);
    assertEquals(events.some((e) => e.message === "headers read"), true, stdout);
    assertEquals(events.at(-1)?.passed, 1);
  } finally {
    socket.close();
    try {
      child.kill();
    } catch {
      // already ended
    }
  }
});
