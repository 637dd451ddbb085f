import assert from "node:assert/strict";
import { NetRegistry } from "../../../flow/net/registry.ts";
import type { NetEvent, WireMockInfo } from "../../../flow/net/wire.ts";
import { assertPortFree } from "./ports.ts";

function registry() {
  const events: Array<[string, NetEvent]> = [];
  const net = new NetRegistry({ push: (owner, e) => events.push([owner, e]), log: () => {} });
  return { net, events };
}

Deno.test("releasing a scenario stops its mock servers and sockets, and only its own", async () => {
  const { net, events } = registry();
  const mine = await net.perform("s1", "net.mock.start", [{ owner: "m1" }]) as WireMockInfo;
  const other = await net.perform("s2", "net.mock.start", [{ owner: "m2" }]) as WireMockInfo;
  try {
    await net.perform("s1", "net.mock.route", [mine.id, {
      method: "GET",
      path: { exact: "/ws" },
      action: { kind: "websocket", id: 1 },
    }]);
    await net.perform("s1", "net.ws.open", [{
      owner: "w1",
      url: `ws://127.0.0.1:${mine.port}/ws`,
      timeoutMs: 5000,
    }]);
    // Events carry the owner the scenario chose: the server's upgrade request and open.
    assert.deepEqual(events.map(([owner, e]) => `${owner} ${e.kind}`).slice(0, 2), [
      "m1 mock-request",
      "m1 mock-ws-open",
    ]);

    await net.release("s1");
    await assertPortFree(mine.port);
    const res = await fetch(`${other.url}/still-there`);
    assert.equal(res.status, 404);
    await res.body?.cancel();

    await assert.rejects(
      net.perform("s1", "net.mock.route", [mine.id, {
        method: "*",
        path: { exact: "/" },
        action: { kind: "static", response: { status: 200, headers: [], body: "" } },
      }]),
      { name: "NetError", message: /this mock server was stopped/ },
    );
  } finally {
    await net.releaseAll();
  }
  await assertPortFree(other.port);
});

Deno.test("a scenario cannot use another scenario's mock server", async () => {
  const { net } = registry();
  const info = await net.perform("s1", "net.mock.start", [{ owner: "m" }]) as WireMockInfo;
  try {
    await assert.rejects(net.perform("s2", "net.mock.stop", [info.id]), { name: "NetError" });
  } finally {
    await net.releaseAll();
  }
});

Deno.test("an HTTP request in flight is cancelled when its scenario is released", async () => {
  const { net } = registry();
  const info = await net.perform("s1", "net.mock.start", [{ owner: "m" }]) as WireMockInfo;
  await net.perform("s1", "net.mock.route", [info.id, {
    method: "*",
    path: { exact: "/slow" },
    action: { kind: "static", response: { status: 200, headers: [], body: "", delayMs: 60_000 } },
  }]);
  const pending = net.perform("s1", "net.http", [{
    method: "GET",
    url: `${info.url}/slow`,
    headers: [],
    timeoutMs: 60_000,
  }]);
  pending.catch(() => {});
  await net.release("s1");
  await assert.rejects(pending, { name: "NetError" });
  await assertPortFree(info.port);
});
