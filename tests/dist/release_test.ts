/**
 * The release workflow, checked here where it cannot run: a v* tag compiles
 * every target of `.ci/compile.ts`, smoke-tests every binary (the linux ones
 * with the bundled scenarios), publishes the binaries with SHA256SUMS and
 * install.sh, and pushes the amd64 + arm64 image as :<version> and :latest
 * after the amd64 one ran the scenarios. `.ci/smoke-binary`, the step each
 * smoke job runs, is run here against ringo itself.
 */
import { parse } from "yaml";
import { assertEquals, assertMatch } from "../assert.ts";
import { TARGETS } from "../../.ci/compile.ts";
import { RINGO_DENO_FLAGS } from "../../.ci/deno_flags.ts";
import { scenarioDir } from "../flow/e2e.ts";
import { REPO } from "./readme.ts";

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  strategy?: { matrix: { include: Array<{ runner: string; target: string }> } };
  steps: Step[];
  permissions?: Record<string, string>;
}

const workflow = parse(await Deno.readTextFile(`${REPO}/.github/workflows/release.yml`)) as {
  on: { push: { tags: string[] } };
  jobs: Record<string, Job>;
};
const jobs = workflow.jobs;
const runs = (job: Job) => job.steps.map((s) => s.run ?? "").join("\n");
const needs = (job: Job) => [job.needs ?? []].flat();

Deno.test("a v* tag compiles every target and smoke-tests each binary, linux with the scenarios", () => {
  assertEquals(workflow.on.push.tags, ["v*"]);
  assertMatch(runs(jobs.compile), /deno task compile$/m);
  assertMatch(runs(jobs.compile), /"\$GITHUB_REF_NAME" = "v\$version"/);
  const smoked = ["smoke-linux", "smoke-macos"].flatMap((name) =>
    jobs[name].strategy!.matrix.include.map((entry) => ({ job: name, ...entry }))
  );
  assertEquals(smoked.map((s) => s.target).sort(), [...TARGETS].sort());
  for (const name of ["smoke-linux", "smoke-macos"]) assertEquals(needs(jobs[name]), ["compile"]);
  assertMatch(runs(jobs["smoke-linux"]), /\.ci\/build-baresip/);
  assertMatch(
    runs(jobs["smoke-linux"]),
    /\.ci\/smoke-binary "dist\/ringo-\$\{\{ matrix\.target \}\}" --scenarios/,
  );
  assertMatch(
    runs(jobs["smoke-macos"]),
    /\.ci\/smoke-binary "dist\/ringo-\$\{\{ matrix\.target \}\}"$/m,
  );
});

Deno.test("the release publishes only smoke-tested binaries, with SHA256SUMS and install.sh", () => {
  const publish = jobs.publish;
  assertEquals(needs(publish).sort(), ["smoke-linux", "smoke-macos"]);
  assertEquals(publish.permissions?.contents, "write");
  assertMatch(runs(publish), /\.ci\/release-assets dist/);
  assertMatch(
    runs(publish),
    /gh release create "\$GITHUB_REF_NAME" --verify-tag[\s\S]*dist\/ringo-\* dist\/SHA256SUMS dist\/install\.sh/,
  );
});

Deno.test("the image is tested on amd64, then pushed for amd64 and arm64 as :<version> and :latest", () => {
  const image = jobs.image;
  assertEquals(image.permissions?.packages, "write");
  const meta = image.steps.find((s) => s.uses?.startsWith("docker/metadata-action@"))!;
  assertMatch(String(meta.with?.tags), /type=semver,pattern=\{\{version\}\}/);
  assertMatch(String(meta.with?.tags), /type=raw,value=latest/);
  const builds = image.steps.filter((s) => s.uses?.startsWith("docker/build-push-action@"));
  assertEquals(builds.length, 2);
  const [test, push] = builds;
  assertEquals([test.with?.platforms, test.with?.load], ["linux/amd64", true]);
  assertEquals([push.with?.platforms, push.with?.push], ["linux/amd64,linux/arm64", true]);
  const order = image.steps.indexOf(test) < image.steps.indexOf(push);
  assertEquals(order, true);
  assertMatch(runs(image), /flow run \/scn\/loopback \/scn\/websocket --junit \/out\/flow\.xml/);
  assertEquals(image.steps.some((s) => s.uses?.startsWith("docker/setup-qemu-action@")), true);
});

Deno.test(".ci/smoke-binary passes ringo itself: version, doctor, the scenarios loaded and run", async () => {
  await using bin = await scenarioDir({
    "ringo": `#!/bin/sh\nexec "${Deno.execPath()}" run ${
      RINGO_DENO_FLAGS.join(" ")
    } "${REPO}/main.ts" "$@"\n`,
  });
  await Deno.chmod(`${bin.path}/ringo`, 0o755);
  const output = await new Deno.Command(`${REPO}/.ci/smoke-binary`, {
    args: [`${bin.path}/ringo`, "--scenarios"],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  assertEquals(output.code, 0, text);
  assertMatch(text, /\d+ passed, 0 failed, 0 skipped/);
  assertMatch(text, /smoke-binary: .*\/ringo: ok/);
});
