/**
 * Desktop notifications: `notify-send` on Linux and the BSDs,
 * `osascript` on macOS, when present. Fire and forget: a notification
 * never delays the session, and one that hangs is killed.
 *
 * @module
 */
import { findExecutable, pathDirs } from "../core/executables.ts";
import type { SessionLog } from "./session_log.ts";

/** How long a notifier may take. */
const NOTIFY_TIMEOUT_MS = 5000;

/** Something that shows a desktop notification. */
export interface Notifier {
  /** Shows `title` / `body`; resolves when the notifier finished (or was killed). */
  notify(title: string, body: string): Promise<void>;
}

/**
 * The notifier of this system, or undefined when it has none (or when
 * notifications are off).
 *
 * @example
 * ```ts
 * const notifier = findNotifier(log);
 * notifier?.notify("ringo: call from Bob", "sip:bob@pbx");
 * ```
 */
export function findNotifier(
  log: SessionLog,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): Notifier | undefined {
  if (Deno.build.os === "darwin") {
    const osascript = findExecutable("osascript", pathDirs(env));
    if (!osascript) return undefined;
    return commandNotifier(osascript, (title, body) => [
      "-e",
      `display notification ${appleString(body)} with title ${appleString(title)}`,
    ], log);
  }
  const notifySend = findExecutable("notify-send", pathDirs(env));
  if (!notifySend) return undefined;
  return commandNotifier(notifySend, (title, body) => ["--app-name=ringo", "--", title, body], log);
}

function commandNotifier(
  binary: string,
  args: (title: string, body: string) => string[],
  log: SessionLog,
): Notifier {
  return {
    async notify(title, body) {
      try {
        const out = await new Deno.Command(binary, {
          args: args(title, body),
          stdin: "null",
          stdout: "null",
          stderr: "piped",
          signal: AbortSignal.timeout(NOTIFY_TIMEOUT_MS),
        }).output();
        if (out.code !== 0) {
          log.warn(
            `${binary} exited with code ${out.code}: ${
              new TextDecoder().decode(out.stderr).trim()
            }`,
          );
        }
      } catch (error) {
        log.warn(`${binary} failed: ${(error as Error).message}`);
      }
    },
  };
}

function appleString(text: string): string {
  return `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}
