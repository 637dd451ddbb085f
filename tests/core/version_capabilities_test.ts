import { assertEquals, assertMatch, assertThrows } from "../assert.ts";
import {
  Capabilities,
  CapabilityError,
  compareVersions,
  parseBaresipVersion,
  version,
} from "../../core/mod.ts";

Deno.test("baresip version detection", async (t) => {
  await t.step("reads versions from -h output and about boxes", () => {
    assertEquals(
      parseBaresipVersion("baresip v1.0.0 Copyright (C) 2010 - 2020 Alfred E. Heggestad et al."),
      version("1.0.0"),
    );
    assertEquals(
      parseBaresipVersion("|   \x1b[34;1mbare\x1b[31;1msip\x1b[;m 3.16.0   |"),
      version("3.16.0"),
    ); // the about box, colours stripped
    assertEquals(parseBaresipVersion("baresip 4.1.0"), version("4.1.0"));
    assertEquals(parseBaresipVersion("baresip v3.2"), { major: 3, minor: 2, patch: 0 });
    assertEquals(parseBaresipVersion("sipp 3.6.1"), undefined);
  });

  await t.step("orders versions numerically", () => {
    assertEquals(compareVersions(version("1.10.0"), version("1.9.9")) > 0, true);
    assertEquals(compareVersions(version("3.0.0"), version("3.0.0")), 0);
  });
});

Deno.test("capabilities per baresip version", async (t) => {
  await t.step(
    "1.0.0 lacks attended transfer, custom headers, SIP INFO DTMF and reject codes",
    () => {
      const caps = new Capabilities(version("1.0.0"));
      for (
        const f of ["attended-transfer", "custom-headers", "dtmf-info", "reject-with-code"] as const
      ) {
        assertEquals(caps.has(f), false, f);
      }
    },
  );

  await t.step("a missing feature fails with a sentence naming the running version", () => {
    const caps = new Capabilities(version("1.0.0"));
    const error = assertThrows(
      () => caps.require("attended-transfer"),
      CapabilityError,
    ) as CapabilityError;
    assertMatch(
      error.message,
      /attended transfer needs baresip ≥ 2\.0\.0 \(this is baresip 1\.0\.0\)/,
    );
    assertMatch(error.hint ?? "", /RINGO_BARESIP/);
  });

  await t.step("3.14.0 has everything but declining with a code (3.19.0)", () => {
    const caps = new Capabilities(version("3.14.0"));
    const missing = Object.entries(caps.summary()).filter(([, has]) => !has).map(([f]) => f);
    assertEquals(missing, ["reject-with-code"]);
  });

  await t.step("4.10.0 has them all", () => {
    assertEquals(Object.values(new Capabilities(version("4.10.0")).summary()).every(Boolean), true);
  });
});
