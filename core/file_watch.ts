/**
 * Wake-ups when something changes in a folder (a file written, created or
 * moved in): what a tone listener waits on between reads of a growing WAV.
 *
 * On Linux with FFI allowed, every watched folder is a watch on one inotify
 * descriptor of the process, read on the poll thread (`libc.ts`). Elsewhere
 * each watch is a `Deno.watchFs`. Not that one everywhere: creating a
 * `Deno.watchFs` while dozens of calls write their dumps was seen to block
 * ringo's main thread for minutes (50 listeners, Deno 2.9, Linux), which
 * stalled every agent of the run.
 *
 * @module
 */
import { CLOEXEC, type Libc, loadLibc, NONBLOCK, POLL_FAILED, POLLIN, reactor } from "./libc.ts";

/** Changes in one folder. */
export interface FolderWatch {
  /**
   * Resolves at the next change after the previous one was taken (at once
   * when one came meanwhile); resolves too once the watch is closed.
   */
  next(): Promise<void>;
  /** Ends the watch. */
  close(): void;
}

/**
 * Watches `dir` (not its subfolders) for files written, created or moved in.
 *
 * @example
 * ```ts
 * const watch = watchFolder("/tmp/agent/audio");
 * await watch.next(); // a dump grew
 * watch.close();
 * ```
 */
export function watchFolder(dir: string): FolderWatch {
  const lib = loadLibc();
  if (lib) {
    const watch = inotify(lib).add(dir);
    if (watch) return watch;
  }
  return denoWatch(dir);
}

const IN_MODIFY = 0x2;
const IN_CLOSE_WRITE = 0x8;
const IN_MOVED_TO = 0x80;
const IN_CREATE = 0x100;
const IN_ONLYDIR = 0x01000000;
const WATCH_MASK = IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_ONLYDIR;
const EVENT_HEADER_BYTES = 16;

/** One change signal: a flag and the waiters of the next change. */
class Signal implements FolderWatch {
  #pending = false;
  #closed = false;
  #waiters: Array<() => void> = [];
  constructor(private readonly onClose: (signal: Signal) => void) {}

  fire(): void {
    this.#pending = true;
    for (const resolve of this.#waiters.splice(0)) resolve();
  }

  next(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#pending && this.#waiters.length === 0) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.#waiters.push(() => {
        this.#pending = false;
        resolve();
      })
    );
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const resolve of this.#waiters.splice(0)) resolve();
    this.onClose(this);
  }
}

/** The process's inotify descriptor and its watches. */
class Inotify {
  readonly #lib: Libc;
  #fd = -1;
  readonly #byWd = new Map<number, Set<Signal>>();

  constructor(lib: Libc) {
    this.#lib = lib;
  }

  /** A watch of `dir`, or undefined when inotify refuses it (then Deno's watcher is used). */
  add(dir: string): FolderWatch | undefined {
    if (this.#fd < 0) {
      this.#fd = this.#lib.inotify_init1(NONBLOCK | CLOEXEC);
      if (this.#fd < 0) return undefined;
      void this.#read(this.#fd);
    }
    const path = new TextEncoder().encode(`${dir}\0`);
    const wd = this.#lib.inotify_add_watch(this.#fd, path, WATCH_MASK);
    if (wd < 0) {
      this.#closeIfIdle();
      return undefined;
    }
    const signals = this.#byWd.get(wd) ?? new Set();
    this.#byWd.set(wd, signals);
    const signal = new Signal((s) => this.#remove(wd, s));
    signals.add(signal);
    return signal;
  }

  #remove(wd: number, signal: Signal): void {
    const signals = this.#byWd.get(wd);
    if (!signals?.delete(signal) || signals.size > 0) return;
    this.#byWd.delete(wd);
    this.#lib.inotify_rm_watch(this.#fd, wd);
    this.#closeIfIdle();
  }

  /** With no watch left, the descriptor closes (and its read ends): nothing waits for nothing. */
  #closeIfIdle(): void {
    if (this.#byWd.size > 0 || this.#fd < 0) return;
    void reactor(this.#lib).release(this.#fd);
    this.#fd = -1;
  }

  async #read(fd: number): Promise<void> {
    const buffer = new Uint8Array(64 * 1024);
    const view = new DataView(buffer.buffer);
    while (this.#fd === fd) {
      const revents = await reactor(this.#lib).wait(fd, POLLIN);
      if (this.#fd !== fd || revents & POLL_FAILED) return;
      const n = Number(this.#lib.read(fd, buffer, BigInt(buffer.length)));
      for (let at = 0; at + EVENT_HEADER_BYTES <= n;) {
        const wd = view.getInt32(at, true);
        const nameLength = view.getUint32(at + 12, true);
        for (const signal of this.#byWd.get(wd) ?? []) signal.fire();
        at += EVENT_HEADER_BYTES + nameLength;
      }
    }
  }
}

let theInotify: Inotify | undefined;

function inotify(lib: Libc): Inotify {
  return theInotify ??= new Inotify(lib);
}

/** A watch with `Deno.watchFs` (platforms without libc sockets). */
function denoWatch(dir: string): FolderWatch {
  const watcher = Deno.watchFs(dir, { recursive: false });
  const signal = new Signal(() => watcher.close());
  (async () => {
    for await (const _ of watcher) signal.fire();
  })().catch(() => {});
  return signal;
}
