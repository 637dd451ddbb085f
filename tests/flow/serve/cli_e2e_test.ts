/**
 * `ringo flow serve` on the command line: `--check`, `--hash-password`,
 * the auth rules it refuses to break, and TLS.
 */
import { join } from "node:path";
import { verifySecret } from "../../../flow/serve/password.ts";
import { assertEquals, assertMatch } from "../../assert.ts";
import { DENO_FLAGS, REPO, ringoFlow, scenarioDir } from "../e2e.ts";
import { call, FIXTURES, startServe } from "./serve_helpers.ts";

const MONITOR =
  `[[monitor]]\nname = "pass"\npath = "${FIXTURES}pass.ts"\nschedule = "*/5 * * * *"\n`;

Deno.test("--check names every problem of a bad config and exits 2", async () => {
  await using dir = await scenarioDir({
    "bad.toml": `[[monitor]]\nname = "pbx"\npath = "flows"\nschedule = "*/5 * *"\nretries = -1\n`,
  });
  const run = await ringoFlow(["serve", join(dir.path, "bad.toml"), "--check"]);
  assertEquals(run.code, 2, run.stderr);
  assertMatch(
    run.stderr,
    /^error: .*bad\.toml: monitor "pbx" \(#1\): schedule: expected a cron expression of 5 fields \(minute first\) or 6 \(second first\), got 3$/m,
  );
  assertMatch(run.stderr, /monitor "pbx" \(#1\): retries: /);
  assertMatch(run.stderr, /hint: docs\/flow\/serve\.md lists every key of the config/);
});

Deno.test("--check of a good config summarizes it; a missing secret is named", async () => {
  await using dir = await scenarioDir({
    "serve.toml": `[[auth.token]]\nname = "ci"\ntoken_env = "RINGO_TEST_TOKEN"\n${MONITOR}`,
  });
  const missing = await ringoFlow(["serve", join(dir.path, "serve.toml"), "--check"]);
  assertEquals(missing.code, 2);
  assertMatch(
    missing.stderr,
    /error: token "ci": the environment variable RINGO_TEST_TOKEN is not set/,
  );
  const ok = await ringoFlow(["serve", join(dir.path, "serve.toml"), "--check"], {
    env: { RINGO_TEST_TOKEN: "x".repeat(24) },
  });
  assertEquals(ok.code, 0, ok.stderr);
  assertMatch(
    ok.stdout,
    /serve\.toml: OK\n {2}listen 127\.0\.0\.1:9090, 1 run\(s\) at once\n {2}auth: 0 user\(s\), 1 token\(s\)/,
  );
  assertMatch(ok.stdout, / {2}monitor pass: \*\/5 \* \* \* \*/);
});

Deno.test("no auth without --insecure-no-auth, and that only on loopback", async () => {
  await using dir = await scenarioDir({ "serve.toml": `[archive]\npath = "archive"\n${MONITOR}` });
  const config = join(dir.path, "serve.toml");
  const open = await ringoFlow(["serve", config, "--listen", "127.0.0.1:0"]);
  assertEquals(open.code, 2);
  assertMatch(
    open.stderr,
    /error: the config has no \[\[auth\.user\]\] or \[\[auth\.token\]\], so nobody could log in\n {2}hint: add a user/,
  );
  const wide = await ringoFlow(["serve", config, "--listen", "0.0.0.0:0", "--insecure-no-auth"]);
  assertEquals(wide.code, 2);
  assertMatch(
    wide.stderr,
    /error: --insecure-no-auth is only allowed on a loopback address, not 0\.0\.0\.0:0/,
  );

  await using serve = await startServe({
    config: `[archive]\npath = "\${DIR}/archive"\n${MONITOR}`,
    args: ["--insecure-no-auth"],
  });
  const monitors = await call(serve, "/api/monitors");
  assertEquals(monitors.status, 200);
  assertEquals((await call(serve, "/api/session")).json.kind, "anonymous");
  const crossSite = await call(serve, "/api/monitors/pass/runs", {
    method: "POST",
    headers: { Origin: "http://evil.example" },
  });
  assertEquals(crossSite.status, 403, "a web page elsewhere cannot start runs on a loopback serve");
});

Deno.test("--hash-password reads the password from stdin, never from argv", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [...DENO_FLAGS, join(REPO, "main.ts"), "flow", "serve", "--hash-password"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode("s3cret pass\n"));
  await writer.close();
  const out = await child.output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  const hash = new TextDecoder().decode(out.stdout).trim();
  assertEquals(await verifySecret("s3cret pass", hash), true);
});

Deno.test("with tls_cert and tls_key it serves HTTPS, and the session cookie is Secure", async () => {
  await using dir = await scenarioDir({});
  const made = await new Deno.Command("openssl", {
    args: [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-addext",
      "basicConstraints=critical,CA:FALSE",
      "-addext",
      "extendedKeyUsage=serverAuth",
      "-keyout",
      join(dir.path, "key.pem"),
      "-out",
      join(dir.path, "cert.pem"),
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  assertEquals(made.code, 0, new TextDecoder().decode(made.stderr));
  await using serve = await startServe({
    config: `[server]\ntls_cert = "${dir.path}/cert.pem"\ntls_key = "${dir.path}/key.pem"\n` +
      `[archive]\npath = "\${DIR}/archive"\n[[auth.user]]\nname = "ops"\npassword_env = "OPS_PW"\n${MONITOR}`,
    env: { OPS_PW: "tls-password" },
  });
  assertMatch(serve.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const client = Deno.createHttpClient({
    caCerts: [await Deno.readTextFile(join(dir.path, "cert.pem"))],
  });
  try {
    const login = await fetch(`${serve.url}/api/session`, {
      method: "POST",
      client,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ user: "ops", password: "tls-password" }),
    });
    await login.body?.cancel();
    assertEquals(login.status, 200);
    assertMatch(login.headers.get("set-cookie")!, /; HttpOnly; Secure; SameSite=Strict$/);
    assertEquals(login.headers.get("strict-transport-security"), "max-age=31536000");
  } finally {
    client.close();
  }
});

Deno.test("examples/serve/monitor.toml checks, schedules the bundled loopback scenarios and serves them", async () => {
  const env = { RINGO_TOKEN: "example-token-0123456789", RINGO_PASSWORD: "example-password" };
  const check = await ringoFlow(["serve", join(REPO, "examples/serve/monitor.toml"), "--check"], {
    env,
  });
  assertEquals(check.code, 0, check.stderr);
  assertMatch(check.stdout, /monitor loopback-call: \*\/2 \* \* \* \* \(UTC\)/);
  const dir = await Deno.makeTempDir({ prefix: "ringo-serve-example-" });
  try {
    // The example as written, with its archive moved out of the checkout.
    const text = await Deno.readTextFile(join(REPO, "examples/serve/monitor.toml"));
    const config = text.replace('path = "ringo-archive"', `path = "${dir}/archive"`)
      .replaceAll('"../loopback', `"${REPO}/examples/loopback`);
    await using serve = await startServe({ config, dir, env });
    const run = await call(serve, "/api/monitors/loopback-call/runs?wait=true", {
      token: env.RINGO_TOKEN,
      method: "POST",
    });
    assertEquals([run.status, run.json.status], [200, "passed"], run.text);
    const monitors = (await call(serve, "/api/monitors", { token: env.RINGO_TOKEN })).json.monitors;
    assertEquals(monitors.filter((m: { nextRun?: string }) => m.nextRun).length, 3);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
