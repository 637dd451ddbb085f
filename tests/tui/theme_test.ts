import { parse } from "smol-toml";
import { assertEquals } from "../assert.ts";
import { DEFAULT_THEME, readTheme, THEME_ROLES } from "../../tui/theme.ts";

Deno.test("theme", async (t) => {
  await t.step("no [theme] gives the default roles", () => {
    assertEquals(readTheme(undefined), { theme: { ...DEFAULT_THEME }, warnings: [] });
  });

  await t.step("roles set in [theme] override the defaults, in any colour spelling", () => {
    const { theme, warnings } = readTheme({ accent: "#89B4FA", subtle: "DarkGray" });
    assertEquals(warnings, []);
    assertEquals(theme.accent, "#89b4fa");
    assertEquals(theme.subtle, "dark_gray");
    assertEquals(theme.success, "green");
  });

  await t.step("a bad colour or an unknown role is a warning and keeps the default", () => {
    const { theme, warnings } = readTheme({ accent: "octarine", accnet: "red", danger: 3 });
    assertEquals(theme.accent, "cyan");
    assertEquals(theme.danger, "red");
    assertEquals(warnings.length, 3);
    assertEquals(warnings[0].startsWith('theme.accent: "octarine" is not a colour'), true);
    assertEquals(warnings[1].startsWith("theme.accnet: unknown role"), true);
  });

  await t.step("every shipped theme sets all six roles with valid colours", async () => {
    const dir = new URL("../../themes/", import.meta.url);
    const names: string[] = [];
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.name.endsWith(".toml")) continue;
      names.push(entry.name);
      const table = parse(await Deno.readTextFile(new URL(entry.name, dir))) as { theme: unknown };
      const { theme, warnings } = readTheme(table.theme);
      assertEquals(warnings, [], entry.name);
      assertEquals(Object.keys(table.theme as object).sort(), [...THEME_ROLES].sort(), entry.name);
      for (const role of THEME_ROLES) assertEquals(/^#[0-9a-f]{6}$/.test(theme[role]), true);
    }
    assertEquals(names.sort(), [
      "catppuccin-mocha.toml",
      "gruvbox.toml",
      "nord.toml",
      "tokyo-night.toml",
    ]);
  });
});
