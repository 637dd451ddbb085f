/**
 * File and scenario names as path segments: the folder names that
 * `--save-audio` and `--pcap` write below (`<file>/<scenario>/…`), in one
 * place so that whoever reads those folders (`ringo flow serve`'s archive)
 * finds them by the same rule.
 *
 * @module
 */

/**
 * A name as one path segment: runs of other characters than letters,
 * digits, `.`, `_` and `-` become one `-`, and none leads or trails.
 *
 * @example
 * ```ts
 * pathSegment("A calls B"); // "A-calls-B"
 * pathSegment("examples/loopback/call.ts"); // "examples-loopback-call.ts"
 * ```
 */
export function pathSegment(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "scenario";
}

/**
 * The folder of one scenario below an output folder: `<file>/<scenario>`.
 *
 * @example
 * ```ts
 * scenarioFolder("flows/call.ts", "A calls B"); // "flows-call.ts/A-calls-B"
 * ```
 */
export function scenarioFolder(file: string, scenario: string): string {
  return `${pathSegment(file)}/${pathSegment(scenario)}`;
}
