/**
 * The limit on open files (file descriptors), which bounds how many agents
 * one ringo process runs: each takes about {@link FILES_PER_AGENT} (its
 * ctrl_tcp socket, baresip's stdout and stderr pipes, the spawn itself).
 * Deno raises the soft limit to the hard one at start-up, so what is left
 * to say when it runs out is which limit it was and how to raise it.
 *
 * @module
 */
import { AgentError } from "./errors.ts";

/** Descriptors one running agent holds in ringo's process (measured: 4–5). */
export const FILES_PER_AGENT = 5;

/** This process's limit on open files, from /proc (Linux); undefined elsewhere. */
export function openFileLimit(): { soft: number; hard: number } | undefined {
  try {
    const line = Deno.readTextFileSync("/proc/self/limits").split("\n")
      .find((l) => l.startsWith("Max open files"));
    const [soft, hard] = (line?.match(/(\d+|unlimited)\s+(\d+|unlimited)/)?.slice(1) ?? [])
      .map((v) => (v === "unlimited" ? Infinity : Number(v)));
    return soft === undefined ? undefined : { soft, hard };
  } catch {
    return undefined;
  }
}

/**
 * When `error` says the process ran out of file descriptors (EMFILE),
 * one sentence naming the limit and how to raise it; otherwise undefined.
 *
 * @example
 * ```ts
 * try {
 *   await Agent.start({ name: "A" });
 * } catch (error) {
 *   throw tooManyOpenFiles(error, 'agent "A"') ?? error;
 * }
 * ```
 */
export function tooManyOpenFiles(error: unknown, what: string): AgentError | undefined {
  const text = error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : "";
  if (!/too many open files|os error 24|EMFILE/i.test(text)) return undefined;
  const limit = openFileLimit();
  const soft = limit && Number.isFinite(limit.soft) ? limit.soft : undefined;
  const agents = soft ? ` (about ${Math.floor(soft / FILES_PER_AGENT)} agents)` : "";
  return new AgentError(
    `${what} could not start: ringo ran out of file descriptors, its limit is ` +
      `${soft ?? "unknown"} open files${agents} at ${FILES_PER_AGENT} per agent`,
    {
      hint: `raise it in the shell that starts ringo (\`ulimit -n ${
        soft ? soft * 4 : 65536
      }\`; past the hard limit as root, or LimitNOFILE= for a service) or run fewer agents at once`,
      cause: error,
    },
  );
}
