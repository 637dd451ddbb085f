/**
 * Which scenarios of a run execute, which are reported as skipped, and
 * which are left out, from `--scenario`, `--tag`, `--exclude-tag` and the
 * scenarios' own `skip` / `only` marks.
 *
 * The rules, applied in this order:
 * 1. `--scenario`: kept if its name equals one of the patterns, or matches
 *    one written `re:<regex>`. No patterns keeps every scenario.
 * 2. `--tag`: kept if it has at least one of the tags. No tags keeps all.
 * 3. `--exclude-tag`: left out if it has any of these tags, even when
 *    `--tag` asked for another of its tags.
 * 4. `only`: if any scenario still kept has `only`, every other one is left
 *    out. Because this comes after the filters, an `only` forgotten in
 *    another file does not hide the scenario picked with `--scenario`.
 * 5. `skip`: a kept scenario with `skip` is reported as skipped, with the
 *    skip text as reason (or `"marked skip"` for `skip: true`).
 *
 * Scenarios left out by 1–4 are not reported at all. Tags match exactly
 * (case-sensitive); each option entry may hold several, comma-separated.
 *
 * @module
 */
import { RingoError } from "../core/errors.ts";

/** A selection option is malformed, such as a `re:` pattern that is not a valid regex. */
export class SelectionError extends RingoError {}

/** What selection needs to know about a scenario. */
export interface ScenarioEntry {
  file: string;
  name: string;
  tags: string[];
  /** `true`, or the reason, to report the scenario as skipped instead of running it. */
  skip?: boolean | string;
  /** Run only the scenarios marked `only` (among those the options keep). */
  only?: boolean;
}

/** The selection options, as given on the command line. */
export interface SelectOptions {
  /** Scenario names, or `re:<regex>` patterns matched against names. */
  scenario?: string[];
  /** Tags to keep; an entry may be comma-separated (`"smoke,pbx"`). */
  tag?: string[];
  /** Tags to leave out; an entry may be comma-separated. */
  excludeTag?: string[];
}

/** A kept scenario with its verdict. */
export type Selected<T extends ScenarioEntry> =
  | { scenario: T; status: "run" }
  | { scenario: T; status: "skip"; reason: string };

/**
 * Applies the selection rules (see the module documentation) and returns
 * the kept scenarios in their input order, each to run or to skip. Throws
 * {@link SelectionError} for an invalid `re:` pattern.
 *
 * @example
 * ```ts
 * const scenarios = [
 *   { file: "call.ts", name: "A calls B", tags: ["smoke"] },
 *   { file: "call.ts", name: "B is busy", tags: ["slow"], skip: "PBX bug #12" },
 *   { file: "dtmf.ts", name: "DTMF", tags: ["slow"] },
 * ];
 * selectScenarios(scenarios, { tag: ["smoke,slow"], excludeTag: [] });
 * // [{ scenario: A calls B, status: "run" },
 * //  { scenario: B is busy, status: "skip", reason: "PBX bug #12" },
 * //  { scenario: DTMF, status: "run" }]
 * selectScenarios(scenarios, { scenario: ["re:^A "] }); // only "A calls B", to run
 * ```
 */
export function selectScenarios<T extends ScenarioEntry>(
  scenarios: readonly T[],
  options: SelectOptions = {},
): Selected<T>[] {
  const patterns = (options.scenario ?? []).map(compilePattern);
  const wanted = splitList(options.tag ?? []);
  const unwanted = splitList(options.excludeTag ?? []);
  const kept = scenarios.filter((s) =>
    (patterns.length === 0 || patterns.some((p) => p.test(s.name))) &&
    (wanted.size === 0 || s.tags.some((tag) => wanted.has(tag))) &&
    !s.tags.some((tag) => unwanted.has(tag))
  );
  const focused = kept.some((s) => s.only === true) ? kept.filter((s) => s.only === true) : kept;
  return focused.map((scenario): Selected<T> =>
    scenario.skip === undefined || scenario.skip === false
      ? { scenario, status: "run" }
      : { scenario, status: "skip", reason: skipReason(scenario.skip) }
  );
}

/**
 * The `--scenario` patterns that match no scenario at all, so the CLI can
 * say `--scenario "A cals B" matched no scenario` instead of running nothing
 * quietly. Throws {@link SelectionError} for an invalid `re:` pattern.
 *
 * @example
 * ```ts
 * unmatchedPatterns([{ file: "call.ts", name: "A calls B", tags: [] }], ["A cals B", "re:calls"]);
 * // ["A cals B"]
 * ```
 */
export function unmatchedPatterns(
  scenarios: readonly ScenarioEntry[],
  patterns: readonly string[],
): string[] {
  return patterns.filter((pattern) => {
    const compiled = compilePattern(pattern);
    return !scenarios.some((s) => compiled.test(s.name));
  });
}

/**
 * Splits option entries on commas, trims them, and drops empty ones.
 *
 * @example
 * ```ts
 * splitList(["smoke, pbx", "slow", ""]); // Set {"smoke", "pbx", "slow"}
 * ```
 */
export function splitList(entries: readonly string[]): Set<string> {
  return new Set(entries.flatMap((e) => e.split(",")).map((t) => t.trim()).filter((t) => t !== ""));
}

const REGEX_PREFIX = "re:";

function compilePattern(pattern: string): { test(name: string): boolean } {
  if (!pattern.startsWith(REGEX_PREFIX)) return { test: (name) => name === pattern };
  const source = pattern.slice(REGEX_PREFIX.length);
  if (source === "") {
    throw new SelectionError(
      `invalid --scenario pattern "${pattern}": expected a regular expression after "re:"`,
    );
  }
  try {
    const regex = new RegExp(source);
    return { test: (name) => regex.test(name) };
  } catch (error) {
    throw new SelectionError(
      `invalid --scenario pattern "${pattern}": expected a regular expression after "re:" ` +
        `(${(error as Error).message})`,
      { hint: 're:^A  matches names starting with "A "; escape ( [ . * + ? with a backslash' },
    );
  }
}

function skipReason(skip: true | string): string {
  return skip === true || skip.trim() === "" ? "marked skip" : skip;
}
