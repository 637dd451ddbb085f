import { Authenticator } from "../../../flow/serve/auth.ts";
import { parseServeConfig } from "../../../flow/serve/config.ts";
import { ServeError } from "../../../flow/serve/errors.ts";
import { LoginLimiter } from "../../../flow/serve/login_limiter.ts";
import { hashSecret, sameSecret, verifySecret } from "../../../flow/serve/password.ts";
import { assertEquals, assertMatch, assertRejects } from "../../assert.ts";

Deno.test("scrypt hashes verify the right secret only, and never hold it in clear", async () => {
  const hash = await hashSecret("correct horse");
  assertMatch(hash, /^scrypt\$N=16384,r=8,p=1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
  assertEquals(hash.includes("correct horse"), false);
  assertEquals(await verifySecret("correct horse", hash), true);
  assertEquals(await verifySecret("correct horsE", hash), false);
  assertEquals(hash === await hashSecret("correct horse"), false, "each hash has its own salt");
  assertEquals(await sameSecret("abc", "abc"), true);
  assertEquals(await sameSecret("abc", "abcd"), false);
});

Deno.test("tokens carry their scopes; unknown tokens and sessions give no principal", async () => {
  const readerHash = await hashSecret("reader-token");
  const config = parseServeConfig(
    `[[auth.token]]
name = "ci"
token_env = "CI_TOKEN"
[[auth.token]]
name = "reader"
token_hash = "${readerHash}"
scopes = ["read"]
`,
    "/x/serve.toml",
  );
  const auth = await Authenticator.create(config.auth, { env: { CI_TOKEN: "ci-token-value" } });
  const ci = await auth.principalOf({ authorization: "Bearer ci-token-value" });
  assertEquals([ci?.kind, ci?.name, [...ci!.scopes].sort()], ["token", "ci", ["read", "run"]]);
  const reader = await auth.principalOf({ authorization: "bearer reader-token" });
  assertEquals([reader?.name, [...reader!.scopes]], ["reader", ["read"]]);
  assertEquals(await auth.principalOf({ authorization: "Bearer nope" }), undefined);
  assertEquals(await auth.principalOf({ sessionId: "made-up" }), undefined);
  assertEquals(await auth.principalOf({}), undefined);
});

Deno.test("a missing secret stops the start with the variable's name", async () => {
  const config = parseServeConfig(
    `[[auth.user]]\nname = "ops"\npassword_env = "OPS_PASSWORD"\n`,
    "/x/serve.toml",
  );
  const error = await assertRejects(
    () => Authenticator.create(config.auth, { env: {} }),
    ServeError,
  );
  assertMatch(error.message, /user "ops": the environment variable OPS_PASSWORD is not set/);
});

Deno.test("logins open sessions with a CSRF token, and repeated failures are refused for a while", async () => {
  let now = 1_000_000;
  const config = parseServeConfig(
    `[[auth.user]]\nname = "ops"\npassword_hash = "${await hashSecret("s3cret")}"\n`,
    "/x/serve.toml",
  );
  const auth = await Authenticator.create(config.auth, {
    env: {},
    limiter: new LoginLimiter({ maxFailures: 3, windowMs: 60_000, now: () => now }),
  });
  const ok = await auth.login("ops", "s3cret", "10.0.0.1");
  if (!ok.ok) throw new Error("login failed");
  const who = await auth.principalOf({ sessionId: ok.sessionId });
  assertEquals([who?.kind, who?.name], ["user", "ops"]);
  assertEquals(auth.csrfMatches(who!, ok.principal.csrf), true);
  assertEquals(auth.csrfMatches(who!, "forged"), false);
  auth.logout(ok.sessionId);
  assertEquals(await auth.principalOf({ sessionId: ok.sessionId }), undefined);

  for (let i = 0; i < 3; i++) {
    assertEquals((await auth.login("ops", "guess", "10.0.0.2")).ok, false);
  }
  const blocked = await auth.login("ops", "s3cret", "10.0.0.2");
  assertEquals(blocked.ok, false);
  assertEquals(!blocked.ok && blocked.retryAfter > 0, true, "the right password waits too");
  now += 61_000;
  assertEquals((await auth.login("ops", "s3cret", "10.0.0.2")).ok, true);
});
