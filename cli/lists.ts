/**
 * Small helpers for list-valued command-line options.
 *
 * @module
 */

/**
 * Splits repeated, comma-separated option values into one list, dropping
 * empty items.
 *
 * @example
 * ```ts
 * splitList(["smoke,pbx", "slow"]); // ["smoke", "pbx", "slow"]
 * ```
 */
export function splitList(values: readonly string[]): string[] {
  return values.flatMap((value) => value.split(",")).map((item) => item.trim()).filter(Boolean);
}

/**
 * Gives flags whose value is optional (`--save-audio [DIR]`, and the
 * deno-like `--allow-read [PATHS]`) their default value when they stand
 * alone — last, or followed by another flag — so that the parser, which
 * wants a value for every option, sees one. Otherwise the next argument is
 * the flag's value, as with Python's `nargs="?"`.
 *
 * @example
 * ```ts
 * withBareFlagValues(["run", "x.ts", "--save-audio", "-q"], { "--save-audio": "ringo-audio" });
 * // ["run", "x.ts", "--save-audio=ringo-audio", "-q"]
 * withBareFlagValues(["run", "--save-audio", "out", "x.ts"], { "--save-audio": "ringo-audio" });
 * // unchanged: "out" is the folder
 * ```
 */
export function withBareFlagValues(
  args: readonly string[],
  defaults: Readonly<Record<string, string>>,
): string[] {
  const out: string[] = [];
  for (const [index, arg] of args.entries()) {
    if (arg === "--") {
      out.push(...args.slice(index));
      break;
    }
    const next = args[index + 1];
    const alone = next === undefined || next.startsWith("-");
    out.push(Object.hasOwn(defaults, arg) && alone ? `${arg}=${defaults[arg]}` : arg);
  }
  return out;
}
