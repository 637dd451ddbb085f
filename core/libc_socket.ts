/**
 * A TCP connection to a local port through libc (Deno's FFI), for the one
 * thing Deno's own TCP API cannot do: acknowledge every received segment at
 * once (`TCP_QUICKACK`, re-armed after each read, as Linux clears it).
 *
 * Why it matters: baresip's ctrl_tcp socket has Nagle's algorithm on, so
 * an event frame waits in baresip's send buffer until the previous frame is
 * acknowledged, and Linux delays that acknowledgement by 40 ms. Every step
 * that waits for a second frame (ringing, established, closed, registered)
 * paid those 40 ms; with quick acknowledgements it does not.
 *
 * Each connection is non-blocking and waits on the process's one poll
 * thread (`libc.ts`). Linux only, with FFI allowed.
 *
 * @module
 */
import {
  CLOEXEC,
  describeErrno,
  type Libc,
  loadLibc,
  NONBLOCK,
  POLL_FAILED,
  POLLHUP,
  POLLIN,
  POLLNVAL,
  POLLOUT,
  reactor,
} from "./libc.ts";

const AF_INET = 2;
const SOCK_STREAM = 1;
const SOL_SOCKET = 1;
const SO_ERROR = 4;
const IPPROTO_TCP = 6;
const TCP_NODELAY = 1;
const TCP_QUICKACK = 12;
const SHUT_RDWR = 2;
const READ_CHUNK = 64 * 1024;

/**
 * True where this module works: Linux on x86-64 or arm64, FFI allowed
 * (`--allow-ffi` or `--allow-all`), and libc loads.
 *
 * @example
 * ```ts
 * if (libcSocketsAvailable()) console.log("ctrl_tcp acknowledges at once");
 * ```
 */
export function libcSocketsAvailable(): boolean {
  return loadLibc() !== undefined;
}

/** Raised when a libc socket cannot connect, or its connection fails. */
export class LibcSocketError extends Error {
  override name = "LibcSocketError";
}

/**
 * Connects to `ipv4:port` with TCP_NODELAY and quick acknowledgements.
 * Throws {@link LibcSocketError} (`Connection refused`, …) when the
 * connection fails, or when {@link libcSocketsAvailable} is false.
 *
 * @example
 * ```ts
 * const socket = await LibcSocket.connect("127.0.0.1", 4444);
 * await socket.write(new TextEncoder().encode('30:{"command":"about","token":"1"},'));
 * const buffer = new Uint8Array(4096);
 * const n = await socket.read(buffer); // bytes of the answer, or null at the end
 * socket.close();
 * ```
 */
export class LibcSocket {
  readonly #fd: number;
  readonly #lib: Libc;
  #closed = false;
  /** Settles once the descriptor is released (no poll round still holds it). */
  #released?: Promise<void>;

  private constructor(fd: number, lib: Libc) {
    this.#fd = fd;
    this.#lib = lib;
  }

  /** See the class documentation. */
  static async connect(ipv4: string, port: number): Promise<LibcSocket> {
    const lib = loadLibc();
    if (!lib) throw new LibcSocketError("libc sockets are not available here");
    const address = sockaddrIn(ipv4, port);
    const fd = lib.socket(AF_INET, SOCK_STREAM | NONBLOCK | CLOEXEC, 0);
    if (fd < 0) throw new LibcSocketError("cannot create a socket");
    const socket = new LibcSocket(fd, lib);
    try {
      setFlag(lib, fd, IPPROTO_TCP, TCP_NODELAY);
      if (lib.connect(fd, address, address.byteLength) !== 0) {
        // Non-blocking: usually EINPROGRESS; the outcome comes with POLLOUT.
        const revents = await reactor(lib).wait(fd, POLLOUT);
        const error = socketError(lib, fd);
        if (error !== 0) throw new LibcSocketError(describeErrno(lib, error));
        if (revents & (POLLHUP | POLLNVAL)) throw new LibcSocketError("connection failed");
      }
      setFlag(lib, fd, IPPROTO_TCP, TCP_QUICKACK);
      return socket;
    } catch (error) {
      socket.close();
      await socket.#released;
      throw error;
    }
  }

  /**
   * Reads what has arrived into `buffer` (waiting for it), acknowledging it
   * at once; resolves with the byte count, or null at the end of the stream
   * or after {@link close}.
   */
  async read(buffer: Uint8Array): Promise<number | null> {
    while (!this.#closed) {
      const revents = await reactor(this.#lib).wait(this.#fd, POLLIN);
      if (this.#closed) break;
      const view = buffer.length > READ_CHUNK ? buffer.subarray(0, READ_CHUNK) : buffer;
      const n = Number(this.#lib.read(this.#fd, view, BigInt(view.length)));
      if (n > 0) {
        // Not sticky: the kernel goes back to delayed ACKs after a while.
        setFlag(this.#lib, this.#fd, IPPROTO_TCP, TCP_QUICKACK);
        return n;
      }
      if (n === 0) return null;
      if (revents & POLL_FAILED) {
        const error = socketError(this.#lib, this.#fd);
        throw new LibcSocketError(error ? describeErrno(this.#lib, error) : "connection lost");
      }
      // -1 without an error flag: a spurious wake-up (EAGAIN); wait again.
    }
    await this.#released;
    return null;
  }

  /** Writes as much of `bytes` as the socket takes, waiting while its buffer is full. */
  async write(bytes: Uint8Array): Promise<number> {
    while (!this.#closed) {
      const n = Number(this.#lib.write(this.#fd, bytes, BigInt(bytes.length)));
      if (n >= 0) return n;
      const revents = await reactor(this.#lib).wait(this.#fd, POLLOUT);
      if (revents & POLL_FAILED) {
        const error = socketError(this.#lib, this.#fd);
        throw new LibcSocketError(error ? describeErrno(this.#lib, error) : "connection lost");
      }
    }
    throw new LibcSocketError("the socket is closed");
  }

  /**
   * Ends the connection: pending reads resolve null once the descriptor is
   * released (after the poll round that may still watch it returns).
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#lib.shutdown(this.#fd, SHUT_RDWR);
    this.#released = reactor(this.#lib).release(this.#fd);
  }

  /** Resolves once {@link close} has released the descriptor. */
  get released(): Promise<void> {
    return this.#released ?? Promise.resolve();
  }
}

function sockaddrIn(ipv4: string, port: number): Uint8Array {
  const parts = ipv4.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new LibcSocketError(`not an IPv4 address: ${ipv4}`);
  }
  const address = new Uint8Array(16);
  const view = new DataView(address.buffer);
  view.setUint16(0, AF_INET, true);
  view.setUint16(2, port, false);
  address.set(parts, 4);
  return address;
}

function setFlag(lib: Libc, fd: number, level: number, option: number): void {
  const one = new Int32Array([1]);
  lib.setsockopt(fd, level, option, new Uint8Array(one.buffer), 4);
}

function socketError(lib: Libc, fd: number): number {
  const value = new Int32Array(1);
  const length = new Uint32Array([4]);
  const ok = lib.getsockopt(
    fd,
    SOL_SOCKET,
    SO_ERROR,
    new Uint8Array(value.buffer),
    new Uint8Array(length.buffer),
  );
  return ok === 0 ? value[0] : 0;
}
