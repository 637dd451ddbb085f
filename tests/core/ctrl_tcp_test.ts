import { assertEquals } from "../assert.ts";
import { assertRejects } from "../assert.ts";
import {
  CtrlTcpClient,
  CtrlTcpError,
  type CtrlTransport,
  encodeNetstring,
  preferredCtrlTransport,
} from "../../core/mod.ts";
import { libcSocketsAvailable } from "../../core/libc_socket.ts";

/** Both connections where libc sockets work (the same behaviour is expected of each). */
const TRANSPORTS: CtrlTransport[] = libcSocketsAvailable() ? ["quickack", "deno"] : ["deno"];

/** A fake ctrl_tcp server on a free port that runs `script` on its one connection. */
async function withServer(
  script: (conn: Deno.Conn) => Promise<void>,
  body: (port: number) => Promise<void>,
) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served = (async () => {
    const conn = await listener.accept();
    try {
      await script(conn);
    } finally {
      try {
        conn.close();
      } catch { /* closed by the client */ }
    }
  })();
  try {
    await body((listener.addr as Deno.NetAddr).port);
  } finally {
    listener.close();
    await served.catch(() => {});
  }
}

async function readFrame(conn: Deno.Conn): Promise<Record<string, string>> {
  const buf = new Uint8Array(4096);
  const n = (await conn.read(buf)) ?? 0;
  const text = new TextDecoder().decode(buf.subarray(0, n));
  return JSON.parse(text.slice(text.indexOf(":") + 1, -1));
}

for (const transport of TRANSPORTS) {
  Deno.test(`ctrl_tcp client over the ${transport} connection`, async (t) => {
    await t.step(
      "correlates answers by token even when they arrive out of order, between events",
      async () => {
        await withServer(async (conn) => {
          const first = await readFrame(conn);
          const second = await readFrame(conn);
          const event = encodeNetstring(
            '{"event":true,"type":"CALL_RINGING","class":"call","id":"c"}',
          );
          const a2 = encodeNetstring(
            JSON.stringify({ response: true, ok: true, data: "two", token: second.token }),
          );
          const a1 = encodeNetstring(
            JSON.stringify({ response: true, ok: true, data: "one", token: first.token }),
          );
          await conn.write(new Uint8Array([...a2, ...event, ...a1]));
          await conn.read(new Uint8Array(1)); // until the client closes
        }, async (port) => {
          const client = await CtrlTcpClient.connect(port, { transport });
          const events: string[] = [];
          client.addEventListener("event", (e) => events.push((e as CustomEvent).detail.type));
          const p1 = client.command("about");
          await new Promise((r) => setTimeout(r, 20));
          const p2 = client.command("help");
          assertEquals(await Promise.all([p1, p2]), ["one", "two"]);
          assertEquals(events, ["CALL_RINGING"]);
          client.close();
        });
      },
    );

    await t.step("a refused command rejects with baresip's reason", async () => {
      await withServer(async (conn) => {
        const cmd = await readFrame(conn);
        await conn.write(
          encodeNetstring(
            JSON.stringify({ response: true, ok: false, data: "no active call", token: cmd.token }),
          ),
        );
        await conn.read(new Uint8Array(1));
      }, async (port) => {
        const client = await CtrlTcpClient.connect(port, { transport });
        await assertRejects(
          () => client.command("hold"),
          CtrlTcpError,
          "baresip refused 'hold': no active call",
        );
        client.close();
      });
    });

    await t.step("a command with no answer times out", async () => {
      await withServer(async (conn) => {
        await conn.read(new Uint8Array(4096));
        await conn.read(new Uint8Array(1));
      }, async (port) => {
        const client = await CtrlTcpClient.connect(port, { transport });
        await assertRejects(
          () => client.command("about", undefined, { timeoutMs: 100 }),
          CtrlTcpError,
          "did not answer 'about' within 100 ms",
        );
        client.close();
      });
    });

    await t.step(
      "malformed framing closes the connection with a clear error and fails pending commands",
      async () => {
        await withServer(async (conn) => {
          await conn.read(new Uint8Array(4096));
          await conn.write(new TextEncoder().encode("12:{not-netstr"));
          await conn.write(new TextEncoder().encode("ing}X"));
          await conn.read(new Uint8Array(1));
        }, async (port) => {
          const client = await CtrlTcpClient.connect(port, { transport });
          const pending = client.command("about");
          await assertRejects(() => pending, CtrlTcpError, "expected ','");
          const closedWith = await client.closed;
          assertEquals(closedWith instanceof CtrlTcpError, true);
          assertEquals(client.isClosed, true);
        });
      },
    );

    await t.step("JSON that is not a frame closes the connection with a clear error", async () => {
      await withServer(async (conn) => {
        await conn.write(encodeNetstring("{oops"));
        await conn.read(new Uint8Array(1));
      }, async (port) => {
        const client = await CtrlTcpClient.connect(port, { transport });
        const closedWith = await client.closed;
        assertEquals(closedWith?.message.includes("not JSON"), true);
      });
    });

    await t.step("an unreachable port fails to connect with the address", async () => {
      const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const port = (listener.addr as Deno.NetAddr).port;
      listener.close();
      await assertRejects(
        () => CtrlTcpClient.connect(port, { transport }),
        CtrlTcpError,
        `cannot connect to ctrl_tcp at 127.0.0.1:${port}`,
      );
    });
  });
}

Deno.test("on Linux with FFI allowed, ctrl_tcp connections acknowledge at once (quickack)", async () => {
  if (Deno.build.os !== "linux") return;
  assertEquals(preferredCtrlTransport(), "quickack");
  await withServer(async (conn) => {
    await conn.read(new Uint8Array(1));
  }, async (port) => {
    const client = await CtrlTcpClient.connect(port);
    assertEquals(client.transport, "quickack");
    client.close();
    await client.closed;
  });
});
