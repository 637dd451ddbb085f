/**
 * The command line of `deno task bench`: which sections run and with what
 * sizes. Pure, so it is tested as a unit (tests/bench/options_test.ts).
 *
 * - `--runs N`: repetitions of the repeated figures (default 15);
 * - `--scale [SIZES]`: also run the scale section, at the comma-separated
 *   agent counts given (default {@link DEFAULT_SCALE_SIZES}); it takes
 *   minutes, so a plain `deno task bench` leaves it out;
 * - `--only SECTIONS`: run only these sections (comma-separated names of
 *   {@link SECTIONS}); `--only scale` implies `--scale`.
 *
 * @module
 */

/** The bench's sections, in the order they run. */
export const SECTIONS = ["engine", "flow", "tui", "serve", "suite", "load", "scale"] as const;

/** One section of the bench. */
export type Section = typeof SECTIONS[number];

/** Agent counts of the scale section when `--scale` names none. */
export const DEFAULT_SCALE_SIZES = [10, 50, 100, 200];

/** What one bench run does. */
export interface BenchOptions {
  runs: number;
  /** The sections to run, in {@link SECTIONS} order. */
  sections: Section[];
  /** Agent counts of the scale section (empty when it does not run). */
  scaleSizes: number[];
}

/** A bad bench command line; the message is one sentence for the user. */
export class BenchUsageError extends Error {}

/**
 * Parses the bench's arguments.
 *
 * @example
 * ```ts
 * parseBenchArgs(["--scale", "10,50"]);
 * // { runs: 15, sections: ["engine", …, "load", "scale"], scaleSizes: [10, 50] }
 * ```
 * @throws {BenchUsageError} for an unknown option, section or a bad number.
 */
export function parseBenchArgs(args: readonly string[]): BenchOptions {
  let runs = 15;
  let scaleSizes: number[] | undefined;
  let only: Section[] | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.startsWith("--") && arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    if (flag === "--runs") {
      const value = inline ?? args[++i];
      runs = Number(value);
      if (!/^\d+$/.test(value ?? "") || runs < 1) {
        throw new BenchUsageError(`--runs takes a whole number ≥ 1, got ${value ?? "nothing"}`);
      }
    } else if (flag === "--scale") {
      const value = inline ?? (/^[\d,]+$/.test(args[i + 1] ?? "") ? args[++i] : undefined);
      scaleSizes = value === undefined ? [...DEFAULT_SCALE_SIZES] : parseSizes(value);
    } else if (flag === "--only") {
      only = parseSections(inline ?? args[++i]);
    } else {
      throw new BenchUsageError(
        `unknown option ${arg} (known: --runs N, --scale [SIZES], --only ${SECTIONS.join(",")})`,
      );
    }
  }
  if (only?.includes("scale") && !scaleSizes) scaleSizes = [...DEFAULT_SCALE_SIZES];
  const wanted = only ?? SECTIONS.filter((s) => s !== "scale" || scaleSizes);
  const sections = SECTIONS.filter((s) => wanted.includes(s) && (s !== "scale" || scaleSizes));
  return { runs, sections, scaleSizes: sections.includes("scale") ? scaleSizes! : [] };
}

function parseSizes(value: string): number[] {
  const sizes = value.split(",").map((s) => Number(s));
  for (const [i, n] of sizes.entries()) {
    if (!Number.isInteger(n) || n < 2 || n % 2 !== 0) {
      throw new BenchUsageError(
        `--scale takes even agent counts ≥ 2 (callers and callees pair up), got ${
          value.split(",")[i] || "an empty size"
        }`,
      );
    }
  }
  return sizes;
}

function parseSections(value: string | undefined): Section[] {
  const names = (value ?? "").split(",").filter((s) => s !== "");
  if (names.length === 0) throw new BenchUsageError(`--only takes ${SECTIONS.join(",")}`);
  for (const name of names) {
    if (!(SECTIONS as readonly string[]).includes(name)) {
      throw new BenchUsageError(`--only: no section ${name} (sections: ${SECTIONS.join(", ")})`);
    }
  }
  return names as Section[];
}
