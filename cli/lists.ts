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
 * Gives flags that take an optional value (`--save-audio[=DIR]`, and the
 * deno-like `--allow-read[=PATHS]`) their value when they stand alone, so
 * the parser, which wants a value for every option, sees one. A value must
 * be attached with `=` for these flags.
 *
 * @example
 * ```ts
 * withBareFlagValues(["run", "--save-audio", "x.ts"], { "--save-audio": "ringo-audio" });
 * // ["run", "--save-audio=ringo-audio", "x.ts"]
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
    out.push(Object.hasOwn(defaults, arg) ? `${arg}=${defaults[arg]}` : arg);
  }
  return out;
}
