/**
 * baresip version numbers: parsing and comparison.
 *
 * @module
 */

/** A parsed `major.minor.patch` version. */
export interface Version {
  major: number;
  minor: number;
  patch: number;
}

/**
 * Finds baresip's version in any text it prints (`baresip -h`, the `about`
 * box), or returns undefined.
 *
 * @example
 * ```ts
 * parseBaresipVersion("baresip v1.0.0 Copyright (C) 2010 - 2020"); // { major: 1, minor: 0, patch: 0 }
 * parseBaresipVersion("baresip 3.16.0"); // { major: 3, minor: 16, patch: 0 }
 * ```
 */
export function parseBaresipVersion(text: string): Version | undefined {
  // deno-lint-ignore no-control-regex
  const clean = text.replace(/\x1b\[[0-9;]*m/g, "");
  const match = /baresip\s+v?(\d+)\.(\d+)(?:\.(\d+))?/i.exec(clean);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0) };
}

/** Compares two versions: negative, zero or positive like a sort comparator. */
export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** True when `version` is at least `minimum`. */
export function atLeast(version: Version, minimum: Version): boolean {
  return compareVersions(version, minimum) >= 0;
}

/** Formats a version as `1.0.0`. */
export function formatVersion(version: Version): string {
  return `${version.major}.${version.minor}.${version.patch}`;
}

/** Parses `"3.1.0"` into a {@link Version}; throws on anything else. */
export function version(text: string): Version {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (!match) throw new Error(`invalid version "${text}": expected major.minor.patch`);
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}
