import { cronProblem, parseServeConfig } from "../../../flow/serve/config.ts";
import { ServeError } from "../../../flow/serve/errors.ts";
import { assertEquals, assertMatch, assertThrows } from "../../assert.ts";

const FILE = "/etc/ringo/serve.toml";

Deno.test("a serve config resolves paths against its folder and fills the defaults", () => {
  const config = parseServeConfig(
    `[[monitor]]
name = "pbx-call"
path = ["flows/call.ts", "/opt/flows"]
schedule = "*/5 * * * *"
timezone = "Europe/Berlin"
env_file = "pbx.env"
timeout = "90s"
tags = ["smoke"]

[[auth.token]]
name = "ci"
token_env = "CI_TOKEN"
scopes = ["read"]
`,
    FILE,
  );
  assertEquals(config.server, { listen: "127.0.0.1:9090", concurrency: 1 });
  assertEquals(config.archive, {
    path: "/etc/ringo/ringo-archive",
    keepRuns: 1000,
    keepDays: 30,
    keepAudio: 20,
  });
  assertEquals(config.metrics, { enabled: true, public: false });
  assertEquals(config.auth.tokens, [{ name: "ci", scopes: ["read"], token: { env: "CI_TOKEN" } }]);
  const [m] = config.monitors;
  assertEquals(m.paths, ["/etc/ringo/flows/call.ts", "/opt/flows"]);
  assertEquals(m.envFiles, ["/etc/ringo/pbx.env"]);
  assertEquals(m.timeoutMs, 90_000);
  assertEquals(m.retries, 0);
  assertEquals(m.tags, ["smoke"]);
});

Deno.test("every problem of a config is named by file, monitor and field at once", () => {
  const error = assertThrows(
    () =>
      parseServeConfig(
        `[[monitor]]
name = "pbx"
path = "x"
schedule = "* *"
timezone = "Mars/Olympus"
timeout = "10x"
colour = 1

[[monitor]]
name = "second"
path = 3
`,
        FILE,
      ),
    ServeError,
  );
  const lines = error.message.split("\n");
  assertEquals(lines.length, 5, error.message);
  assertMatch(
    lines[0],
    /^\/etc\/ringo\/serve\.toml: monitor "pbx" \(#1\): schedule: expected a cron expression of 5 fields/,
  );
  assertMatch(error.message, /monitor "pbx" \(#1\): timezone: unknown time zone "Mars\/Olympus"/);
  assertMatch(error.message, /monitor "pbx" \(#1\): timeout: invalid duration "10x"/);
  assertMatch(error.message, /monitor "pbx" \(#1\): unknown key "colour"/);
  assertMatch(error.message, /monitor "second" \(#2\): path: expected a scenario file or folder/);
});

Deno.test("whole-config rules: unique monitor names, one secret per user, TLS cert with key", () => {
  const error = assertThrows(
    () =>
      parseServeConfig(
        `[server]
tls_cert = "cert.pem"
[[auth.user]]
name = "ops"
[[monitor]]
name = "a"
path = "x"
[[monitor]]
name = "a"
path = "y"
`,
        FILE,
      ),
    ServeError,
  );
  assertMatch(error.message, /monitor "a" \(#2\): name: a second monitor named "a"/);
  assertMatch(
    error.message,
    /auth\.user "ops" \(#1\): needs exactly one of password_hash, password_file, password_env \(found none\)/,
  );
  assertMatch(error.message, /server: tls_cert and tls_key go together/);
});

Deno.test("a config that is not TOML says where", () => {
  const error = assertThrows(() => parseServeConfig("x = [", FILE), ServeError);
  assertMatch(error.message, /^\/etc\/ringo\/serve\.toml:1:\d+: not valid TOML/);
});

Deno.test("schedules take 5 fields (minute first) or 6 (second first), nothing else", () => {
  assertEquals(cronProblem("*/5 * * * *"), undefined);
  assertEquals(cronProblem("* * * * * *"), undefined);
  assertMatch(cronProblem("* * * * * * *")!, /got 7/);
  assertMatch(cronProblem("61 * * * *")!, /"61 \* \* \* \*"/);
});

Deno.test("a listen address must be HOST:PORT", () => {
  const error = assertThrows(
    () => parseServeConfig(`[server]\nlisten = "9090"\n`, FILE),
    ServeError,
  );
  assertMatch(error.message, /server\.listen: listen address "9090": expected HOST:PORT/);
});
