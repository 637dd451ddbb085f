import { EventGate } from "../../core/event_gate.ts";
import type { BaresipEvent } from "../../core/frames.ts";
import { assertEquals } from "../assert.ts";

const event = (type: string, callId?: string): BaresipEvent => ({ type, callId, raw: {} });

Deno.test("an incoming call's event waits for its INVITE in the trace; the events behind it keep their order", () => {
  const traced = new Set<string>();
  const delivered: string[] = [];
  const gate = new EventGate(
    (e) => delivered.push(`${e.type} ${e.callId ?? ""}`.trim()),
    (id) => traced.has(id),
  );
  gate.push(event("REGISTER_OK"));
  gate.push(event("CALL_INCOMING", "c1"));
  gate.push(event("CALL_CLOSED", "c1"));
  assertEquals(delivered, ["REGISTER_OK"]);
  gate.traceAdvanced();
  assertEquals(delivered, ["REGISTER_OK"], "another message traced: still held");
  traced.add("c1");
  gate.traceAdvanced();
  assertEquals(delivered, ["REGISTER_OK", "CALL_INCOMING c1", "CALL_CLOSED c1"]);
  gate.push(event("CALL_INCOMING", "c1"));
  assertEquals(delivered.length, 4, "an INVITE already traced does not hold");
});

Deno.test("a held event goes after the bounded wait, or at once when the process ended", async () => {
  const delivered: string[] = [];
  const gate = new EventGate((e) => delivered.push(e.callId!), () => false, 30);
  gate.push(event("CALL_INCOMING", "late"));
  await new Promise((r) => setTimeout(r, 80));
  assertEquals(delivered, ["late"]);
  gate.push(event("CALL_INCOMING", "c2"));
  gate.push(event("CALL_INCOMING", "c3"));
  gate.flush();
  assertEquals(delivered, ["late", "c2", "c3"]);
});
