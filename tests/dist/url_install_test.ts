/**
 * Installing and running ringo from a URL with Deno, as README's "Install"
 * section says, against a local stand-in for the raw-file host: the
 * installed `ringo` runs a scenario importing `@ringo/flow` with the
 * sandbox in force, and outside a checkout a missing or too old baresip
 * explains itself (`ringo doctor`, and the scenario that starts an agent).
 */
import { join } from "node:path";
import { assertEquals, assertMatch } from "../assert.ts";
import { type CommandResult, runCommand } from "../command.ts";
import { lastLine, PASSING_CALL, scenarioDir } from "../flow/e2e.ts";
import { serveRawFiles } from "../raw_file_host.ts";
import { EVERY_FEATURE_SINCE, formatVersion } from "../../core/mod.ts";
import { installCommand, README_RAW_BASE, REPO, words } from "./readme.ts";

const manifest = JSON.parse(await Deno.readTextFile(`${REPO}/deno.json`));
/** The version with every feature, as a pattern. */
const EVERY = formatVersion(EVERY_FEATURE_SINCE).replaceAll(".", "\\.");

const ESCAPE = `import { expect } from "@ringo/flow";
expect(1).toBe(1);
new Deno.Command("id").outputSync();
`;

/** Runs `command` in exactly the environment `env` (plus NO_COLOR), as from a user's shell. */
function run(
  command: string,
  args: string[],
  options: { cwd?: string; env: Record<string, string> },
): Promise<CommandResult> {
  return runCommand([command, ...args], {
    cwd: options.cwd,
    env: { NO_COLOR: "1", RUST_BACKTRACE: "0", ...options.env },
    clearEnv: true,
  });
}

/** A folder holding only `deno` (a link to this one): a PATH with no baresip on it. */
async function denoOnlyBin(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "ringo-bin-" });
  await Deno.symlink(Deno.execPath(), join(path, "deno"));
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** The environment a user's shell would give: HOME, the test's deno first on PATH. */
function userEnv(bin: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    HOME: Deno.env.get("HOME") ?? "/tmp",
    PATH: bin,
    ...extra,
  };
  for (const name of ["DENO_DIR", "DENO_CERT", "SSL_CERT_FILE", "TMPDIR"]) {
    const value = Deno.env.get(name);
    if (value) env[name] = value;
  }
  return env;
}

Deno.test("README's deno install from a release URL gives a ringo command that runs sandboxed scenarios", async (t) => {
  await using host = serveRawFiles({ prefix: `/OWNER/ringo/v${manifest.version}` });
  await using root = await scenarioDir({});
  await using bin = await denoOnlyBin();
  const command = await installCommand("deno install");
  assertMatch(command, new RegExp(`/v${manifest.version.replaceAll(".", "\\.")}/main\\.ts$`));
  const [deno, ...args] = words(command.replace(README_RAW_BASE, host.url));
  assertEquals(deno, "deno");

  const installed = await run(Deno.execPath(), args, {
    env: userEnv(bin.path, { DENO_INSTALL_ROOT: root.path }),
  });
  assertEquals(installed.code, 0, installed.stdout + installed.stderr);
  const ringo = join(root.path, "bin", "ringo");
  // The baresip the rest of the suite uses, found as a user outside a checkout would.
  const baresip = Deno.env.get("RINGO_BARESIP");
  const withBaresip = userEnv(
    `${bin.path}:${Deno.env.get("PATH")}`,
    baresip ? { RINGO_BARESIP: baresip } : {},
  );

  await t.step("ringo --version names ringo's version and a baresip", async () => {
    const version = await run(ringo, ["--version"], { env: withBaresip });
    assertEquals(version.code, 0, version.stderr);
    const [first, , engine] = version.stdout.split("\n");
    assertEquals(first, manifest.version);
    assertMatch(engine, /^baresip \d+\.\d+\.\d+ \(\/.+, (from RINGO_BARESIP|from PATH)\)$/);
  });

  await t.step(
    "a scenario importing @ringo/flow runs, and one that runs a program is refused",
    async () => {
      await using dir = await scenarioDir({ "call.ts": PASSING_CALL, "escape.ts": ESCAPE });
      const flow = await run(ringo, ["flow", "run", dir.path], { cwd: dir.path, env: withBaresip });
      assertEquals(flow.code, 1, flow.stdout + flow.stderr);
      assertMatch(flow.stdout, /✓ call\.ts › call/);
      assertMatch(
        flow.stdout,
        /✗ escape\.ts › escape \(\d+ms\)\n\s+NotCapable: Requires run access to "id"/,
      );
      assertEquals(lastLine(flow.stdout), "1 passed, 1 failed, 0 skipped");
    },
  );

  await t.step("with no baresip, doctor and the scenario say what to install", async () => {
    const env = userEnv(bin.path);
    const doctor = await run(ringo, ["doctor"], { env });
    assertEquals(doctor.code, 1, doctor.stdout + doctor.stderr);
    assertMatch(
      doctor.stdout,
      /^ringo \S+, deno \S+ \(\w+ \w+\), from http:\/\/127\.0\.0\.1:\d+\//,
    );
    assertMatch(
      doctor.stdout,
      /✗ baresip\s+baresip was not found: RINGO_BARESIP is not set and PATH has none\n/,
    );
    assertMatch(doctor.stdout, /to fix:\n\s+baresip: (install it with `[^`]+`|build the pinned)/);
    await using dir = await scenarioDir({ "call.ts": PASSING_CALL });
    const flow = await run(ringo, ["flow", "run", dir.path], { cwd: dir.path, env });
    assertEquals(flow.code, 1, flow.stdout + flow.stderr);
    assertMatch(
      flow.stdout,
      /✗ call\.ts › call \(\d+ms\)\n\s+baresip was not found: RINGO_BARESIP is not set and PATH has none\n\s+hint: .*set RINGO_BARESIP to a baresip binary/,
    );
  });

  await t.step(
    "with a baresip older than 1.0, doctor and the scenario say it is too old",
    async () => {
      await using old = await scenarioDir({
        "baresip":
          '#!/bin/sh\necho "baresip v0.6.5 Copyright (C) 2010 - 2019 Alfred E. Heggestad"\n',
      });
      await Deno.chmod(join(old.path, "baresip"), 0o755);
      const env = userEnv(`${bin.path}:${old.path}`);
      const doctor = await run(ringo, ["doctor"], { env });
      assertEquals(doctor.code, 1, doctor.stdout + doctor.stderr);
      assertMatch(doctor.stdout, /✗ baresip\s+0\.6\.5 \(.*\/baresip, from PATH\)\n/);
      assertMatch(doctor.stdout, /is too old for ringo: agents need 1\.0\.0 or newer/);
      await using dir = await scenarioDir({ "call.ts": PASSING_CALL });
      const flow = await run(ringo, ["flow", "run", dir.path], { cwd: dir.path, env });
      assertEquals(flow.code, 1, flow.stdout + flow.stderr);
      assertMatch(
        flow.stdout,
        new RegExp(
          String
            .raw`✗ call\.ts › call \(\d+ms\)\n\s+baresip 0\.6\.5 \(.*, from PATH\) is too old for ringo: ` +
            String
              .raw`agents need 1\.0\.0 or newer, and ${EVERY} or newer has every feature\n\s+hint: `,
        ),
      );
    },
  );
});

Deno.test("README's one-off deno run from a release URL runs the scenarios of flows/", async () => {
  await using host = serveRawFiles({ prefix: `/OWNER/ringo/v${manifest.version}` });
  await using bin = await denoOnlyBin();
  await using dir = await scenarioDir({ "flows/call.ts": PASSING_CALL });
  const command = await installCommand("deno run");
  assertMatch(command, / flow run flows\/$/);
  const [deno, ...args] = words(command.replace(README_RAW_BASE, host.url));
  assertEquals(deno, "deno");
  const baresip = Deno.env.get("RINGO_BARESIP");
  const once = await run(Deno.execPath(), args, {
    cwd: dir.path,
    env: userEnv(`${bin.path}:${Deno.env.get("PATH")}`, baresip ? { RINGO_BARESIP: baresip } : {}),
  });
  assertEquals(once.code, 0, once.stdout + once.stderr);
  assertEquals(lastLine(once.stdout), "1 passed, 0 failed, 0 skipped");
});
