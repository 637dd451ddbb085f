import { assertEquals, assertRejects } from "../assert.ts";
import { LibcSocket, LibcSocketError, libcSocketsAvailable } from "../../core/libc_socket.ts";

const available = libcSocketsAvailable();

/** A listener on a free loopback port whose first connection `serve` handles. */
async function withPeer(
  serve: (conn: Deno.Conn) => Promise<void>,
  body: (port: number) => Promise<void>,
): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served = listener.accept().then(async (conn) => {
    try {
      await serve(conn);
    } finally {
      try {
        conn.close();
      } catch { /* closed already */ }
    }
  });
  try {
    await body((listener.addr as Deno.NetAddr).port);
  } finally {
    listener.close();
    await served.catch(() => {});
  }
}

async function readAll(socket: LibcSocket, bytes: number): Promise<Uint8Array> {
  const out = new Uint8Array(bytes);
  let got = 0;
  const buffer = new Uint8Array(16 * 1024);
  while (got < bytes) {
    const n = await socket.read(buffer);
    if (n === null) break;
    out.set(buffer.subarray(0, n), got);
    got += n;
  }
  return out.subarray(0, got);
}

Deno.test({
  name: "libc sockets",
  ignore: !available,
  fn: async (t) => {
    await t.step("carry 4 MiB each way, waiting while the peer's buffer is full", async () => {
      const size = 4 * 1024 * 1024;
      const sent = crypto.getRandomValues(new Uint8Array(65536));
      const pattern = (i: number) => sent[i % sent.length];
      await withPeer(async (conn) => {
        // Echo everything back, slowly enough that the client's writes block.
        const buffer = new Uint8Array(8192);
        let echoed = 0;
        while (echoed < size) {
          const n = await conn.read(buffer);
          if (n === null) break;
          let off = 0;
          while (off < n) off += await conn.write(buffer.subarray(off, n));
          echoed += n;
        }
      }, async (port) => {
        const socket = await LibcSocket.connect("127.0.0.1", port);
        const data = new Uint8Array(size).map((_, i) => pattern(i));
        const reading = readAll(socket, size);
        let written = 0;
        while (written < size) written += await socket.write(data.subarray(written));
        const back = await reading;
        assertEquals(back.length, size);
        assertEquals(back.every((b, i) => b === pattern(i)), true);
        socket.close();
        await socket.released;
      });
    });

    await t.step("a read pending when the socket closes resolves null", async () => {
      await withPeer(async (conn) => {
        await conn.read(new Uint8Array(1));
      }, async (port) => {
        const socket = await LibcSocket.connect("127.0.0.1", port);
        const pending = socket.read(new Uint8Array(16));
        socket.close();
        assertEquals(await pending, null);
      });
    });

    await t.step("the peer closing ends the stream with null", async () => {
      await withPeer(async (conn) => {
        await conn.write(new TextEncoder().encode("bye"));
      }, async (port) => {
        const socket = await LibcSocket.connect("127.0.0.1", port);
        assertEquals(new TextDecoder().decode(await readAll(socket, 100)), "bye");
        socket.close();
      });
    });

    await t.step("a closed port is refused with the system's sentence", async () => {
      const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const port = (listener.addr as Deno.NetAddr).port;
      listener.close();
      await assertRejects(
        () => LibcSocket.connect("127.0.0.1", port),
        LibcSocketError,
        "Connection refused",
      );
    });

    await t.step("fifty connections at once each get their own bytes", async () => {
      const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const port = (listener.addr as Deno.NetAddr).port;
      const count = 50;
      const served = (async () => {
        const conns: Deno.Conn[] = [];
        for (let i = 0; i < count; i++) conns.push(await listener.accept());
        await Promise.all(conns.map(async (conn) => {
          const buffer = new Uint8Array(64);
          const n = (await conn.read(buffer)) ?? 0;
          await conn.write(buffer.subarray(0, n).reverse());
          await conn.read(new Uint8Array(1));
          conn.close();
        }));
      })();
      const sockets = await Promise.all(
        Array.from({ length: count }, () => LibcSocket.connect("127.0.0.1", port)),
      );
      const answers = await Promise.all(sockets.map(async (socket, i) => {
        await socket.write(new TextEncoder().encode(`#${i}`));
        return new TextDecoder().decode(await readAll(socket, `#${i}`.length));
      }));
      assertEquals(answers, sockets.map((_, i) => [...`#${i}`].reverse().join("")));
      for (const socket of sockets) socket.close();
      await Promise.all(sockets.map((socket) => socket.released));
      await served;
      listener.close();
    });
  },
});
