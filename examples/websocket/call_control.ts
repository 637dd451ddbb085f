// A client of a JSON call-control API over a WebSocket — originate, answer,
// hold, hang up — waits for each event the API sends. The API itself is a
// mock server of the scenario (_call_control.ts) that controls two loopback
// agents, so this runs without a PBX.
import { agent, expect, scenario, setup, State, websocket } from "@ringo/flow";
import { callControlApi } from "./_call_control.ts";

/** Two agents, the API that controls them, and a client connected to it. */
async function connect() {
  const a = await agent("A");
  const b = await agent("B");
  const api = await callControlApi({ A: a, B: b });
  const ws = await websocket(api.wsUrl("/control"), { headers: { authorization: "Bearer demo" } });
  return { a, b, api, ws };
}
type Connected = Awaited<ReturnType<typeof connect>>;

setup(connect);

scenario(
  "originate, answer, hold and hang up over the API",
  async ({ a, b, api, ws }: Connected) => {
    const hello = await ws.next((m) => m.json("event") === "hello", "5s");
    expect(hello.json("agents")).toEqual(["A", "B"]);
    expect(api.sockets()[0].request.header("authorization")).toBe("Bearer demo");

    await ws.send({ action: "originate", id: "c1", from: "A", to: "B" });
    await ws.next((m) => m.json("event") === "originated", "5s");
    const ringing = await ws.next((m) => m.json("event") === "ringing", "10s");
    expect(ringing.json("agent")).toBe("B");
    expect(b.state).toBe(State.Ringing);

    await ws.send({ action: "answer", id: "c1" });
    await ws.next((m) => m.json("event") === "answered", "10s");
    expect(a.state).toBe(State.Established);

    await ws.send({ action: "hold", id: "c1" });
    await ws.next((m) => m.json("event") === "held", "10s");
    expect(a.held).toBe(true);

    await ws.send({ action: "hangup", id: "c1" });
    const hungup = await ws.next((m) => m.json("event") === "hungup", "10s");
    expect(hungup.json("reason")).toMatch(/Connection reset/);
    expect(b.state).toBe(State.Idle);
  },
);

scenario("a command the API cannot carry out gets an error event", async ({ ws }: Connected) => {
  await ws.send({ action: "originate", id: "c2", from: "A", to: "Z" });
  const error = await ws.next((m) => m.json("event") === "error", "5s");
  expect(error.json("id")).toBe("c2");
  expect(error.json("message")).toBe('no agent named "Z"');

  await ws.send({ action: "transfer", id: "c3" });
  const unknown = await ws.next((m) => m.json("event") === "error", "5s");
  expect(unknown.json("message")).toBe('unknown action "transfer"');
});
