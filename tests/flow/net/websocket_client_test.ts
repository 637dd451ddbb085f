import assert from "node:assert/strict";
import { WebSocketClient } from "../../../flow/net/websocket_client.ts";
import type { NetEvent } from "../../../flow/net/wire.ts";
import { freePort } from "./ports.ts";

/** A WebSocket server that greets with the client's x-token header and echoes in upper case. */
function upperServer() {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    if (req.headers.get("upgrade") !== "websocket") return new Response("no", { status: 400 });
    const token = req.headers.get("x-token");
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.onopen = () => socket.send(`token=${token}`);
    socket.onmessage = (e) => {
      if (e.data === "bye") socket.close(4000, "asked to");
      else socket.send(String(e.data).toUpperCase());
    };
    return response;
  });
  return { url: `ws://127.0.0.1:${server.addr.port}/`, close: () => server.shutdown() };
}

Deno.test("a WebSocket client sends headers, pushes messages and the close", async () => {
  const server = upperServer();
  const events: NetEvent[] = [];
  let wake = () => {};
  const client = await WebSocketClient.open({
    id: 5,
    url: server.url,
    headers: [["x-token", "abc"]],
    timeoutMs: 5000,
    onEvent: (event) => {
      events.push(event);
      wake();
    },
  });
  const until = (n: number) =>
    new Promise<void>((resolve) => {
      wake = () => events.length >= n && resolve();
      wake();
    });
  try {
    await until(1);
    client.send("hello");
    await until(2);
    client.send("bye");
    await until(3);
    assert.deepEqual(events.map((e) => e.kind === "ws-message" ? e.data : e.kind), [
      "token=abc",
      "HELLO",
      "ws-close",
    ]);
    const close = events[2];
    assert.ok(close.kind === "ws-close");
    assert.equal(close.socket, 5);
    assert.equal(close.code, 4000);
    assert.equal(close.reason, "asked to");
    assert.throws(() => client.send("more"), {
      message: `websocket ${server.url} is closed; cannot send`,
    });
  } finally {
    await client.close();
    await server.close();
  }
});

Deno.test("opening a WebSocket fails with the URL and the reason", async (t) => {
  await t.step("nothing listens", async () => {
    const url = `ws://127.0.0.1:${freePort()}/events`;
    await assert.rejects(
      WebSocketClient.open({ id: 1, url, timeoutMs: 5000, onEvent: () => {} }),
      { name: "NetError", message: `websocket ${url} failed: connection refused` },
    );
  });
  await t.step("not a ws: URL", async () => {
    await assert.rejects(
      WebSocketClient.open({ id: 1, url: "http://127.0.0.1/", timeoutMs: 5000, onEvent: () => {} }),
      { message: "websocket http://127.0.0.1/ failed: the URL must be ws: or wss:" },
    );
  });
  await t.step("the server refuses the upgrade", async () => {
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      () => new Response("no", { status: 404 }),
    );
    try {
      const url = `ws://127.0.0.1:${server.addr.port}/`;
      await assert.rejects(
        WebSocketClient.open({ id: 1, url, timeoutMs: 5000, onEvent: () => {} }),
        {
          name: "NetError",
          message: new RegExp(
            `^websocket ${url} failed: the server did not accept the WebSocket upgrade`,
          ),
        },
      );
    } finally {
      await server.shutdown();
    }
  });
});
