/**
 * How well ringo works with a baresip version, and what to install when
 * there is none or it is too old — each said in one sentence, with the
 * command for the platform ringo runs on.
 *
 * - **full**: 3.14.0 and newer (the oldest release the original ringo
 *   supports, and the 3.x ringo is tested with);
 * - **limited**: 1.0.0 up to 3.14.0: agents work; what the capability table
 *   says the version lacks is named;
 * - **unsupported**: older than 1.0.0: agents refuse to start.
 *
 * @module
 */
import { Capabilities, featureDescription } from "./capabilities.ts";
import { BaresipError } from "./errors.ts";
import { atLeast, formatVersion, type Version, version } from "./version.ts";

/** Oldest baresip an agent starts on. */
export const MINIMUM_BARESIP: Version = version("1.0.0");

/** Oldest baresip with every feature ringo uses. */
export const FULL_SUPPORT_BARESIP: Version = version("3.14.0");

/** How well a baresip version serves ringo. */
export type SupportLevel = "full" | "limited" | "unsupported";

/** The verdict on one version. */
export interface BaresipSupport {
  level: SupportLevel;
  /** One sentence, e.g. `baresip 1.0.0 works with limits: it lacks attended transfer, …`. */
  sentence: string;
  /** What the version lacks, as noun phrases from the capability table. */
  missing: string[];
}

/**
 * The verdict on `found`; `where` (the binary and how it was chosen), when
 * given, follows the version in the sentence.
 *
 * @example
 * ```ts
 * baresipSupport(version("1.0.0")).level; // "limited"
 * baresipSupport(version("0.6.5"), "/usr/bin/baresip, from PATH").sentence;
 * // "baresip 0.6.5 (/usr/bin/baresip, from PATH) is too old for ringo: agents need 1.0.0 or
 * //  newer, and 3.14.0 or newer has every feature"
 * ```
 */
export function baresipSupport(found: Version, where?: string): BaresipSupport {
  const name = `baresip ${formatVersion(found)}${where ? ` (${where})` : ""}`;
  const full = formatVersion(FULL_SUPPORT_BARESIP);
  const summary = new Capabilities(found).summary();
  const missing = (Object.keys(summary) as (keyof typeof summary)[])
    .filter((feature) => !summary[feature])
    .map(featureDescription);
  if (!atLeast(found, MINIMUM_BARESIP)) {
    return {
      level: "unsupported",
      sentence: `${name} is too old for ringo: agents need ${
        formatVersion(MINIMUM_BARESIP)
      } or newer, and ${full} or newer has every feature`,
      missing,
    };
  }
  if (!atLeast(found, FULL_SUPPORT_BARESIP)) {
    const lacks = missing.length > 0
      ? `it lacks ${missing.join(", ")}`
      : `it is older than ${full} and untested with ringo`;
    return {
      level: "limited",
      sentence: `${name} works with limits: ${lacks}; ${full} or newer has every feature`,
      missing,
    };
  }
  return { level: "full", sentence: `${name} has every feature ringo uses`, missing };
}

/**
 * Throws a {@link BaresipError} (with the install hint) when `found` is
 * older than {@link MINIMUM_BARESIP}; `where` names the binary in the sentence.
 *
 * @example
 * ```ts
 * requireSupportedBaresip(version("0.6.5"), "/usr/bin/baresip"); // throws
 * ```
 */
export function requireSupportedBaresip(found: Version, where: string): void {
  const support = baresipSupport(found, where);
  if (support.level === "unsupported") {
    throw new BaresipError(support.sentence, { hint: installHint() });
  }
}

/** Platforms whose package manager ringo knows. */
export type Platform = "debian" | "arch" | "fedora" | "alpine" | "macos" | "other";

/**
 * The platform ringo runs on, from `Deno.build.os` and `/etc/os-release`
 * (`ID`, then `ID_LIKE`: Ubuntu and Mint count as debian, Manjaro as arch).
 *
 * @example
 * ```ts
 * detectPlatform("linux", 'ID=ubuntu\nID_LIKE=debian\n'); // "debian"
 * ```
 */
export function detectPlatform(
  os: string = Deno.build.os,
  osRelease: string | undefined = readOsRelease(),
): Platform {
  if (os === "darwin") return "macos";
  if (os !== "linux" || !osRelease) return "other";
  const field = (key: string) =>
    new RegExp(`^${key}=["']?([^"'\\n]*)`, "m").exec(osRelease)?.[1].toLowerCase().split(/\s+/) ??
      [];
  for (const id of [...field("ID"), ...field("ID_LIKE")]) {
    if (id === "debian" || id === "ubuntu") return "debian";
    if (id === "arch") return "arch";
    if (id === "fedora" || id === "rhel" || id === "centos") return "fedora";
    if (id === "alpine") return "alpine";
  }
  return "other";
}

/** The command that installs baresip on `platform`, or undefined where ringo knows none. */
export function packageCommand(platform: Platform): string | undefined {
  return PACKAGE_COMMANDS[platform];
}

const PACKAGE_COMMANDS: Record<Platform, string | undefined> = {
  debian: "sudo apt-get install baresip-core",
  arch: "sudo pacman -S baresip",
  fedora: "sudo dnf install baresip",
  alpine: "sudo apk add baresip",
  macos: "brew install baresip",
  other: undefined,
};

/**
 * What to do about a missing or too-old baresip, as one clause: the package
 * command of this platform, ringo's own build script, or `RINGO_BARESIP`.
 * Debian and Ubuntu's package is older than 3.14 and says so.
 *
 * @example
 * ```ts
 * installHint("macos");
 * // "install it with `brew install baresip`, or build the pinned version with ringo's
 * //  .ci/build-baresip, or set RINGO_BARESIP to a baresip binary"
 * ```
 */
export function installHint(platform: Platform = detectPlatform()): string {
  const command = packageCommand(platform);
  const build = "build the pinned version with ringo's .ci/build-baresip";
  const rest = "or set RINGO_BARESIP to a baresip binary";
  if (!command) return `${build}, ${rest}`;
  if (platform === "debian") {
    return `install it with \`${command}\` (Debian 12's is 1.0.0, which works with limits), ` +
      `or for every feature ${build}, ${rest}`;
  }
  return `install it with \`${command}\`, or ${build}, ${rest}`;
}

/**
 * What to do about a baresip that works with limits, as one clause: a newer
 * package where the platform has one, else ringo's own build script (which
 * prints the `RINGO_BARESIP` to set).
 *
 * @example
 * ```ts
 * upgradeHint("debian");
 * // "for every feature, build the pinned version with ringo's .ci/build-baresip (it prints
 * //  the RINGO_BARESIP to set; a checkout finds it by itself)"
 * ```
 */
export function upgradeHint(platform: Platform = detectPlatform()): string {
  const build = "build the pinned version with ringo's .ci/build-baresip " +
    "(it prints the RINGO_BARESIP to set; a checkout finds it by itself)";
  const command = packageCommand(platform);
  if (!command || platform === "debian") return `for every feature, ${build}`;
  const upgrade = platform === "macos" ? "brew upgrade baresip" : command;
  return `install a newer baresip with \`${upgrade}\`, or ${build}`;
}

function readOsRelease(): string | undefined {
  for (const path of ["/etc/os-release", "/usr/lib/os-release"]) {
    try {
      return Deno.readTextFileSync(path);
    } catch {
      // try the next
    }
  }
  return undefined;
}
