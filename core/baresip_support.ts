/**
 * How well ringo works with a baresip version, and what to install when
 * there is none or it is too old — each said in one sentence, with the
 * command for the platform ringo runs on.
 *
 * - **unsupported**: older than 1.0.0: agents refuse to start;
 * - **limited**: agents work, but the capability table (`capabilities.ts`)
 *   names features the version lacks — every version before the newest
 *   `since` of that table, so all of 1.x, 2.x and 3.x before it;
 * - **full**: every feature of the table.
 *
 * @module
 */
import { Capabilities, type Feature, FEATURES } from "./capabilities.ts";
import { BaresipError } from "./errors.ts";
import { atLeast, compareVersions, formatVersion, type Version, version } from "./version.ts";

/** Oldest baresip an agent starts on. */
export const MINIMUM_BARESIP: Version = version("1.0.0");

/** Oldest baresip with every feature of the capability table. */
export const EVERY_FEATURE_SINCE: Version = Object.values(FEATURES)
  .map((spec) => spec.since)
  .reduce((newest, since) => (compareVersions(since, newest) > 0 ? since : newest));

/** How well a baresip version serves ringo. */
export type SupportLevel = "full" | "limited" | "unsupported";

/** The verdict on one version. */
export interface BaresipSupport {
  level: SupportLevel;
  /** One sentence, e.g. `baresip 1.0.0 works with limits: it lacks attended transfer, …`. */
  sentence: string;
  /** The features the version lacks. */
  missing: Feature[];
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
 * //  newer, and 3.19.0 or newer has every feature"
 * ```
 */
export function baresipSupport(found: Version, where?: string): BaresipSupport {
  const name = `baresip ${formatVersion(found)}${where ? ` (${where})` : ""}`;
  const every = `${formatVersion(EVERY_FEATURE_SINCE)} or newer has every feature`;
  const summary = new Capabilities(found).summary();
  const missing = (Object.keys(summary) as Feature[]).filter((feature) => !summary[feature]);
  if (!atLeast(found, MINIMUM_BARESIP)) {
    return {
      level: "unsupported",
      sentence: `${name} is too old for ringo: agents need ${
        formatVersion(MINIMUM_BARESIP)
      } or newer, and ${every}`,
      missing,
    };
  }
  if (missing.length > 0) {
    const lacks = missing.map((feature) => FEATURES[feature].description).join(", ");
    return {
      level: "limited",
      sentence: `${name} works with limits: it lacks ${lacks}; ${every}`,
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
 * (`ID`, then `ID_LIKE`: Ubuntu and Mint count as debian, Manjaro as arch);
 * `osRelease` null: none to read.
 *
 * @example
 * ```ts
 * detectPlatform("linux", 'ID=ubuntu\nID_LIKE=debian\n'); // "debian"
 * ```
 */
export function detectPlatform(
  os: string = Deno.build.os,
  osRelease: string | null = readOsRelease(),
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
 * of this platform where it is recent (Homebrew, pacman, dnf, apk), else
 * ringo's own build script first (Debian and Ubuntu package 1.x), and
 * `RINGO_BARESIP`.
 *
 * @example
 * ```ts
 * installHint("macos");
 * // "install it with `brew install baresip`, or build the pinned version with ringo's
 * //  .ci/build-baresip, or set RINGO_BARESIP to a baresip binary"
 * ```
 */
export function installHint(platform: Platform = detectPlatform()): string {
  const build = "build the pinned version with ringo's .ci/build-baresip";
  const rest = "or set RINGO_BARESIP to a baresip binary";
  const command = packageCommand(platform);
  if (platform === "debian") {
    return `${build}, or install Debian's with \`${command}\` (1.0.0 on Debian 12, ` +
      `which works with limits), ${rest}`;
  }
  if (command) return `install it with \`${command}\`, or ${build}, ${rest}`;
  return `${build}, or install it with your package manager (macOS: ${PACKAGE_COMMANDS.macos}; ` +
    `Debian/Ubuntu: ${PACKAGE_COMMANDS.debian}; Arch: ${PACKAGE_COMMANDS.arch}), ${rest}`;
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

function readOsRelease(): string | null {
  for (const path of ["/etc/os-release", "/usr/lib/os-release"]) {
    try {
      return Deno.readTextFileSync(path);
    } catch {
      // try the next
    }
  }
  return null;
}
