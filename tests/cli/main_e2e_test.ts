/**
 * `ringo` as a user runs it: help, version, completions and usage errors.
 */
import { assertEquals, assertMatch } from "../assert.ts";
import { REPO } from "../flow/e2e.ts";

const manifest = JSON.parse(await Deno.readTextFile(`${REPO}/deno.json`));

async function ringo(...argsAndEnv: Array<string | Record<string, string>>) {
  const args = argsAndEnv.filter((a) => typeof a === "string");
  const env = Object.assign({ NO_COLOR: "1" }, ...argsAndEnv.filter((a) => typeof a !== "string"));
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--unstable-kv", "--unstable-worker-options", "-A", `${REPO}/main.ts`, ...args],
    env,
    stdin: "null",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("ringo --version prints the version of deno.json, then the baresip it will use and why", async () => {
  const run = await ringo("--version");
  assertEquals(run.code, 0);
  const [first, runtime, engine] = run.stdout.trim().split("\n");
  assertEquals(first, manifest.version);
  assertMatch(runtime, /^deno \d+\.\d+\.\d+ /);
  assertMatch(
    engine,
    /^baresip \d+\.\d+\.\d+ \(\/.+, (from RINGO_BARESIP|the checkout's pinned build|from PATH)\)$/,
  );
});

Deno.test("ringo --version says why no baresip is usable", async () => {
  const run = await ringo("--version", { RINGO_BARESIP: "/nonexistent/baresip" });
  assertEquals(run.code, 0);
  assertMatch(run.stdout, /baresip: none usable: RINGO_BARESIP points at \/nonexistent\/baresip/);
});

Deno.test("ringo --help lists the three tools and completions", async () => {
  for (const args of [["--help"], []]) {
    const run = await ringo(...args);
    assertEquals(run.code, 0, run.stderr);
    for (const name of ["phone", "control", "flow", "completions"]) {
      assertMatch(run.stdout, new RegExp(`^\\s+${name}\\s`, "m"));
    }
  }
});

Deno.test("ringo flow run --help documents every flag of the runner", async () => {
  const run = await ringo("flow", "run", "--help");
  assertEquals(run.code, 0);
  for (
    const flag of [
      "--scenario",
      "--tag",
      "--exclude-tag",
      "--env-file",
      "--timeout",
      "--bail",
      "--logs",
      "--json",
      "--junit",
      "-q",
      "-v",
      "--no-color",
      "--save-audio",
      "--pcap",
      "--allow-read",
      "--allow-net",
      "--allow-env",
    ]
  ) assertMatch(run.stdout, new RegExp(`(^|\\s)${flag}[\\s,]`, "m"), flag);
});

Deno.test("a mistyped flag exits 2 and suggests the right one", async () => {
  const run = await ringo("flow", "run", "--tagg", "smoke", "examples/loopback");
  assertEquals(run.code, 2);
  assertMatch(run.stderr, /"--tagg"/);
  assertMatch(run.stderr, /Did you mean[^\n]*`--tag`/);
});

Deno.test("an unknown command exits 2", async () => {
  const run = await ringo("flwo");
  assertEquals(run.code, 2);
  assertMatch(run.stderr, /flwo/);
});

Deno.test("ringo phone with no terminal says what to use instead of the picker", async () => {
  const run = await ringo("phone");
  assertEquals(run.code, 1);
  assertMatch(run.stderr, /the profile picker needs a terminal/);
  assertMatch(run.stderr, /ringo phone start <name> --headless/);
});

Deno.test("control alone is a usage error that shows its own commands", async () => {
  for (const [tool, command] of [["control", "dial"], ["ctl", "wait"]]) {
    const run = await ringo(tool);
    assertEquals(run.code, 2);
    assertMatch(run.stderr, new RegExp(`ringo ${tool === "ctl" ? "control" : tool} ${command} `));
    assertEquals(run.stderr.includes("ringo flow run"), false);
  }
});

Deno.test("a mistyped control command exits 2 and suggests the right one", async () => {
  const run = await ringo("control", "-t", "work", "dail", "4711");
  assertEquals(run.code, 2);
  assertMatch(run.stderr, /Did you mean[^\n]*`dial`/);
});

Deno.test("completions are generated for bash, zsh and fish and parse in their shell", async (t) => {
  for (const shell of ["bash", "zsh", "fish"]) {
    await t.step(shell, async () => {
      const run = await ringo("completions", shell);
      assertEquals(run.code, 0, run.stderr);
      assertMatch(run.stdout, /ringo/);
      if (shell !== "bash") return;
      // bash is always there: the script must at least parse.
      const dir = await Deno.makeTempDir();
      try {
        await Deno.writeTextFile(`${dir}/ringo.bash`, run.stdout);
        const check = await new Deno.Command("bash", { args: ["-n", `${dir}/ringo.bash`] })
          .output();
        assertEquals(check.code, 0, new TextDecoder().decode(check.stderr));
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  }
});

Deno.test("the demo task (ringo flow run on the bundled examples) passes with no PBX", async () => {
  const demo = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)))
    .tasks.demo as string;
  const args = demo.slice(demo.indexOf("main.ts") + "main.ts".length).trim().split(/\s+/);
  assertEquals(args.slice(0, 2), ["flow", "run"]);
  const run = await ringo(...args, "--no-color");
  assertEquals(run.code, 0, run.stdout + run.stderr);
  assertMatch(run.stdout, /^\d+ passed, 0 failed, 0 skipped$/m);
});
