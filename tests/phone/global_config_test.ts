/**
 * ringo.toml: includes merge in order (tables per key, arrays replace),
 * cycles and missing includes are warnings, a parse error is a warning
 * with the line and the defaults apply.
 */
import { join } from "node:path";
import { loadGlobalConfig, mergeTables } from "../../phone/global_config.ts";
import { assertEquals, assertMatch } from "../assert.ts";

async function withFiles(files: Record<string, string>, fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "ringo-config-" });
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(join(dir, name), text);
    }
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("tables merge key by key, arrays and values replace", () => {
  assertEquals(
    mergeTables(
      {
        theme: { accent: "cyan", danger: "red" },
        hooks: [{ a: 1 }],
        baresip: { extra: { a: "1" } },
      },
      { theme: { accent: "blue" }, hooks: [{ b: 2 }], baresip: { extra: { b: "2" } } },
    ),
    {
      theme: { accent: "blue", danger: "red" },
      hooks: [{ b: 2 }],
      baresip: { extra: { a: "1", b: "2" } },
    },
  );
});

Deno.test("includes are read in order, then the including file on top", async () => {
  await withFiles({
    "ringo.toml": 'include = ["theme.toml", "hooks.toml"]\n[theme]\ndanger = "#ff0000"\n',
    "theme.toml": '[theme]\naccent = "blue"\ndanger = "red"\n',
    "hooks.toml": '[[hooks]]\nevent = "call_ended"\ncommand = "true"\ntimeout = "5s"\n',
  }, async (dir) => {
    const { config, warnings, files } = await loadGlobalConfig(join(dir, "ringo.toml"));
    assertEquals(warnings, []);
    assertEquals(config.theme, { accent: "blue", danger: "#ff0000" });
    assertEquals(config.hooks, [{ event: "call_ended", command: "true", timeout: 5000 }]);
    assertEquals(files.map((f) => f.slice(dir.length + 1)), [
      "ringo.toml",
      "theme.toml",
      "hooks.toml",
    ]);
  });
});

Deno.test("an include cycle and a missing include are warnings, the rest still applies", async () => {
  await withFiles({
    "ringo.toml": 'include = ["a.toml", "gone.toml"]\n',
    "a.toml": 'include = ["ringo.toml"]\n[picker]\ninfo = ["username"]\n',
  }, async (dir) => {
    const { config, warnings } = await loadGlobalConfig(join(dir, "ringo.toml"));
    assertEquals(config.picker, { info: ["username"] });
    assertEquals(warnings.length, 2);
    assertMatch(warnings[0], /include cycle/);
    assertMatch(warnings[1], /include gone\.toml does not exist/);
  });
});

Deno.test("a parse error is a warning with the line, and the defaults apply", async () => {
  await withFiles({ "ringo.toml": '[theme]\naccent = "blue"\nbroken = \n' }, async (dir) => {
    const { config, warnings } = await loadGlobalConfig(join(dir, "ringo.toml"));
    assertEquals(config, { picker: {}, theme: {}, baresip: {}, hooks: [] });
    assertMatch(warnings[0], /ringo\.toml: line 3: .*using the default configuration$/);
  });
});

Deno.test("a wrong field is a warning naming it, and only its section falls back to the defaults", async () => {
  await withFiles({
    "ringo.toml":
      '[baresip]\naudio_driver = "oss"\n[theme]\naccent = "cyan"\n[[hooks]]\nevent = "call_started"\ncommand = "x"\n',
  }, async (dir) => {
    const { config, warnings } = await loadGlobalConfig(join(dir, "ringo.toml"));
    assertEquals(config.theme, { accent: "cyan" });
    assertEquals(config.baresip, {});
    assertEquals(config.hooks, []);
    assertMatch(warnings[0], /baresip\.audio_driver: .*using the defaults for \[baresip\]/);
    assertMatch(warnings[1], /hooks\[0\]\.event: /);
  });
});

Deno.test("[baresip.extra] values of any TOML type become config text", async () => {
  await withFiles({
    "ringo.toml": "[baresip.extra]\ncall_max_calls = 8\nsip_verify_server = false\n",
  }, async (dir) => {
    const { config } = await loadGlobalConfig(join(dir, "ringo.toml"));
    assertEquals(config.baresip.extra, { call_max_calls: "8", sip_verify_server: "false" });
  });
});

Deno.test("no ringo.toml gives the defaults and no warning", async () => {
  const { config, warnings } = await loadGlobalConfig("/nonexistent/ringo.toml");
  assertEquals([config.hooks, warnings], [[], []]);
});
