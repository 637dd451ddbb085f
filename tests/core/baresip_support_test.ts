import { assertEquals, assertMatch, assertThrows } from "../assert.ts";
import {
  BaresipError,
  baresipSupport,
  compareVersions,
  detectPlatform,
  EVERY_FEATURE_SINCE,
  FEATURES,
  formatVersion,
  installHint,
  MINIMUM_BARESIP,
  packageCommand,
  requireSupportedBaresip,
  upgradeHint,
  version,
} from "../../core/mod.ts";

Deno.test("a baresip older than 1.0 is unsupported, in one sentence naming both limits", () => {
  const support = baresipSupport(version("0.6.5"), "/usr/bin/baresip, from PATH");
  assertEquals(support.level, "unsupported");
  assertEquals(
    support.sentence,
    `baresip 0.6.5 (/usr/bin/baresip, from PATH) is too old for ringo: agents need 1.0.0 or newer, and ${
      formatVersion(EVERY_FEATURE_SINCE)
    } or newer has every feature`,
  );
  assertEquals(formatVersion(MINIMUM_BARESIP), "1.0.0");
});

Deno.test("1.x to 3.x work with limits, and the sentence names what the capability table says is missing", () => {
  const old = baresipSupport(version("1.0.0"));
  assertEquals(old.level, "limited");
  assertEquals(old.missing.includes("attended-transfer"), true);
  assertMatch(old.sentence, /^baresip 1\.0\.0 works with limits: it lacks attended transfer, /);
  assertMatch(
    old.sentence,
    new RegExp(`; ${formatVersion(EVERY_FEATURE_SINCE)} or newer has every feature$`),
  );
  const pinned314 = baresipSupport(version("3.14.0"));
  assertEquals(pinned314.level, "limited");
  assertEquals(pinned314.missing, ["reject-with-code"]);
  assertMatch(pinned314.sentence, new RegExp(FEATURES["reject-with-code"].description));
});

Deno.test("from the newest version of the capability table on, every feature is there", () => {
  for (const v of [EVERY_FEATURE_SINCE, version("4.10.0"), version("5.0.0")]) {
    const support = baresipSupport(v);
    assertEquals([support.level, support.missing], ["full", []]);
  }
  const sinces = Object.values(FEATURES).map((spec) => spec.since);
  assertEquals(sinces.every((since) => compareVersions(since, EVERY_FEATURE_SINCE) <= 0), true);
  assertEquals(sinces.some((since) => compareVersions(since, EVERY_FEATURE_SINCE) === 0), true);
});

Deno.test("requireSupportedBaresip refuses only what is older than 1.0, with the install hint", () => {
  requireSupportedBaresip(version("1.0.0"), "x");
  const error = assertThrows(() => requireSupportedBaresip(version("0.9.9"), "x"), BaresipError);
  assertMatch(error.message, /^baresip 0\.9\.9 \(x\) is too old for ringo/);
  assertEquals(error.hint, installHint());
});

Deno.test("the platform comes from the OS and os-release's ID, then ID_LIKE", () => {
  assertEquals(detectPlatform("darwin", null), "macos");
  assertEquals(detectPlatform("linux", 'PRETTY_NAME="Debian GNU/Linux 12"\nID=debian\n'), "debian");
  assertEquals(detectPlatform("linux", "ID=ubuntu\nID_LIKE=debian\n"), "debian");
  assertEquals(detectPlatform("linux", 'ID=linuxmint\nID_LIKE="ubuntu debian"\n'), "debian");
  assertEquals(detectPlatform("linux", "ID=manjaro\nID_LIKE=arch\n"), "arch");
  assertEquals(detectPlatform("linux", 'ID="rocky"\nID_LIKE="rhel centos fedora"\n'), "fedora");
  assertEquals(detectPlatform("linux", "ID=alpine\n"), "alpine");
  assertEquals(detectPlatform("linux", "ID=nixos\n"), "other");
  assertEquals(detectPlatform("linux", null), "other");
  assertEquals(detectPlatform("windows", "ID=debian\n"), "other");
});

Deno.test("the install hint names this platform's package, and ringo's build script", () => {
  assertEquals(
    installHint("macos"),
    "install it with `brew install baresip`, or build the pinned version with ringo's " +
      ".ci/build-baresip, or set RINGO_BARESIP to a baresip binary",
  );
  assertMatch(installHint("arch"), /^install it with `sudo pacman -S baresip`, or build/);
  assertMatch(installHint("fedora"), /`sudo dnf install baresip`/);
  // Debian's package is 1.0.0: the build script comes first.
  assertMatch(
    installHint("debian"),
    /^build the pinned version with ringo's \.ci\/build-baresip, or install Debian's with `sudo apt-get install baresip-core` \(1\.0\.0 on Debian 12, which works with limits\)/,
  );
  const other = installHint("other");
  for (
    const command of [
      "brew install baresip",
      "sudo apt-get install baresip-core",
      "sudo pacman -S baresip",
    ]
  ) {
    assertEquals(other.includes(command), true, other);
  }
  assertEquals(packageCommand("other"), undefined);
});

Deno.test("a baresip with limits is told to upgrade: a newer package, or the build script", () => {
  assertMatch(
    upgradeHint("macos"),
    /^install a newer baresip with `brew upgrade baresip`, or build/,
  );
  assertMatch(
    upgradeHint("debian"),
    /^for every feature, build the pinned version with ringo's \.ci\/build-baresip \(it prints the RINGO_BARESIP to set/,
  );
});

Deno.test("docs/install.md's table of versions names the version with every feature", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/install.md", import.meta.url));
  const every = formatVersion(EVERY_FEATURE_SINCE);
  assertMatch(
    doc,
    new RegExp(
      `^\\| 1\\.0\\.0 up to before ${every.replaceAll(".", "\\.")} +\\| works with limits`,
      "m",
    ),
  );
  assertMatch(
    doc,
    new RegExp(`^\\| ${every.replaceAll(".", "\\.")} and newer +\\| every feature`, "m"),
  );
});
