/**
 * The byte stream under a ctrl_tcp client, and which one to use: a libc
 * socket that acknowledges every segment at once where Deno's FFI allows it
 * (Linux, `--allow-ffi`), else Deno's own TCP connection, on which each
 * event frame after the first may wait 40 ms for a delayed ACK (see
 * `libc_socket.ts` for why).
 *
 * `RINGO_CTRL_TCP=deno` forces Deno's connection (to compare, or where FFI
 * misbehaves); `RINGO_CTRL_TCP=quickack` insists on the libc socket and
 * fails where it is not available.
 *
 * @module
 */
import { LibcSocket, libcSocketsAvailable } from "./libc_socket.ts";

/** How a {@link CtrlSocket} talks to the kernel. */
export type CtrlTransport = "quickack" | "deno";

/** What a ctrl_tcp client reads from and writes to. */
export interface CtrlSocket {
  /** Which kind of connection this is. */
  readonly transport: CtrlTransport;
  /** Resolves with the bytes read into `buffer`, or null at the end of the stream. */
  read(buffer: Uint8Array): Promise<number | null>;
  /** Resolves with how many bytes of `bytes` were written. */
  write(bytes: Uint8Array): Promise<number>;
  /** Ends the connection; a pending read resolves null (or rejects). */
  close(): void;
}

/**
 * The transport {@link connectCtrlSocket} uses: `RINGO_CTRL_TCP` when set,
 * else `quickack` where libc sockets are available, else `deno`.
 *
 * @example
 * ```ts
 * preferredCtrlTransport(); // "quickack" on Linux with --allow-all
 * ```
 */
export function preferredCtrlTransport(): CtrlTransport {
  const asked = readEnv("RINGO_CTRL_TCP");
  if (asked === "deno" || asked === "quickack") return asked;
  return libcSocketsAvailable() ? "quickack" : "deno";
}

/**
 * Connects to `hostname:port` (an IPv4 address or `localhost` for the
 * libc socket; anything else uses Deno's connection).
 *
 * @example
 * ```ts
 * const socket = await connectCtrlSocket("127.0.0.1", 4444);
 * socket.transport; // "quickack"
 * socket.close();
 * ```
 */
export async function connectCtrlSocket(
  hostname: string,
  port: number,
  transport: CtrlTransport = preferredCtrlTransport(),
): Promise<CtrlSocket> {
  const ipv4 = hostname === "localhost" ? "127.0.0.1" : hostname;
  if (transport === "quickack" && /^\d+\.\d+\.\d+\.\d+$/.test(ipv4)) {
    const socket = await LibcSocket.connect(ipv4, port);
    return {
      transport: "quickack",
      read: (buffer) => socket.read(buffer),
      write: (bytes) => socket.write(bytes),
      close: () => socket.close(),
    };
  }
  const conn = await Deno.connect({ hostname, port, transport: "tcp" });
  conn.setNoDelay(true);
  return {
    transport: "deno",
    read: (buffer) => conn.read(buffer),
    write: (bytes) => conn.write(bytes),
    close: () => conn.close(),
  };
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no env permission: the default
  }
}
