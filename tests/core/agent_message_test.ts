/**
 * SIP MESSAGE between two loopback agents: sent with its final answer,
 * received with sender and body, on every baresip (1.0.0 through the SIP
 * trace, later versions through ctrl_tcp's message frames).
 */
import { Agent, AgentError } from "../../core/mod.ts";
import { assertEquals, assertRejects } from "../assert.ts";

Deno.test("a MESSAGE from A reaches B with its text, and A learns the 200", async () => {
  await using a = await Agent.start({ name: "A", sipTrace: true });
  await using b = await Agent.start({ name: "B", sipTrace: true });
  const sent = await a.message(b.contactUri, "hello; how are you?\nsecond line");
  assertEquals(sent.statusCode, 200);
  await b.waitFor(() => b.messages.length === 1, { description: "B received the MESSAGE" });
  assertEquals(b.messages[0].body, "hello; how are you?\nsecond line");
  assertEquals(b.messages[0].from, a.contactUri);
  assertEquals(b.messages[0].contentType, "text/plain");
  const again = await a.message(b.contactUri, "and again");
  assertEquals(again.statusCode, 200);
  await b.waitFor(() => b.messages.length === 2, { description: "B received the second MESSAGE" });
});

Deno.test("an empty or oversized text is refused before anything is sent", async () => {
  await using a = await Agent.start({ name: "A" });
  await assertRejects(() => a.message("sip:b@127.0.0.1:9", "  "), AgentError, "not empty");
  await assertRejects(
    () => a.message("sip:b@127.0.0.1:9", "x".repeat(2000)),
    AgentError,
    "at most 1200 bytes",
  );
});
