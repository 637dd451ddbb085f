/**
 * `ringo doctor`, `ringo --version` and `ringo flow run` as a user runs
 * them, about the baresip they find: the real one, and fakes of a version
 * that works with limits.
 */
import { join } from "node:path";
import { assertEquals, assertMatch } from "../assert.ts";
import { runCommand } from "../command.ts";
import { DENO_FLAGS, lastLine, REPO, scenarioDir } from "../flow/e2e.ts";

function ringo(args: string[], env: Record<string, string> = {}) {
  return runCommand([Deno.execPath(), ...DENO_FLAGS, `${REPO}/main.ts`, ...args], {
    cwd: REPO,
    env: { NO_COLOR: "1", ...env },
  });
}

/** A `baresip` that prints `version` for -h (enough for --version and the flow note). */
async function fakeBaresip(version: string) {
  const dir = await scenarioDir({
    "baresip": `#!/bin/sh\necho "baresip v${version} Copyright (C) 2010 - 2021"\n`,
  });
  await Deno.chmod(join(dir.path, "baresip"), 0o755);
  return { ...dir, binary: join(dir.path, "baresip") };
}

Deno.test("ringo doctor checks the real engine here and exits 0 when nothing must be fixed", async () => {
  const run = await ringo(["doctor"]);
  assertEquals(run.code, 0, run.stdout + run.stderr);
  assertMatch(run.stdout, /^ringo \d+\.\d+\.\d+, deno \S+ \(linux \w+\), a checkout at \//);
  assertMatch(
    run.stdout,
    /^[✓!] baresip\s+\d+\.\d+\.\d+ \(\/.+, (from RINGO_BARESIP|the checkout's pinned build|from PATH)\)$/m,
  );
  assertMatch(
    run.stdout,
    /^✓ engine\s+a loopback agent started and answered on ctrl_tcp in \d+ ms$/m,
  );
  for (const name of ["modules", "features", "kamailio", "sipp", "audio", "sessions", "data"]) {
    assertMatch(run.stdout, new RegExp(`^[✓!✗–] ${name}\\s`, "m"));
  }
  assertMatch(lastLine(run.stdout), /^ringo can run here/);
});

Deno.test("ringo doctor --json gives every check with its status", async () => {
  const run = await ringo(["doctor", "--json"]);
  assertEquals(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assertEquals(report.checks.map((c: { name: string }) => c.name), [
    "baresip",
    "modules",
    "engine",
    "features",
    "kamailio",
    "sipp",
    "audio",
    "sessions",
    "data",
  ]);
  for (const check of report.checks) {
    assertEquals(
      ["ok", "warn", "fail", "absent"].includes(check.status),
      true,
      JSON.stringify(check),
    );
  }
});

Deno.test("with a baresip that works with limits, --version says so and flow run notes what it lacks", async () => {
  await using fake = await fakeBaresip("1.0.0");
  const version = await ringo(["--version"], { RINGO_BARESIP: fake.binary });
  assertEquals(version.code, 0, version.stderr);
  assertEquals(version.stdout.split("\n").slice(2, 4), [
    `baresip 1.0.0 (${fake.binary}, from RINGO_BARESIP)`,
    "it works with limits: ringo doctor says which features need a newer baresip",
  ]);
  await using dir = await scenarioDir({
    "plain.ts": `import { expect } from "@ringo/flow";\nexpect(1 + 1).toBe(2);\n`,
  });
  const flow = await ringo(["flow", "run", dir.path], { RINGO_BARESIP: fake.binary });
  assertEquals(flow.code, 0, flow.stdout + flow.stderr);
  assertMatch(
    flow.stderr,
    new RegExp(
      `^note: baresip 1\\.0\\.0 \\(${fake.binary}, from RINGO_BARESIP\\) works with limits: it lacks attended transfer, .*; \\d+\\.\\d+\\.\\d+ or newer has every feature$`,
      "m",
    ),
  );
  const quiet = await ringo(["flow", "run", dir.path, "-q"], { RINGO_BARESIP: fake.binary });
  assertEquals(quiet.stderr.includes("note:"), false, quiet.stderr);
});

Deno.test("with a baresip that has every feature, flow run notes nothing", async () => {
  await using fake = await fakeBaresip("4.10.0");
  await using dir = await scenarioDir({
    "plain.ts": `import { expect } from "@ringo/flow";\nexpect(1).toBe(1);\n`,
  });
  const flow = await ringo(["flow", "run", dir.path], { RINGO_BARESIP: fake.binary });
  assertEquals(flow.code, 0, flow.stdout + flow.stderr);
  assertEquals(flow.stderr.includes("note:"), false, flow.stderr);
});
