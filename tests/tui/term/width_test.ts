import { assertEquals } from "../../assert.ts";
import {
  graphemes,
  graphemeWidth,
  padText,
  textWidth,
  truncateText,
} from "../../../tui/term/width.ts";
import { ScreenBuffer } from "../../../tui/term/screen.ts";
import { colorModeFromEnv, parseColor } from "../../../tui/term/style.ts";
import { assertThrows } from "../../assert.ts";

Deno.test("cell widths", async (t) => {
  await t.step("ASCII is one cell, control characters none", () => {
    assertEquals(textWidth("Alice 4711"), 10);
    assertEquals(textWidth("a\tb\x1b"), 2);
  });

  await t.step("CJK and fullwidth characters take two cells", () => {
    assertEquals(textWidth("中文"), 4);
    assertEquals(textWidth("ｶﾀｶﾅ"), 4); // halfwidth katakana: one each
    assertEquals(textWidth("ＡＢ"), 4); // fullwidth Latin
    assertEquals(textWidth("한국"), 4);
  });

  await t.step("emoji, with skin tones and ZWJ sequences, take two cells", () => {
    assertEquals(graphemeWidth("👍"), 2);
    assertEquals(graphemeWidth("👍🏽"), 2);
    assertEquals(graphemeWidth("👨‍👩‍👧"), 2);
    assertEquals(graphemeWidth("🇩🇪"), 2);
    assertEquals(textWidth("📞 Bob"), 6);
  });

  await t.step("combining marks add no width and stay with their letter", () => {
    assertEquals(textWidth("e\u0301"), 1);
    assertEquals(graphemes("e\u0301x"), ["e\u0301", "x"]);
  });

  await t.step("truncate and pad count cells, never splitting a wide character", () => {
    assertEquals(truncateText("Alice Example", 8), "Alice E…");
    assertEquals(truncateText("中文中文", 5), "中文…");
    assertEquals(truncateText("中文中文", 4, ""), "中文");
    assertEquals(truncateText("中文中文", 3, ""), "中");
    assertEquals(padText("中", 4), "中  ");
    assertEquals(textWidth(padText("👍 ok", 10)), 10);
  });
});

Deno.test("screen buffer", async (t) => {
  await t.step("a wide character fills two cells, its second a continuation", () => {
    const screen = new ScreenBuffer(6, 1);
    assertEquals(screen.write(0, 0, "中a"), 3);
    assertEquals([screen.charAt(0, 0), screen.charAt(1, 0), screen.charAt(2, 0)], ["中", "", "a"]);
    assertEquals(screen.rowText(0), "中a   ");
  });

  await t.step("a wide character that does not fit before the edge becomes a space", () => {
    const screen = new ScreenBuffer(3, 1);
    screen.write(0, 0, "ab中");
    assertEquals(screen.rowText(0), "ab ");
    const clipped = new ScreenBuffer(6, 1);
    clipped.write(0, 0, "a中中", {}, 4);
    assertEquals(clipped.rowText(0), "a中   ");
  });

  await t.step("overwriting half of a wide character blanks the other half", () => {
    const screen = new ScreenBuffer(4, 1);
    screen.write(0, 0, "中文");
    screen.write(1, 0, "x");
    assertEquals(screen.rowText(0), " x文");
    screen.write(2, 0, "y");
    assertEquals(screen.rowText(0), " xy ");
  });

  await t.step("text is clipped at the buffer's edges", () => {
    const screen = new ScreenBuffer(4, 1);
    screen.write(-2, 0, "abcdef");
    assertEquals(screen.rowText(0), "cdef");
    screen.write(0, 5, "never");
  });
});

Deno.test("colours", async (t) => {
  await t.step("names are read in any spelling; hex is kept", () => {
    assertEquals(parseColor("DarkGray"), "dark_gray");
    assertEquals(parseColor("dark-grey"), "dark_gray");
    assertEquals(parseColor("bright_red"), "light_red");
    assertEquals(parseColor("LightCyan"), "light_cyan");
    assertEquals(parseColor("#89B4FA"), "#89b4fa");
    assertEquals(parseColor("#abc"), "#aabbcc");
  });

  await t.step("an unknown colour is an error naming the accepted values", () => {
    const error = assertThrows(() => parseColor("chartreuse"), Error, "#rrggbb");
    assertEquals(error.message.includes("dark_gray"), true);
  });

  await t.step("NO_COLOR turns colours off; COLORTERM=truecolor turns 24-bit on", () => {
    assertEquals(colorModeFromEnv({ NO_COLOR: "1", COLORTERM: "truecolor" }), "none");
    assertEquals(colorModeFromEnv({ NO_COLOR: "" }), "256");
    assertEquals(colorModeFromEnv({ COLORTERM: "truecolor" }), "truecolor");
  });
});
