/**
 * Sizes on the command line (`--memory-limit 512MB`): a number with an
 * optional unit, KB/MB/GB (or KiB/MiB/GiB, the same here: powers of 1024),
 * read as MiB; `none` (or `off`, `0`) is 0: no limit.
 *
 * @module
 */
import { RingoError } from "../core/errors.ts";

const UNITS: Record<string, number> = { k: 1 / 1024, m: 1, g: 1024 };

/**
 * `text` in MiB, rounded up.
 *
 * @example
 * ```ts
 * parseMebibytes("512MB"); // 512
 * parseMebibytes("2g"); // 2048
 * parseMebibytes("300"); // 300
 * ```
 * @throws {RingoError} when `text` is not a positive size.
 */
export function parseMebibytes(text: string, flag = "--memory-limit"): number {
  if (/^\s*(none|off|0)\s*$/i.test(text)) return 0;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:([kmg])(?:i?b)?)?\s*$/i.exec(text);
  const mib = match ? Number(match[1]) * UNITS[(match[2] ?? "m").toLowerCase()] : NaN;
  if (!Number.isFinite(mib) || mib < 16) {
    throw new RingoError(
      `${flag} ${JSON.stringify(text)}: expected a size of 16MB or more, such as 512MB or 2GB`,
    );
  }
  return Math.ceil(mib);
}
