import assert from "node:assert/strict";
import { join } from "node:path";
import { EnvError, PROCESS_ENV_SOURCE, ScenarioEnv, siblingEnvPath } from "../../flow/env.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ringo-env-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("siblingEnvPath replaces the scenario's last extension with .env", () => {
  assert.equal(siblingEnvPath("examples/pbx/call.ts"), join("examples", "pbx", "call.env"));
  assert.equal(siblingEnvPath("call.ts"), "call.env");
  assert.equal(siblingEnvPath("smoke.flow.ts"), "smoke.flow.env");
  assert.equal(siblingEnvPath("/abs/dir/x.ts"), "/abs/dir/x.env");
});

Deno.test("ScenarioEnv layers run-time files over --env-file over the sibling file over the process", async (t) => {
  await withTempDir(async (dir) => {
    const scenario = join(dir, "call.ts");
    const envFile = join(dir, ".env.ci");
    await Deno.writeTextFile(
      join(dir, "call.env"),
      "A_USER=sibling\nB_USER=sibling\nC_USER=sibling\n",
    );
    await Deno.writeTextFile(envFile, "# CI\nA_USER=ci\nB_USER=ci\nQUOTED='a b'\nEMPTY=\n");
    await Deno.writeTextFile(join(dir, "secrets.env"), "A_USER=secret\n");
    await Deno.writeTextFile(join(dir, "later.env"), "A_USER=later\n");
    const env = await ScenarioEnv.load({
      scenarioFile: scenario,
      envFile,
      processEnv: {
        A_USER: "process",
        B_USER: "process",
        C_USER: "process",
        D_USER: "process",
        GONE: undefined,
      },
    });

    await t.step("--env-file beats the sibling file and the process", () => {
      assert.equal(env.get("A_USER"), "ci");
      assert.equal(env.sourceOf("A_USER"), `--env-file ${envFile}`);
    });
    await t.step("the sibling file beats the process environment", () => {
      assert.equal(env.get("C_USER"), "sibling");
      assert.equal(env.sourceOf("C_USER"), join(dir, "call.env"));
    });
    await t.step("the process environment fills in the rest", () => {
      assert.equal(env.get("D_USER"), "process");
      assert.equal(env.sourceOf("D_USER"), PROCESS_ENV_SOURCE);
    });
    await t.step("dotenv syntax is parsed: comments, quotes, empty values count as set", () => {
      assert.equal(env.get("QUOTED"), "a b");
      assert.equal(env.get("EMPTY"), "");
      assert.equal(env.has("EMPTY"), true);
    });
    await t.step("undefined process entries are not set", () => {
      assert.equal(env.has("GONE"), false);
    });
    await t.step(
      "loadEnv resolves from the scenario directory and beats every other layer",
      async () => {
        await env.loadEnv("secrets.env");
        assert.equal(env.get("A_USER"), "secret");
        assert.equal(env.get("B_USER"), "ci");
      },
    );
    await t.step("a later loadEnv beats an earlier one", async () => {
      await env.loadEnv(join(dir, "later.env"));
      assert.equal(env.get("A_USER"), "later");
      assert.deepEqual(env.sources(), [
        join(dir, "later.env"),
        join(dir, "secrets.env"),
        `--env-file ${envFile}`,
        join(dir, "call.env"),
        PROCESS_ENV_SOURCE,
      ]);
    });
  });
});

Deno.test("an unset variable's error names it and every place looked in", async (t) => {
  await t.step("with an --env-file and a sibling file", () => {
    const env = new ScenarioEnv([
      { source: "--env-file .env.ci", values: {} },
      { source: "examples/pbx/call.env", values: {} },
      { source: PROCESS_ENV_SOURCE, values: {} },
    ]);
    assert.throws(() => env.get("A_USER"), (error) => {
      assert.ok(error instanceof EnvError);
      assert.equal(
        error.message,
        'env("A_USER") is not set: looked in --env-file .env.ci, examples/pbx/call.env, the process environment',
      );
      assert.match(error.hint ?? "", /A_USER=/);
      return true;
    });
  });
  await t.step("a sibling file that does not exist is marked so", async () => {
    await withTempDir(async (dir) => {
      const env = await ScenarioEnv.load({ scenarioFile: join(dir, "call.ts"), processEnv: {} });
      assert.throws(() => env.get("X"), {
        message: `env("X") is not set: looked in ${
          join(dir, "call.env")
        } (not found), the process environment`,
      });
    });
  });
});

Deno.test("missing explicit files are errors", async (t) => {
  await withTempDir(async (dir) => {
    await t.step("a missing --env-file", async () => {
      await assert.rejects(
        ScenarioEnv.load({
          scenarioFile: join(dir, "call.ts"),
          envFile: join(dir, "nope.env"),
          processEnv: {},
        }),
        { name: "EnvError", message: `--env-file ${join(dir, "nope.env")}: no such file` },
      );
    });
    await t.step("a missing loadEnv file", async () => {
      const env = await ScenarioEnv.load({ scenarioFile: join(dir, "call.ts"), processEnv: {} });
      await assert.rejects(env.loadEnv("nope.env"), {
        name: "EnvError",
        message: `loadEnv("nope.env"): no such file ${join(dir, "nope.env")}`,
      });
    });
  });
});
