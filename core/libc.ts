/**
 * libc through Deno's FFI, for the few things Deno's own APIs do badly at
 * scale (see `libc_socket.ts` and `file_watch.ts`), and the one poll thread
 * every such descriptor waits on.
 *
 * The poll thread: every descriptor ringo waits on waits in one `poll(2)`
 * call, made on Deno's blocking thread pool and woken by an `eventfd` when
 * the set of waits changes — one thread however many agents run, and no
 * timer. When nothing waits, no poll runs (and nothing keeps the process
 * alive). A descriptor is closed only between poll rounds, so its number
 * cannot be reused while a round still watches it.
 *
 * Errors are read from `poll`'s flags and from `SO_ERROR`, never from
 * `errno`, which other threads' calls may have overwritten. Linux only
 * (x86-64 and arm64, whose constants are written here), with FFI allowed
 * (`--allow-ffi` or `--allow-all`).
 *
 * @module
 */

/** `poll(2)` flags. */
export const POLLIN = 0x1;
export const POLLOUT = 0x4;
export const POLLERR = 0x8;
export const POLLHUP = 0x10;
export const POLLNVAL = 0x20;
/** Any of these in `revents`: the descriptor failed or its peer hung up. */
export const POLL_FAILED = POLLERR | POLLHUP | POLLNVAL;

/** `O_NONBLOCK` / `O_CLOEXEC` as the flags of socket(), eventfd() and inotify_init1(). */
export const NONBLOCK = 0o4000;
export const CLOEXEC = 0o2000000;

const POLLFD_BYTES = 8;

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
  inotify_init1: { parameters: ["i32"], result: "i32" },
  inotify_add_watch: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  inotify_rm_watch: { parameters: ["i32", "i32"], result: "i32" },
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
  strerror: { parameters: ["i32"], result: "pointer" },
} as const;

/** The libc functions ringo calls. */
export type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

let libc: Libc | null | undefined;

/**
 * libc, or undefined where it cannot be used: not Linux on x86-64 or
 * arm64, FFI not allowed, or libc does not load.
 *
 * @example
 * ```ts
 * const lib = loadLibc();
 * if (lib) console.log("ctrl_tcp acknowledges at once; file waits use inotify");
 * ```
 */
export function loadLibc(): Libc | undefined {
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

/**
 * The system's sentence for error number `code` (`Connection refused`).
 *
 * @example
 * ```ts
 * describeErrno(loadLibc()!, 111); // "Connection refused"
 * ```
 */
export function describeErrno(lib: Libc, code: number): string {
  const text = lib.strerror(code);
  return text ? new Deno.UnsafePointerView(text).getCString() : `error ${code}`;
}

/** The poll thread; see the module documentation. */
export class Reactor {
  readonly #lib: Libc;
  readonly #wakeFd: number;
  readonly #waits = new Map<number, Array<{ events: number; resolve(revents: number): void }>>();
  /** Descriptors released while a poll round may hold them: closed when it returns. */
  readonly #closing: Array<{ fd: number; resolve(): void }> = [];
  #polling = false;

  constructor(lib: Libc) {
    this.#lib = lib;
    this.#wakeFd = lib.eventfd(0, NONBLOCK | CLOEXEC);
    if (this.#wakeFd < 0) throw new Error("cannot create an eventfd");
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

  /** Wakes the waits of `fd` (with POLLHUP) and closes it once no poll round holds it. */
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
          const failed = revents & POLL_FAILED;
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

/**
 * The process's poll thread.
 *
 * @example
 * ```ts
 * const revents = await reactor(loadLibc()!).wait(fd, POLLIN);
 * ```
 */
export function reactor(lib: Libc): Reactor {
  return theReactor ??= new Reactor(lib);
}
