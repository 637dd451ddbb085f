import { assertEquals, assertMatch, assertThrows } from "../assert.ts";
import {
  Capabilities,
  CapabilityError,
  compareVersions,
  parseBaresipVersion,
  parseHelp,
  version,
} from "../../core/mod.ts";

const HELP_1_0_0 = `--- Help ---
  /about                     About box
  /accept           a        Accept incoming call
  /dial ..          d ..     Dial
  /hangup           b        Hangup call
  /uanew ..                  Create User-Agent
`;

const HELP_3_X = HELP_1_0_0.replace("/hangup           b", "/hangup ..        b") +
  "  /atransferstart ..         Start attended transfer\n  /atransferexec             Execute attended transfer\n" +
  "  /atransferabort            Abort attended transfer\n  /uaaddheader ..            Add header\n  /uarmheader ..             Remove header\n  /uareg ..                  Register\n";

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
  await t.step("parses long command names and which take parameters from help", () => {
    const help = parseHelp(HELP_1_0_0);
    assertEquals([...help.names].sort(), ["about", "accept", "dial", "hangup", "uanew"]);
    assertEquals(help.withParams.has("dial"), true);
    assertEquals(help.withParams.has("hangup"), false);
  });

  await t.step(
    "1.0.0 lacks attended transfer, custom headers, SIP INFO DTMF and reject codes",
    () => {
      const caps = new Capabilities(version("1.0.0"), parseHelp(HELP_1_0_0));
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

  await t.step("3.x with the commands in help has them all", () => {
    const caps = new Capabilities(version("3.16.0"), parseHelp(HELP_3_X));
    assertEquals(Object.values(caps.summary()).every(Boolean), true);
  });

  await t.step("a new version whose help lacks a command is still caught", () => {
    const caps = new Capabilities(version("3.16.0"), parseHelp(HELP_1_0_0));
    assertMatch(
      caps.missingReason("attended-transfer") ?? "",
      /^attended transfer needs the ctrl_tcp commands 'atransferstart', .*, which baresip 3\.16\.0 does not list$/,
    );
    assertMatch(
      caps.missingReason("reject-with-code") ?? "",
      /'hangup' to take parameters, which it does not in baresip 3\.16\.0$/,
    );
  });
});
