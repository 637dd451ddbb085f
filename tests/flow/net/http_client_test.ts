import assert from "node:assert/strict";
import { NetError } from "../../../flow/net/errors.ts";
import { httpRequest } from "../../../flow/net/http_client.ts";
import { freePort } from "./ports.ts";

/** A server that echoes the request as JSON, and holds `/slow` until closed. */
function echoServer() {
  const held = new Set<() => void>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/slow") {
      await new Promise<void>((resolve) => held.add(resolve));
      return new Response("late");
    }
    return Response.json(
      {
        method: req.method,
        path: url.pathname,
        query: url.search,
        contentType: req.headers.get("content-type"),
        token: req.headers.get("x-token"),
        body: await req.text(),
      },
      { status: url.pathname === "/created" ? 201 : 200, headers: { "x-served-by": "echo" } },
    );
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    async close() {
      for (const release of held) release();
      await server.shutdown();
    },
  };
}

Deno.test("httpRequest sends method, headers and body and returns the whole answer", async () => {
  const echo = echoServer();
  try {
    const res = await httpRequest({
      method: "post",
      url: `${echo.url}/created?x=1`,
      headers: [["content-type", "application/json"], ["x-token", "t1"]],
      body: '{"a":1}',
      timeoutMs: 5000,
    });
    assert.equal(res.status, 201);
    assert.equal(res.statusText, "Created");
    assert.ok(res.headers.some(([n, v]) => n === "x-served-by" && v === "echo"));
    assert.deepEqual(JSON.parse(res.body), {
      method: "POST",
      path: "/created",
      query: "?x=1",
      contentType: "application/json",
      token: "t1",
      body: '{"a":1}',
    });
  } finally {
    await echo.close();
  }
});

Deno.test("httpRequest failures name the method, the URL and the reason", async (t) => {
  await t.step("connection refused", async () => {
    const url = `http://127.0.0.1:${freePort()}/hook`;
    await assert.rejects(
      httpRequest({ method: "GET", url, headers: [], timeoutMs: 5000 }),
      (error: unknown) => {
        assert.ok(error instanceof NetError);
        assert.equal(error.message, `http GET ${url} failed: connection refused`);
        assert.match(error.hint ?? "", /nothing listens there/);
        return true;
      },
    );
  });

  await t.step("no answer within the timeout", async () => {
    const echo = echoServer();
    try {
      await assert.rejects(
        httpRequest({ method: "GET", url: `${echo.url}/slow`, headers: [], timeoutMs: 200 }),
        { name: "NetError", message: `http GET ${echo.url}/slow timed out after 200ms` },
      );
    } finally {
      await echo.close();
    }
  });

  await t.step("an invalid URL", async () => {
    await assert.rejects(
      httpRequest({ method: "GET", url: "not a url", headers: [], timeoutMs: 1000 }),
      { name: "NetError", message: "http GET not a url failed: invalid URL" },
    );
  });

  await t.step("cancelled when the scenario ends", async () => {
    const echo = echoServer();
    try {
      const controller = new AbortController();
      const pending = httpRequest(
        { method: "GET", url: `${echo.url}/slow`, headers: [], timeoutMs: 5000 },
        controller.signal,
      );
      controller.abort();
      await assert.rejects(pending, {
        message: `http GET ${echo.url}/slow was cancelled: the scenario ended`,
      });
    } finally {
      await echo.close();
    }
  });
});
