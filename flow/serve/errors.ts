/**
 * The error class of `ringo flow serve`: a bad config, a listen address that
 * auth rules forbid, an archive that cannot be opened. Its message names
 * what was expected and what was found; `hint` says how to fix it.
 *
 * @module
 */
import { RingoError } from "../../core/errors.ts";

/**
 * Something `ringo flow serve` cannot work with, told in one sentence.
 *
 * @example
 * ```ts
 * throw new ServeError("monitor.toml: monitor \"pbx\": schedule: expected 5 or 6 fields, got 3", {
 *   hint: "e.g. \"*\/5 * * * *\" runs it every five minutes",
 * });
 * ```
 */
export class ServeError extends RingoError {}
