/**
 * The first thread of a scenario's sandbox: a Worker with the scenario's
 * permissions whose only job is to run the scenario thread (worker.ts) as a
 * `node:worker_threads` Worker under a heap limit — Deno's Workers have no
 * memory limit, and a Worker that exhausts V8's heap takes the whole
 * process down, whereas a thread with `resourceLimits` is stopped alone.
 * The scenario thread inherits this thread's permissions. Messages pass
 * through unchanged both ways (the host checks them, see messages.ts); when
 * the scenario thread ends on its own, the host gets an `exited` message.
 *
 * Terminating this Worker (the host's backstop) ends the scenario thread too.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { Worker } from "node:worker_threads";

/** What the host sends first. */
export interface RelayInit {
  type: "relay";
  /** Heap limit of the scenario thread (V8 old generation), in MiB. */
  heapMb: number;
}

let inner: Worker | undefined;
const early: unknown[] = [];

self.onmessage = (event: MessageEvent) => {
  if (inner) {
    inner.postMessage(event.data);
    return;
  }
  const init = event.data as RelayInit;
  if (init?.type !== "relay") {
    early.push(event.data);
    return;
  }
  inner = new Worker(new URL("./worker.ts", import.meta.url), {
    name: self.name,
    resourceLimits: { maxOldGenerationSizeMb: init.heapMb },
  });
  // Deno delivers the first message into a node:worker_threads thread
  // started from a Worker about half a second late (later ones at once):
  // a sandbox started ahead pays that now, before its file is sent.
  inner.postMessage({ type: "warm" });
  inner.on("message", (message: unknown) => self.postMessage(message));
  inner.on("error", (error: Error & { code?: string }) => {
    const memory = error.code === "ERR_WORKER_OUT_OF_MEMORY";
    self.postMessage({
      type: "exited",
      reason: memory ? "memory" : "error",
      message: memory
        ? `it used more than its ${init.heapMb} MiB memory limit`
        : String(error?.message ?? error),
    });
  });
  inner.on("exit", () => {
    self.postMessage({ type: "exited", reason: "exit", message: "the scenario's thread exited" });
  });
  for (const message of early.splice(0)) inner.postMessage(message);
};
