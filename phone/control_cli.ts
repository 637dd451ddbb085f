/**
 * What `ringo control` does once its command line is parsed: list the
 * running sessions, or send one command to one session and print the
 * answer — a line for people, or `{"ok","data","error"}` with `--json` —
 * with an exit code that tells success (0) from failure (1). `events`
 * prints one JSON object per line until Ctrl-C.
 *
 * @module
 */
import { consoleOutput, type Output, reportFailure } from "./output.ts";
import { ControlClient } from "./control/client.ts";
import { listSessions, resolveTarget } from "./control/registry.ts";
import { phonePaths } from "./paths.ts";

/**
 * `ringo control list [--json]`.
 *
 * @example
 * ```ts
 * await controlList({ json: false }); // "4242\twork\tsip:alice@pbx"
 * ```
 */
export async function controlList(
  options: { json: boolean; env?: Record<string, string | undefined> },
  output: Output = consoleOutput,
): Promise<number> {
  try {
    const sessions = await listSessions(phonePaths(options.env).sessionsDir);
    if (options.json) output.out(JSON.stringify(sessions));
    else if (sessions.length === 0) output.out("no running sessions");
    else for (const s of sessions) output.out(`${s.pid}\t${s.profile}\t${s.aor}`);
    return 0;
  } catch (error) {
    return reportFailure(error, output, options.json);
  }
}

/** Options of {@link controlSend}. */
export interface ControlSendOptions {
  target: string;
  command: string;
  args: readonly string[];
  json: boolean;
  env?: Record<string, string | undefined>;
  /** Ends a streaming command (default: Ctrl-C). */
  signal?: AbortSignal;
}

/**
 * `ringo control -t <target> <command> [args] [--json]`.
 *
 * @example
 * ```ts
 * Deno.exit(await controlSend({ target: "work", command: "dial", args: ["4711"], json: false }));
 * ```
 */
export async function controlSend(
  options: ControlSendOptions,
  output: Output = consoleOutput,
): Promise<number> {
  let client: ControlClient | undefined;
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  const signal = options.signal
    ? AbortSignal.any([options.signal, interrupt.signal])
    : interrupt.signal;
  try {
    Deno.addSignalListener("SIGINT", onSigint);
  } catch {
    // no signals here
  }
  try {
    const sessions = await listSessions(phonePaths(options.env).sessionsDir);
    const entry = resolveTarget(sessions, options.target);
    client = await ControlClient.connect(entry.socket);
    const answer = await client.request(options.command, options.args, {
      signal,
      onEvent: (event) => output.out(JSON.stringify(event)),
    });
    if (!answer) return 0; // interrupted (events until Ctrl-C)
    if (options.json) {
      output.out(
        JSON.stringify({ ok: answer.ok, data: answer.data ?? null, error: answer.error ?? null }),
      );
    } else if (answer.ok) {
      if (answer.text && options.command !== "events") output.out(answer.text);
    } else {
      output.err(`ringo: ${answer.error}${answer.hint ? `\n  hint: ${answer.hint}` : ""}`);
    }
    return answer.ok ? 0 : 1;
  } catch (error) {
    return reportFailure(error, output, options.json);
  } finally {
    client?.close();
    try {
      Deno.removeSignalListener("SIGINT", onSigint);
    } catch {
      // no signals here
    }
  }
}
