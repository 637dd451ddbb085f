/**
 * One process-wide owner of cleanup: every baresip ringo starts is tracked
 * here, and whatever way ringo ends (normal end, error, Ctrl-C, SIGTERM) the
 * tracked processes are stopped. A SIGKILL of ringo itself is covered by the
 * kernel: agents are started under `setpriv --pdeathsig` where available.
 *
 * @module
 */

/** Something that can be stopped gracefully and, failing that, killed at once. */
export interface Stoppable {
  /** Graceful stop (quit, SIGTERM, SIGKILL); must not throw. */
  stop(): Promise<void>;
  /** Immediate, synchronous kill, used at process exit. */
  killNow(): void;
}

const tracked = new Set<Stoppable>();
let installed = false;
let signalHandler: ((signal: Deno.Signal) => Promise<void> | void) | undefined;

/** Exit codes for signals, as shells report them. */
export const SIGNAL_EXIT_CODES: Partial<Record<Deno.Signal, number>> = {
  SIGINT: 130,
  SIGTERM: 143,
};

/**
 * Tracks `item` until the returned function is called; installs the signal
 * and exit handlers on first use.
 */
export function track(item: Stoppable): () => void {
  installHandlers();
  tracked.add(item);
  return () => tracked.delete(item);
}

/** How many tracked processes are alive (for tests and diagnostics). */
export function trackedCount(): number {
  return tracked.size;
}

/** Stops every tracked process gracefully, in parallel. */
export async function stopAll(): Promise<void> {
  await Promise.all([...tracked].map((item) => item.stop()));
}

/**
 * Replaces the default reaction to SIGINT/SIGTERM (stop everything, exit with
 * 130/143). A tool that must report first (the flow runner) installs its own
 * and calls {@link stopAll} itself. Pass undefined to restore the default.
 */
export function onShutdownSignal(
  handler: ((signal: Deno.Signal) => Promise<void> | void) | undefined,
): void {
  installHandlers();
  signalHandler = handler;
}

function installHandlers(): void {
  if (installed) return;
  installed = true;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    try {
      Deno.addSignalListener(signal, () => void handleSignal(signal));
    } catch {
      // signals not supported here (e.g. Windows without SIGTERM)
    }
  }
  globalThis.addEventListener("unload", () => {
    for (const item of tracked) item.killNow();
  });
}

let handling = false;
async function handleSignal(signal: Deno.Signal): Promise<void> {
  if (signalHandler) {
    await signalHandler(signal);
    return;
  }
  if (handling) {
    for (const item of tracked) item.killNow();
    Deno.exit(SIGNAL_EXIT_CODES[signal] ?? 1);
  }
  handling = true;
  await Promise.race([stopAll(), new Promise((r) => setTimeout(r, 3000))]);
  for (const item of tracked) item.killNow();
  Deno.exit(SIGNAL_EXIT_CODES[signal] ?? 1);
}
