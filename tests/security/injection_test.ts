/**
 * SIP injection: a dial, transfer or account string with a line break is
 * refused before baresip sees it, with a sentence naming the field, and
 * nothing reaches the wire (the callee sees no call, no header).
 */
import { deepStrictEqual as assertEquals, match as assertMatch } from "node:assert/strict";
import { endsOf, failureOf, ringoFlow, scenarioDir } from "./helpers.ts";

const INJECTION = `import { agent, expect, scenario, State, until, wait } from "@ringo/flow";

scenario("a dial target with CRLF is refused and nothing is sent", async () => {
  const a = await agent("A");
  const b = await agent("B");
  try {
    await a.dial(b.contactUri + "\\r\\nX-Injected: ESCAPED");
  } finally {
    await wait("1s");
    expect(b.state).toBe(State.Idle);
    expect(b.calls.length).toBe(0);
  }
});
scenario("a transfer target with LF is refused", async () => {
  const a = await agent("A");
  const b = await agent("B");
  await a.dial(b);
  await until(() => expect(b.state).toBe(State.Ringing));
  await b.accept();
  await until(() => expect(a.state).toBe(State.Established));
  await a.transfer("sip:c@127.0.0.1:9\\nX-Injected: ESCAPED");
});
scenario("an attended transfer target with NUL is refused", async () => {
  const a = await agent("A");
  await a.attendedTransfer("sip:c@127.0.0.1:9\\u0000x");
});
scenario("a display name with CRLF is refused at agent()", async () => {
  await agent("A", { username: "a", domain: "127.0.0.1", display_name: "Eve\\r\\nX-Injected: 1" });
});
scenario("a header value with CRLF is refused at agent()", async () => {
  await agent("A", { username: "a", domain: "127.0.0.1", headers: { "X-Ok": "1\\r\\nX-Injected: 1" } });
});
scenario("a password with a line break is refused at agent()", async () => {
  await agent("A", { username: "a", domain: "127.0.0.1", password: "pw\\nregint=1" });
});
scenario("a target that closes the URI is refused", async () => {
  const a = await agent("A");
  await a.dial("sip:b@127.0.0.1:9>;tag=forged");
});
`;

Deno.test("SIP strings with line breaks never reach baresip", async () => {
  await using dir = await scenarioDir({ "inject.ts": INJECTION });
  const run = await ringoFlow(["run", dir.path, "--json", "--timeout", "20s"]);
  assertEquals(run.code, 1, run.stderr);
  const ends = endsOf(run);
  assertMatch(
    failureOf(ends, "a dial target with CRLF is refused and nothing is sent"),
    /^the dial target cannot contain control characters \(found CR at \d+\)/,
  );
  assertMatch(
    failureOf(ends, "a transfer target with LF is refused"),
    /^the transfer target cannot contain control characters \(found LF/,
  );
  assertMatch(
    failureOf(ends, "an attended transfer target with NUL is refused"),
    /^the attended transfer target cannot contain control characters \(found NUL/,
  );
  assertMatch(
    failureOf(ends, "a display name with CRLF is refused at agent()"),
    /^the account display_name cannot contain control characters/,
  );
  assertMatch(
    failureOf(ends, "a header value with CRLF is refused at agent()"),
    /^the header X-Ok cannot contain control characters/,
  );
  assertMatch(
    failureOf(ends, "a password with a line break is refused at agent()"),
    /^the account password cannot contain control characters/,
  );
  assertMatch(failureOf(ends, "a target that closes the URI is refused"), /cannot contain '>'/);
  // Not in any report either.
  assertEquals(run.stdout.includes("X-Injected: ESCAPED\\r\\n"), false);
});
