/**
 * Where the phone's commands print, and how they report a failure: one
 * line `ringo: <sentence>` (and its hint) on standard error, exit code 1.
 * Tests pass their own {@link Output}.
 *
 * @module
 */
import { describeError, RingoError } from "../core/errors.ts";

/** Where output goes. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

/** Standard output and standard error. */
export const consoleOutput: Output = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

/**
 * Prints `error` as one sentence (with its hint) and returns exit code 1;
 * with `json`, prints `{"ok":false,"data":null,"error":…}` on standard
 * output instead. Errors that are not ringo's are printed as they are.
 */
export function reportFailure(error: unknown, output: Output, json = false): number {
  const message = error instanceof Error ? error.message : String(error);
  if (json) output.out(JSON.stringify({ ok: false, data: null, error: message }));
  else output.err(`ringo: ${error instanceof RingoError ? describeError(error) : message}`);
  return 1;
}
