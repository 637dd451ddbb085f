/** flow/sandbox/agent_config.ts: a scenario's agent config as the engine takes it. */
import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import { splitConfig } from "../../../flow/sandbox/agent_config.ts";

Deno.test("a config without username and domain is a loopback agent with its own settings", () => {
  assertEquals(splitConfig("B", { headers: { "X-A": ["1", 2], "X-B": "b" }, max_calls: 2 }), {
    loopbackSettings: { headers: [["X-A", "1"], ["X-A", 2], ["X-B", "b"]] },
    calls: { maxCalls: 2 },
  });
  assertEquals(splitConfig("B", null), { calls: {} });
  throws(
    () => splitConfig("B", { password: "x", regint: 60 }),
    /agent "B": password, regint needs an account \(username and domain\)/,
  );
});

Deno.test("an account keeps its fields; metadata stays with the scenario; deflect_to is checked", () => {
  assertEquals(
    splitConfig("A", {
      username: "alice",
      domain: "pbx",
      headers: [["X-A", "1"]],
      metadata: { role: "caller" },
      deflect_to: "sip:c@pbx",
    }),
    {
      account: { username: "alice", domain: "pbx", headers: [["X-A", "1"]] },
      calls: {},
      deflectTo: "sip:c@pbx",
    },
  );
  throws(() => splitConfig("A", { deflect_to: "" }), /deflect_to must be a SIP URI or a number/);
  throws(
    () => splitConfig("A", { headers: { "X-A": [{ no: 1 }] } }),
    /header X-A needs a string or number \(or an array of them\)/,
  );
});
