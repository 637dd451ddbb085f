/**
 * What the sandbox takes away from a scenario thread before the scenario
 * loads, beyond what Deno's permissions refuse: APIs that write or share
 * state without a write permission (CacheStorage and Deno KV write to
 * Deno's own folders, BroadcastChannel talks to other Workers), calls that
 * change the whole process (the working folder, the umask), nested threads
 * (they would start without the import guard), Deno's internals, and
 * direct writes to ringo's stdout (a scenario could forge report lines):
 * `console.*` becomes the scenario's `log()`.
 *
 * Each removed API reads as `undefined` afterwards; a call through a kept
 * reference is impossible because none is kept.
 *
 * @module
 */

/** Globals removed from the scenario thread, with the reason shown when one is missing. */
export const REMOVED_GLOBALS = [
  "caches",
  "CacheStorage",
  "Cache",
  "localStorage",
  "sessionStorage",
  "Storage",
  "indexedDB",
  "BroadcastChannel",
  "Worker",
  "SharedWorker",
  "require",
] as const;

/** Members of `Deno` removed from the scenario thread. */
export const REMOVED_DENO = [
  "Kv",
  "KvU64",
  "AtomicOperation",
  "stdin",
  "stdout",
  "stderr",
] as const;

/** Functions of `Deno` that throw, in ringo's words, instead of working. */
export const REFUSED_DENO: Record<string, string> = {
  openKv:
    "scenarios may not write (Deno KV writes to Deno's folders; ringo has no flag to allow it)",
  cron: "scenarios may not schedule jobs",
  chdir: "scenarios may not change ringo's working folder",
  umask: "scenarios may not change ringo's file mode mask",
};

/** Members of Node's `process` removed (they bypass `Deno`'s members). */
const REMOVED_PROCESS = [
  "chdir",
  "umask",
  "getBuiltinModule",
  "binding",
  "dlopen",
  "stdin",
  "stdout",
  "stderr",
];

/**
 * Removes the APIs above from this thread and routes `console` output to
 * `log(level, text)`.
 *
 * @example
 * ```ts
 * lockDown((level, text) => rt.log(text, level));
 * typeof caches; // "undefined"
 * ```
 */
export function lockDown(
  log: (level: "debug" | "info" | "warn" | "error", text: string) => void,
): void {
  const global = globalThis as Record<PropertyKey, unknown>;
  for (const name of REMOVED_GLOBALS) removeEverywhere(global, name);
  const deno = Deno as unknown as Record<PropertyKey, unknown>;
  for (const name of REMOVED_DENO) remove(deno, name);
  for (const [name, why] of Object.entries(REFUSED_DENO)) {
    remove(deno, name);
    if (!Object.hasOwn(deno, name)) {
      Object.defineProperty(deno, name, {
        value: () => {
          throw new Error(`Deno.${name}() is not available: ${why}`);
        },
        writable: false,
        configurable: false,
      });
    }
  }
  remove(deno, (Deno as unknown as { internal: symbol }).internal);
  const process = global.process as Record<string, unknown> | undefined;
  if (process) { for (const name of REMOVED_PROCESS) remove(process, name); }
  routeConsole(log);
}

function routeConsole(
  log: (level: "debug" | "info" | "warn" | "error", text: string) => void,
): void {
  const format = (args: unknown[]) =>
    args.map((a) => typeof a === "string" ? a : Deno.inspect(a, { depth: 4, colors: false }))
      .join(" ");
  const levels = {
    log: "info",
    info: "info",
    debug: "debug",
    trace: "debug",
    warn: "warn",
    error: "error",
    dir: "info",
    table: "info",
  } as const;
  for (const [method, level] of Object.entries(levels)) {
    Object.defineProperty(console, method, {
      value: (...args: unknown[]) => log(level, format(args)),
      writable: false,
      configurable: false,
    });
  }
}

/** Deletes `name` from `target` and every prototype that has it. */
function removeEverywhere(target: object, name: PropertyKey): void {
  for (let o: object | null = target; o !== null; o = Object.getPrototypeOf(o)) remove(o, name);
}

function remove(target: object, name: PropertyKey): void {
  if (!Object.hasOwn(target, name)) return;
  try {
    if (!Reflect.deleteProperty(target, name)) {
      Object.defineProperty(target, name, {
        value: undefined,
        writable: false,
        configurable: false,
      });
    }
  } catch {
    // a frozen member: it stays, and the tests say so
  }
}
