/**
 * Sandboxes started before they are needed. A scenario file's sandbox (a
 * Worker with the file's permissions, running the heap-limited scenario
 * thread, see relay.ts) takes about half a second to start — nearly all of
 * it waiting inside Deno, not computing — before it can load the file. A
 * run knows which files come next, so it starts their sandboxes while the
 * current scenarios run (or while the files are listed), and a file finds
 * its sandbox ready.
 *
 * A sandbox is bound to permissions, not to a file: files of one folder
 * (with the same grants and memory limit) share a key, and any spare with
 * that key serves any of them. A spare is used once.
 *
 * @module
 */
import { dirname } from "node:path";
import { RINGO_SANDBOX_MODULES, type SandboxGrants, workerPermissions } from "./permissions.ts";

/** What a sandbox's permissions depend on. */
export interface SandboxSpec {
  /** Absolute path of a scenario file it will load. */
  path: string;
  /** The folder that file may read besides its own (ScenarioFile.root). */
  root?: string;
  grants: SandboxGrants;
  /** Heap limit in MiB; 0 for none (a plain Worker, no relay). */
  memoryLimitMb: number;
}

/** A started sandbox, not yet given a file. */
export interface Sandbox {
  readonly worker: Worker;
  /** True when the scenario thread runs under a heap limit (through relay.ts). */
  readonly limited: boolean;
  /** The folders it may read (the file's own and its root). */
  readonly dirs: string[];
}

const WORKER_URL = new URL("./worker.ts", import.meta.url);
const RELAY_URL = new URL("./relay.ts", import.meta.url);

/**
 * Starts a sandbox for `spec`: the Worker, and (with a heap limit) the
 * relay's scenario thread, which then waits for the file to load.
 *
 * @example
 * ```ts
 * const sandbox = spawnSandbox({ path: "/flows/call.ts", grants: {}, memoryLimitMb: 512 });
 * ```
 */
export function spawnSandbox(spec: SandboxSpec): Sandbox {
  const dirs = sandboxDirs(spec);
  // The heap limit needs the relay (relay.ts), which starts worker.ts as a
  // node:worker_threads thread: that needs file URLs, and read access to them.
  const limited = WORKER_URL.protocol === "file:" && spec.memoryLimitMb !== 0;
  const moduleDirs = limited ? RINGO_SANDBOX_MODULES : [];
  const worker = new Worker(limited ? RELAY_URL : WORKER_URL, {
    type: "module",
    name: `ringo flow sandbox (${dirs[0]})`,
    deno: { permissions: workerPermissions(dirs, spec.grants, moduleDirs) },
  });
  if (limited) worker.postMessage({ type: "relay", heapMb: spec.memoryLimitMb });
  return { worker, limited, dirs };
}

/**
 * Spare sandboxes, started ahead and handed out by permissions. Idle, one
 * takes about 22 MB (measured on Linux x86-64).
 *
 * @example
 * ```ts
 * const pool = new SandboxPool({ spares: 2 });
 * pool.prepare([{ path: "/flows/b.ts", grants: {}, memoryLimitMb: 512 }]);
 * const sandbox = pool.take({ path: "/flows/b.ts", grants: {}, memoryLimitMb: 512 }); // started already
 * pool.close();
 * ```
 */
export class SandboxPool {
  readonly #spares = new Map<string, Sandbox[]>();
  readonly #limit: number;
  #count = 0;
  #closed = false;

  /** `spares`: the most sandboxes kept waiting at once (a cap on {@link prepare}). */
  constructor(options: { spares: number }) {
    this.#limit = Math.max(0, options.spares);
  }

  /** A spare with `spec`'s permissions, or a new sandbox. */
  take(spec: SandboxSpec): Sandbox {
    const list = this.#spares.get(keyOf(spec));
    const spare = list?.shift();
    if (spare) {
      this.#count--;
      return spare;
    }
    return spawnSandbox(spec);
  }

  /**
   * Makes sure a spare waits for each of `specs` (in order, as far as the
   * limit allows), counting the spares that already wait for the same
   * permissions.
   */
  prepare(specs: readonly SandboxSpec[]): void {
    if (this.#closed) return;
    const wanted = new Map<string, number>();
    for (const spec of specs) {
      if (this.#count >= this.#limit) return;
      const key = keyOf(spec);
      const need = (wanted.get(key) ?? 0) + 1;
      wanted.set(key, need);
      const list = this.#spares.get(key) ?? [];
      if (list.length >= need) continue;
      list.push(spawnSandbox(spec));
      this.#spares.set(key, list);
      this.#count++;
    }
  }

  /** Ends every spare; later `prepare` calls do nothing. */
  close(): void {
    this.#closed = true;
    for (const list of this.#spares.values()) for (const s of list) s.worker.terminate();
    this.#spares.clear();
    this.#count = 0;
  }
}

/** The folders a sandbox for `spec` may read: the file's own, and its root. */
export function sandboxDirs(spec: Pick<SandboxSpec, "path" | "root">): string[] {
  return [...new Set([dirname(spec.path), spec.root ?? dirname(spec.path)])];
}

function keyOf(spec: SandboxSpec): string {
  return JSON.stringify([sandboxDirs(spec), spec.grants, spec.memoryLimitMb]);
}
