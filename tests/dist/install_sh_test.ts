/**
 * install.sh against a local fake release: a folder of `ringo-<target>`
 * files finished by `.ci/release-assets` (as the release workflow does),
 * served over HTTP. The binary for this machine is installed only when its
 * checksum matches SHA256SUMS.
 */
import { join } from "node:path";
import { assertEquals, assertMatch } from "../assert.ts";
import { runCommand } from "../command.ts";
import { scenarioDir } from "../flow/e2e.ts";
import { REPO } from "./readme.ts";

const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
];

/** This machine's release target, as install.sh should pick it. */
const HERE = `${Deno.build.arch}-${
  Deno.build.os === "darwin" ? "apple-darwin" : "unknown-linux-gnu"
}`;

/** A stand-in binary: prints its version as `ringo --version` does. */
const fakeBinary = (target: string) => `#!/bin/sh\necho "0.9.1"\necho "fake ${target}"\n`;

const run = runCommand;

/** A release folder served at `<url>/releases/download/v0.9.1/`, finished by .ci/release-assets. */
async function fakeRelease() {
  const files = Object.fromEntries(TARGETS.map((t) => [`ringo-${t}`, fakeBinary(t)]));
  const dir = await scenarioDir(files);
  const assets = await run([`${REPO}/.ci/release-assets`, dir.path], {
    env: { GITHUB_REPOSITORY: "example/ringo", PATH: Deno.env.get("PATH") ?? "" },
  });
  assertEquals(assets.code, 0, assets.stderr);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const match = /^\/releases\/download\/v0\.9\.1\/([\w.-]+)$/.exec(new URL(request.url).pathname);
    try {
      if (match) return new Response(await Deno.readFile(join(dir.path, match[1])));
    } catch {
      // fall through
    }
    return new Response("Not Found", { status: 404 });
  });
  return {
    dir: dir.path,
    url: `http://127.0.0.1:${server.addr.port}/releases/download/v0.9.1`,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      await dir[Symbol.asyncDispose]();
    },
  };
}

/** Runs the release's own install.sh (the one with the repository written in). */
function install(release: { dir: string; url: string }, into: string, extra: string[] = []) {
  return run([
    "sh",
    join(release.dir, "install.sh"),
    "--base-url",
    release.url,
    "--dir",
    into,
    ...extra,
  ], {
    env: { PATH: Deno.env.get("PATH") ?? "", HOME: into },
  });
}

Deno.test("release-assets writes SHA256SUMS that sha256sum accepts, and an install.sh for the repository", async () => {
  await using release = await fakeRelease();
  const check = await run(["sha256sum", "-c", "SHA256SUMS"], { cwd: release.dir });
  assertEquals(check.code, 0, check.stdout + check.stderr);
  for (const target of TARGETS) assertMatch(check.stdout, new RegExp(`ringo-${target}: OK`));
  const script = await Deno.readTextFile(join(release.dir, "install.sh"));
  assertMatch(script, /^REPO="\$\{RINGO_REPO:-example\/ringo\}"$/m);
});

Deno.test("install.sh installs this machine's binary after checking it against SHA256SUMS", async () => {
  await using release = await fakeRelease();
  await using into = await scenarioDir({});
  const bin = join(into.path, "bin");
  const done = await install(release, bin);
  assertEquals(done.code, 0, done.stderr);
  assertMatch(done.stderr, new RegExp(`downloading ringo-${HERE} from ${release.url}`));
  assertMatch(
    done.stderr,
    /installed ringo 0\.9\.1 to .*\/bin\/ringo \(sha256 [0-9a-f]{64} checked\)/,
  );
  const installed = await run([join(bin, "ringo"), "--version"]);
  assertEquals(installed.stdout, `0.9.1\nfake ${HERE}\n`);
  assertEquals(((await Deno.stat(join(bin, "ringo"))).mode ?? 0) & 0o777, 0o755);
});

Deno.test("install.sh refuses a binary whose checksum does not match, and keeps the installed one", async () => {
  await using release = await fakeRelease();
  await using into = await scenarioDir({});
  const bin = join(into.path, "bin");
  assertEquals((await install(release, bin)).code, 0);
  // The download changes after SHA256SUMS was written (a tampered or truncated file).
  await Deno.writeTextFile(join(release.dir, `ringo-${HERE}`), "#!/bin/sh\necho evil\n");
  const refused = await install(release, bin);
  assertEquals(refused.code, 1, refused.stderr);
  assertMatch(
    refused.stderr,
    new RegExp(
      `checksum mismatch for ringo-${HERE}: SHA256SUMS says [0-9a-f]{64}, the download is [0-9a-f]{64}: not installed`,
    ),
  );
  const still = await run([join(bin, "ringo"), "--version"]);
  assertEquals(still.stdout, `0.9.1\nfake ${HERE}\n`);
});

Deno.test("install.sh refuses a binary SHA256SUMS does not list, and says when a release does not exist", async () => {
  await using release = await fakeRelease();
  await using into = await scenarioDir({});
  const sums = join(release.dir, "SHA256SUMS");
  const others = (await Deno.readTextFile(sums)).split("\n").filter((l) => !l.endsWith(HERE));
  await Deno.writeTextFile(sums, others.join("\n"));
  const unlisted = await install(release, join(into.path, "bin"));
  assertEquals(unlisted.code, 1);
  assertMatch(
    unlisted.stderr,
    new RegExp(`SHA256SUMS of this release lists no ringo-${HERE}: not installed`),
  );
  const missing = await run(
    [
      "sh",
      join(release.dir, "install.sh"),
      "--base-url",
      `${release.url}/../v9.9.9`,
      "--dir",
      into.path,
    ],
    { env: { PATH: Deno.env.get("PATH") ?? "" } },
  );
  assertEquals(missing.code, 1);
  assertMatch(missing.stderr, /cannot download .*\/v9\.9\.9\/SHA256SUMS: is there a release at /);
  assertEquals(await exists(join(into.path, "bin", "ringo")), false);
});

Deno.test("install.sh from a checkout (no repository written in) asks where the release is", async () => {
  await using into = await scenarioDir({});
  const run1 = await run(["sh", `${REPO}/install.sh`, "--dir", into.path], {
    env: { PATH: Deno.env.get("PATH") ?? "" },
  });
  assertEquals(run1.code, 1);
  assertMatch(
    run1.stderr,
    /this install\.sh is not from a release: set RINGO_REPO=owner\/name or RINGO_RELEASE_URL/,
  );
});

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
