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
 * Every connection is non-blocking and waits in one `poll(2)` call, made on
 * Deno's blocking thread pool and woken by an `eventfd` when the set of
 * waits changes: one extra thread for all connections, however many agents
 * run, and no timer. Errors are read from `poll`'s flags and `SO_ERROR`,
 * never from `errno` (which other threads' calls may have overwritten).
 * Linux only (x86-64 and arm64, whose socket constants are written here).
 *
 * @module
 */

const AF_INET = 2;
const SOCK_STREAM = 1;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const EFD_NONBLOCK = 0o4000;
const EFD_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1;
const SO_ERROR = 4;
const IPPROTO_TCP = 6;
const TCP_NODELAY = 1;
const TCP_QUICKACK = 12;
const SHUT_RDWR = 2;
const POLLIN = 0x1;
const POLLOUT = 0x4;
const POLLERR = 0x8;
const POLLHUP = 0x10;
const POLLNVAL = 0x20;
const POLLFD_BYTES = 8;
const READ_CHUNK = 64 * 1024;

const SYMBOLS = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  connect: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  shutdown: { parameters: ["i32", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  eventfd: { parameters: ["u32", "i32"], result: "i32" },
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
  strerror: { parameters: ["i32"], result: "pointer" },
} as const;

type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

let libc: Libc | undefined | null;

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
    const fd = lib.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
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
      if (revents & (POLLERR | POLLHUP | POLLNVAL)) {
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
      if (revents & (POLLERR | POLLHUP | POLLNVAL)) {
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

/** One poll thread for every socket; see the module documentation. */
class Reactor {
  readonly #lib: Libc;
  readonly #wakeFd: number;
  readonly #waits = new Map<number, Array<{ events: number; resolve(revents: number): void }>>();
  /** Descriptors closed while a poll round may hold them: released when it returns. */
  readonly #closing: Array<{ fd: number; resolve(): void }> = [];
  #polling = false;

  constructor(lib: Libc) {
    this.#lib = lib;
    this.#wakeFd = lib.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (this.#wakeFd < 0) throw new LibcSocketError("cannot create an eventfd");
  }

  /** Resolves with poll's flags once `fd` is ready for `events` (or failed). */
  wait(fd: number, events: number): Promise<number> {
    return new Promise((resolve) => {
      const list = this.#waits.get(fd) ?? [];
      list.push({ events, resolve });
      this.#waits.set(fd, list);
      this.#kick();
    });
  }

  /** Wakes the waits of `fd`, closes it once no poll round holds it. */
  release(fd: number): Promise<void> {
    for (const wait of this.#waits.get(fd) ?? []) wait.resolve(POLLHUP);
    this.#waits.delete(fd);
    return new Promise((resolve) => {
      this.#closing.push({ fd, resolve });
      this.#kick();
    });
  }

  #kick(): void {
    if (this.#polling) this.#wake();
    else void this.#loop();
  }

  #wake(): void {
    const one = new BigUint64Array([1n]);
    this.#lib.write(this.#wakeFd, new Uint8Array(one.buffer), 8n);
  }

  async #loop(): Promise<void> {
    this.#polling = true;
    try {
      while (true) {
        this.#closeReleased();
        if (this.#waits.size === 0) return;
        const fds = [this.#wakeFd, ...this.#waits.keys()];
        const table = new Uint8Array(fds.length * POLLFD_BYTES);
        const view = new DataView(table.buffer);
        fds.forEach((fd, i) => {
          const events = i === 0
            ? POLLIN
            : this.#waits.get(fd)!.reduce((all, w) => all | w.events, 0);
          view.setInt32(i * POLLFD_BYTES, fd, true);
          view.setInt16(i * POLLFD_BYTES + 4, events, true);
        });
        const ready = await this.#lib.poll(table, BigInt(fds.length), -1);
        if (ready <= 0) continue; // EINTR
        for (let i = 0; i < fds.length; i++) {
          const revents = view.getInt16(i * POLLFD_BYTES + 6, true);
          if (revents === 0) continue;
          if (i === 0) {
            this.#lib.read(this.#wakeFd, new Uint8Array(8), 8n);
            continue;
          }
          const fd = fds[i];
          const list = this.#waits.get(fd);
          if (!list) continue;
          const failed = revents & (POLLERR | POLLHUP | POLLNVAL);
          const woken = list.filter((w) => failed || (w.events & revents));
          const left = list.filter((w) => !woken.includes(w));
          if (left.length > 0) this.#waits.set(fd, left);
          else this.#waits.delete(fd);
          for (const w of woken) w.resolve(revents);
        }
      }
    } finally {
      this.#polling = false;
      this.#closeReleased();
    }
  }

  #closeReleased(): void {
    for (const { fd, resolve } of this.#closing.splice(0)) {
      this.#lib.close(fd);
      resolve();
    }
  }
}

let theReactor: Reactor | undefined;

function reactor(lib: Libc): Reactor {
  return theReactor ??= new Reactor(lib);
}

function loadLibc(): Libc | undefined {
  if (libc !== undefined) return libc ?? undefined;
  libc = null;
  if (Deno.build.os !== "linux" || !["x86_64", "aarch64"].includes(Deno.build.arch)) return;
  if (typeof Deno.dlopen !== "function") return;
  try {
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return;
    libc = Deno.dlopen("libc.so.6", SYMBOLS).symbols;
  } catch {
    libc = null;
  }
  return libc ?? undefined;
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

function describeErrno(lib: Libc, code: number): string {
  const text = lib.strerror(code);
  return text ? new Deno.UnsafePointerView(text).getCString() : `error ${code}`;
}
