import { assertEquals, assertMatch } from "../assert.ts";
import {
  BASE_MODULES,
  FEATURES,
  installHint,
  REQUIRED_MODULES,
  upgradeHint,
} from "../../core/mod.ts";
import { engineChecks } from "../../doctor/engine.ts";
import { fakeBaresip, fakes } from "./fakes.ts";

const ALL_MODULES = [
  ...REQUIRED_MODULES,
  ...BASE_MODULES,
  ...["sndfile", "auresamp", "auconv", "srtp", "dtls_srtp", "stun", "mwi"],
];

Deno.test("a baresip older than 1.0 fails the baresip check with the sentence and the install command", async () => {
  await using f = await fakes();
  const binary = await fakeBaresip(f, "0.6.5", ALL_MODULES);
  const { checks } = await engineChecks({ RINGO_BARESIP: binary }, "macos");
  assertEquals(checks.length, 1);
  const [baresip] = checks;
  assertEquals([baresip.name, baresip.status], ["baresip", "fail"]);
  assertEquals(baresip.summary, `0.6.5 (${binary}, from RINGO_BARESIP)`);
  assertMatch(
    baresip.details![0],
    /^baresip 0\.6\.5 is too old for ringo: agents need 1\.0\.0 or newer/,
  );
  assertEquals(baresip.fix, installHint("macos"));
});

Deno.test("no usable baresip binary fails the baresip check with what to install", async () => {
  const { checks } = await engineChecks({ RINGO_BARESIP: "/nonexistent/baresip" }, "arch");
  assertEquals(checks.map((c) => [c.name, c.status]), [["baresip", "fail"]]);
  assertEquals(
    checks[0].summary,
    "RINGO_BARESIP points at /nonexistent/baresip, which is not an executable file",
  );
  assertMatch(checks[0].fix!, /`sudo pacman -S baresip`/);
});

Deno.test("a 1.0 baresip works with limits: each missing feature with the version it needs; an agent that cannot start fails the engine check", async () => {
  await using f = await fakes();
  const binary = await fakeBaresip(f, "1.0.0", ALL_MODULES);
  const { checks, modulePath } = await engineChecks({ RINGO_BARESIP: binary }, "debian");
  assertEquals(checks.map((c) => [c.name, c.status]), [
    ["baresip", "warn"],
    ["modules", "ok"],
    ["engine", "fail"],
    ["features", "warn"],
  ]);
  assertEquals(modulePath, `${f.dir}/lib/baresip/modules`);
  const [baresip, , engine, features] = checks;
  assertMatch(
    baresip.details![0],
    /^works with limits: \d+ of ringo's features need a newer baresip/,
  );
  assertEquals(baresip.fix, upgradeHint("debian"));
  assertMatch(
    engine.details!.join("\n"),
    /baresip for agent "doctor" exited with code 1 before ctrl_tcp was ready/,
  );
  assertEquals(features.details!.length, Object.keys(FEATURES).length);
  assertEquals(
    features.details!.includes("✗ attended transfer needs baresip ≥ 2.0.0 (this is baresip 1.0.0)"),
    true,
  );
  assertEquals(features.details!.includes(`✓ ${FEATURES["dtmf-info"].description}`), false);
});

Deno.test("a module folder without a module every agent loads fails the modules check, naming it", async () => {
  await using f = await fakes();
  const binary = await fakeBaresip(f, "4.10.0", ALL_MODULES.filter((m) => m !== "aufile"));
  const { checks } = await engineChecks({ RINGO_BARESIP: binary }, "debian");
  assertEquals(checks.map((c) => [c.name, c.status]), [["baresip", "ok"], ["modules", "fail"]]);
  assertEquals(checks[1].summary, `${f.dir}/lib/baresip/modules lacks aufile`);
  await using g = await fakes();
  const partial = await fakeBaresip(g, "4.10.0", ALL_MODULES.filter((m) => m !== "sndfile"));
  const warned = await engineChecks({ RINGO_BARESIP: partial }, "debian");
  const modules = warned.checks.find((c) => c.name === "modules")!;
  assertEquals(modules.status, "warn");
  assertEquals(
    modules.details!.includes("no sndfile.so: no received audio (verifyAudio, --save-audio)"),
    true,
  );
});

Deno.test("on the real engine a loopback agent starts and the feature table follows its version", async () => {
  const { checks } = await engineChecks(Deno.env.toObject(), "debian");
  const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
  assertEquals(["ok", "warn"].includes(byName.baresip.status), true, byName.baresip.summary);
  assertEquals(byName.modules.status === "fail", false, byName.modules.summary);
  assertEquals(byName.engine.status, "ok", byName.engine.details?.join("\n"));
  assertMatch(
    byName.engine.summary,
    /^a loopback agent started and answered on ctrl_tcp in \d+ ms$/,
  );
  const missing = byName.features.details!.filter((d) => d.startsWith("✗")).length;
  assertEquals(byName.features.status, missing > 0 ? "warn" : "ok");
  assertEquals(byName.baresip.status, missing > 0 ? "warn" : "ok");
});
