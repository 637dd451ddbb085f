/**
 * The container image, built here with podman from the Dockerfile
 * (`.ci/build-image`: local base images, then the multi-stage build) and run
 * as README's "Install" section says: `ringo --version` names the image's
 * own baresip, the bundled loopback and WebSocket examples pass inside it
 * with a JUnit report in a mounted folder, `--env-file` (podman's and
 * ringo's) and `--save-audio` work with the documented mounts as a user
 * other than root, and its HEALTHCHECK tells a listening `/healthz` from
 * none.
 *
 * The image stays in podman's storage (its layers are the cache that makes
 * the next build take seconds); every container is removed.
 */
import { join } from "node:path";
import { assertEquals, assertMatch } from "../assert.ts";
import { runCommand, type RunOptions } from "../command.ts";
import { lastLine, scenarioDir } from "../flow/e2e.ts";
import { installCommand, README_IMAGE, REPO } from "./readme.ts";

const TAG = "localhost/ringo:test";
const PODMAN = `${REPO}/.ci/podman`;
const manifest = JSON.parse(await Deno.readTextFile(`${REPO}/deno.json`));
const dockerfile = await Deno.readTextFile(`${REPO}/Dockerfile`);
const BARESIP = Deno.env.get("BARESIP_VERSION") ??
  /^ARG BARESIP_VERSION=(\S+)$/m.exec(dockerfile)?.[1];

const run = (argv: string[], options: RunOptions = {}) =>
  runCommand(argv, { cwd: REPO, ...options });

const podman = (...args: string[]) => run([PODMAN, ...args]);

/** A folder the image's unprivileged user may write into. */
async function outputDir() {
  const dir = await scenarioDir({});
  await Deno.chmod(dir.path, 0o777);
  return dir;
}

const AUDIO_AND_ENV = `import { agent, env, expect, State, tone, until } from "@ringo/flow";

// One from podman's --env-file (the container's environment), one from ringo's --env-file.
expect(env("RINGO_IMAGE_CONTAINER_ENV")).toBe("from podman");
expect(env("RINGO_IMAGE_RINGO_ENV")).toBe("from ringo");

const a = await agent("A");
const b = await agent("B");
await a.dial(b);
await until(() => expect(b.state).toBe(State.Ringing), "15s");
await b.accept();
await until(() => expect(a.state).toBe(State.Established));
await a.sendAudio(tone(800));
await b.verifyAudio(800, "5s");
await a.hangup();
await until(() => expect(b.state).toBe(State.Idle), "10s");
`;

Deno.test({
  name: "the container image builds with podman and runs ringo and the bundled examples inside",
  ignore: Deno.build.os !== "linux",
  async fn(t) {
    const built = await run([`${REPO}/.ci/build-image`, TAG]);
    assertEquals(built.code, 0, built.stderr);
    const figures = /built \S+ in (\d+) s, (\d+) MB/.exec(built.stderr);
    assertEquals(figures !== null, true, built.stderr);
    console.log(`image ${TAG}: ${figures![2]} MB, built in ${figures![1]} s`);

    await t.step("its metadata: entrypoint, user, workdir, labels, healthcheck", async () => {
      const inspect = await podman("image", "inspect", TAG);
      assertEquals(inspect.code, 0, inspect.stderr);
      const [image] = JSON.parse(inspect.stdout);
      const config = image.Config;
      assertEquals(config.Entrypoint, ["ringo"]);
      assertEquals(config.Cmd, ["--help"]);
      assertEquals(config.User, "ringo");
      assertEquals(config.WorkingDir, "/work");
      assertEquals(config.Labels["org.opencontainers.image.title"], "ringo");
      assertEquals(config.Labels["org.opencontainers.image.version"], manifest.version);
      assertEquals(config.Labels["io.ringo.baresip.version"], BARESIP);
      // podman's JSON leaves the healthcheck out; its template has it.
      const health = await podman(
        "image",
        "inspect",
        "--format",
        "{{json .Config.Healthcheck}}",
        TAG,
      );
      const healthcheck = JSON.parse(health.stdout);
      assertEquals(healthcheck.Test.slice(0, 3), ["CMD", "deno", "eval"]);
      assertMatch(healthcheck.Test[3], /RINGO_HEALTH_URL/);
    });

    await t.step(
      "ringo --version runs as the image's user and names the image's baresip",
      async () => {
        const version = await podman(
          "run",
          "--rm",
          "--no-healthcheck",
          "--network",
          "host",
          TAG,
          "--version",
        );
        assertEquals(version.code, 0, version.stderr);
        const [first, , engine] = version.stdout.split("\n");
        assertEquals(first, manifest.version);
        assertEquals(engine, `baresip ${BARESIP} (/opt/baresip/bin/baresip, from PATH)`);
      },
    );

    await t.step(
      "README's docker run runs the loopback and WebSocket examples with a JUnit report",
      async () => {
        await using here = await scenarioDir({});
        for (const example of ["loopback", "websocket"]) {
          const copied = await run([
            "cp",
            "-r",
            join(REPO, "examples", example),
            join(here.path, "flows"),
          ]);
          assertEquals(copied.code, 0, copied.stderr);
        }
        const command = (await installCommand("docker run")).replace(README_IMAGE, TAG);
        // README says docker; here podman plays it, without the healthcheck timer (no systemd).
        const viaPodman = await run([
          "sh",
          "-c",
          `docker() { shift; "${PODMAN}" run --no-healthcheck "$@"; }\nmkdir -p reports && ${command}`,
        ], { cwd: here.path, env: { PATH: Deno.env.get("PATH") ?? "" } });
        assertEquals(viaPodman.code, 0, viaPodman.stdout + viaPodman.stderr);
        const summary = /^(\d+) passed, 0 failed, 0 skipped$/m.exec(lastLine(viaPodman.stdout));
        assertEquals(summary !== null, true, viaPodman.stdout);
        const junit = await Deno.readTextFile(join(here.path, "reports", "flow.xml"));
        assertMatch(junit, new RegExp(`<testsuites[^>]* tests="${summary![1]}"[^>]* failures="0"`));
      },
    );

    await t.step(
      "as another user, --env-file (podman's and ringo's), --save-audio and --pcap work with mounts",
      async () => {
        await using scn = await scenarioDir({
          "audio_env.ts": AUDIO_AND_ENV,
          "ringo.env": "RINGO_IMAGE_RINGO_ENV=from ringo\n",
        });
        await using conf = await scenarioDir({
          "container.env": "RINGO_IMAGE_CONTAINER_ENV=from podman\n",
        });
        await Deno.chmod(scn.path, 0o755);
        await using out = await outputDir();
        const flow = await podman(
          "run",
          "--rm",
          "--no-healthcheck",
          "--network",
          "host",
          "--user",
          "4242:4242",
          "--env-file",
          join(conf.path, "container.env"),
          "-v",
          `${scn.path}:/scn:ro`,
          "-v",
          `${out.path}:/out`,
          TAG,
          "flow",
          "run",
          "/scn",
          "--env-file",
          "/scn/ringo.env",
          "--junit",
          "/out/flow.xml",
          "--save-audio",
          "/out/audio",
          "--pcap",
          "/out/sip/",
        );
        assertEquals(flow.code, 0, flow.stdout + flow.stderr);
        assertEquals(lastLine(flow.stdout), "1 passed, 0 failed, 0 skipped");
        assertEquals((await Deno.stat(join(out.path, "flow.xml"))).uid, 4242);
        const wavs = await run(["find", join(out.path, "audio"), "-name", "*.wav"]);
        assertMatch(wavs.stdout, /\/B\/call1-a-received\.wav$/im);
        assertMatch(wavs.stdout, /\/A\/call1-b-sent\.wav$/im);
        const pcaps = await run(["find", join(out.path, "sip"), "-name", "*.pcap"]);
        assertMatch(pcaps.stdout, /\/audio_env\.pcap$/m);
      },
    );

    await t.step(
      "its HEALTHCHECK passes while /healthz answers and fails when nothing listens",
      async () => {
        let healthy = true;
        const server = Deno.serve(
          { hostname: "127.0.0.1", port: 0, onListen() {} },
          (request) =>
            new URL(request.url).pathname === "/healthz" && healthy
              ? new Response("ok")
              : new Response("down", { status: 503 }),
        );
        const name = `ringo-health-${Deno.pid}`;
        try {
          const started = await podman(
            "run",
            "-d",
            "--name",
            name,
            "--network",
            "host",
            "--health-interval",
            "disable",
            "--health-start-period",
            "0s",
            "--health-retries",
            "1",
            "-e",
            `RINGO_HEALTH_URL=http://127.0.0.1:${server.addr.port}/healthz`,
            "--entrypoint",
            "sleep",
            TAG,
            "300",
          );
          assertEquals(started.code, 0, started.stderr);
          const up = await podman("healthcheck", "run", name);
          assertEquals(up.code, 0, up.stdout + up.stderr);
          healthy = false;
          const down = await podman("healthcheck", "run", name);
          assertEquals(down.code, 1, down.stdout + down.stderr);
          assertMatch(down.stdout, /unhealthy/);
        } finally {
          await podman("rm", "--force", "--time", "0", name);
          await server.shutdown();
        }
      },
    );
  },
});
