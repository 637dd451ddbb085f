import assert from "node:assert/strict";
import { MockServer } from "../../../flow/net/mock_server.ts";
import type { NetEvent, WireMockResponse } from "../../../flow/net/wire.ts";
import { assertPortFree, freePort } from "./ports.ts";

/** A mock server whose events and log lines are collected, with a waiter for the next event. */
async function started(options: { port?: number; responderTimeoutMs?: number } = {}) {
  const events: NetEvent[] = [];
  const logs: string[] = [];
  const waiters: Array<(event: NetEvent) => void> = [];
  const server = await MockServer.start({
    id: 1,
    ...options,
    onEvent: (event) => {
      events.push(event);
      waiters.shift()?.(event);
    },
    log: (message, level) => logs.push(`${level}: ${message}`),
  });
  return {
    server,
    events,
    logs,
    nextEvent: () => new Promise<NetEvent>((resolve) => waiters.push(resolve)),
  };
}

const text = (body: string, status = 200): WireMockResponse => ({
  status,
  headers: [["content-type", "text/plain"]],
  body,
});

Deno.test("a mock server answers its routes, records every request and answers 404 otherwise", async (t) => {
  const { server, events } = await started();
  try {
    server.route({
      method: "GET",
      path: { exact: "/health" },
      action: { kind: "static", response: text("ok") },
    });

    await t.step("a static route answers with its response", async () => {
      const res = await fetch(`${server.url}/health?deep=1`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "text/plain");
      assert.equal(await res.text(), "ok");
      const event = events.at(-1)!;
      assert.equal(event.kind, "mock-request");
      if (event.kind !== "mock-request") return;
      assert.equal(event.request.seq, 1);
      assert.equal(event.request.path, "/health");
      assert.deepEqual(event.request.query, [["deep", "1"]]);
      assert.equal(event.request.matched, true);
      assert.equal(event.pending, undefined);
    });

    await t.step("an unmatched request is recorded with its body and answered 404", async () => {
      const res = await fetch(`${server.url}/nowhere`, { method: "POST", body: "payload" });
      assert.equal(res.status, 404);
      assert.equal(await res.text(), "no route for POST /nowhere\n");
      const event = events.at(-1)!;
      assert.ok(event.kind === "mock-request");
      assert.equal(event.request.matched, false);
      assert.equal(event.request.body, "payload");
      assert.equal(event.request.seq, 2);
    });

    await t.step("registering the route again stages a new answer", async () => {
      server.route({
        method: "GET",
        path: { exact: "/health" },
        action: { kind: "static", response: text("degraded", 503) },
      });
      const res = await fetch(`${server.url}/health`);
      assert.equal(res.status, 503);
      assert.equal(await res.text(), "degraded");
    });
  } finally {
    await server.stop();
  }
  await assertPortFree(server.port);
});

Deno.test("a responder route asks the scenario and sends its answer", async (t) => {
  const { server, logs, nextEvent } = await started({ responderTimeoutMs: 300 });
  try {
    server.route({
      method: "POST",
      path: { exact: "/hook" },
      action: { kind: "responder", id: 7 },
    });

    await t.step("the answer the scenario replies with", async () => {
      const asked = nextEvent();
      const answer = fetch(`${server.url}/hook`, { method: "POST", body: '{"callee":"bob"}' });
      const event = await asked;
      assert.ok(event.kind === "mock-request" && event.pending);
      assert.equal(event.pending.responder, 7);
      assert.equal(event.request.body, '{"callee":"bob"}');
      server.reply(event.pending.token, {
        response: { status: 200, headers: [["content-type", "application/json"]], body: "{}" },
      });
      const res = await answer;
      assert.equal(res.status, 200);
      assert.equal(await res.text(), "{}");
    });

    await t.step("a responder that failed: 500 and a log line", async () => {
      const asked = nextEvent();
      const answer = fetch(`${server.url}/hook`, { method: "POST", body: "x" });
      const event = await asked;
      assert.ok(event.kind === "mock-request" && event.pending);
      server.reply(event.pending.token, { error: "TypeError: boom" });
      const res = await answer;
      assert.equal(res.status, 500);
      assert.equal(await res.text(), "TypeError: boom\n");
      assert.match(
        logs.at(-1)!,
        /^error: mock http:\/\/127\.0\.0\.1:\d+: POST \/hook \(route POST \/hook\): the responder failed: TypeError: boom; answered 500$/,
      );
    });

    await t.step("a responder that does not answer in time: 500 and a log line", async () => {
      const res = await fetch(`${server.url}/hook`, { method: "POST", body: "x" });
      assert.equal(res.status, 500);
      assert.match(await res.text(), /the responder did not answer within 0\.3s/);
      assert.match(
        logs.at(-1)!,
        /^error: .*POST \/hook .*did not answer within 0\.3s; answered 500$/,
      );
    });
  } finally {
    await server.stop();
  }
});

Deno.test("stopping a mock server answers waiting requests and frees the port", async () => {
  const { server, nextEvent } = await started();
  server.route({ method: "*", path: { exact: "/wait" }, action: { kind: "responder", id: 1 } });
  server.route({
    method: "*",
    path: { exact: "/late" },
    action: { kind: "static", response: { ...text("late"), delayMs: 60_000 } },
  });
  const asked = nextEvent();
  const waiting = fetch(`${server.url}/wait`);
  await asked;
  const late = fetch(`${server.url}/late`);
  await nextEvent();
  await server.stop();
  const [w, l] = await Promise.all([waiting, late]);
  assert.equal(w.status, 503);
  assert.equal(l.status, 503);
  await Promise.all([w.body?.cancel(), l.body?.cancel()]);
  await assertPortFree(server.port);
});

Deno.test("a mock server listens on the port it is given, and says so when it is taken", async () => {
  const port = freePort();
  const { server } = await started({ port });
  try {
    assert.equal(server.port, port);
    assert.equal(server.url, `http://127.0.0.1:${port}`);
    await assert.rejects(started({ port }), {
      name: "NetError",
      message: `mockServer: port ${port} on 127.0.0.1 is already in use`,
    });
  } finally {
    await server.stop();
  }
  await assertPortFree(port);
});

Deno.test("a WebSocket route passes messages both ways and is closed by stop()", async () => {
  const { server, events, nextEvent } = await started();
  server.route({ method: "GET", path: { exact: "/ws" }, action: { kind: "websocket", id: 3 } });
  const opened = nextEvent(); // the upgrade request
  const client = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
  await opened;
  const open = await nextEvent();
  assert.ok(open.kind === "mock-ws-open");
  assert.equal(open.handler, 3);
  const received = new Promise<string>((resolve) => (client.onmessage = (e) => resolve(e.data)));
  server.wsSend(open.conn, '{"event":"hello"}');
  assert.equal(await received, '{"event":"hello"}');
  const message = nextEvent();
  client.send("ping");
  const got = await message;
  assert.ok(got.kind === "mock-ws-message");
  assert.equal(got.data, "ping");
  const closed = new Promise<number>((resolve) => (client.onclose = (e) => resolve(e.code)));
  await server.stop();
  assert.ok([1000, 1001].includes(await closed)); // normal, or "going away" as the server shut down
  assert.ok(events.some((e) => e.kind === "mock-ws-close"));
  await assertPortFree(server.port);
});
