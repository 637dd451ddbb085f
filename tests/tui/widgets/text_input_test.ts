import { assertEquals } from "../../assert.ts";
import { key } from "../../../tui/term/keys.ts";
import { ScreenBuffer } from "../../../tui/term/screen.ts";
import { TextInput } from "../../../tui/widgets/text_input.ts";
import { ListState } from "../../../tui/widgets/list.ts";

const type = (input: TextInput, ...names: string[]) => {
  for (const name of names) {
    const parts = name.length > 1 ? name.split("+") : [name];
    const [mods, base] = [parts.slice(0, -1), parts.at(-1)!];
    const k = key(base, { ctrl: mods.includes("ctrl"), alt: mods.includes("alt") });
    if (base.length === 1 && mods.length === 0) k.text = base;
    input.handleKey(k);
  }
};

Deno.test("text input", async (t) => {
  await t.step("types, moves and deletes around the cursor", () => {
    const input = new TextInput();
    type(input, "4", "7", "1", "left", "left", "0", "home", "+", "end", "backspace");
    assertEquals(input.value, "+407");
    type(input, "home", "delete");
    assertEquals([input.value, input.cursor], ["407", 0]);
  });

  await t.step("word keys stop at URI punctuation", () => {
    const input = new TextInput("sip:alice@example.com");
    type(input, "ctrl+w");
    assertEquals(input.value, "sip:alice@example.");
    type(input, "alt+b", "ctrl+k");
    assertEquals(input.value, "sip:alice@");
    type(input, "ctrl+u");
    assertEquals(input.value, "");
  });

  await t.step("a paste inserts its text on one line; wide characters move as one", () => {
    const input = new TextInput("中");
    input.handleKey(key("paste", { text: "a\nb" }));
    assertEquals(input.value, "中a b");
    type(input, "home", "right", "delete");
    assertEquals(input.value, "中 b");
  });

  await t.step("keys an input does not use are handed back", () => {
    const input = new TextInput();
    assertEquals(input.handleKey(key("enter")), false);
    assertEquals(input.handleKey(key("up")), false);
    assertEquals(input.handleKey(key("r", { ctrl: true })), false);
  });

  await t.step("drawing scrolls so the cursor stays visible and places the cursor", () => {
    const input = new TextInput("0123456789");
    const screen = new ScreenBuffer(6, 1);
    input.draw(screen, 0, 0, 6, {}, true);
    assertEquals(screen.rowText(0), "56789 ");
    assertEquals(screen.cursor, { x: 5, y: 0 });
    type(input, "home");
    screen.clear();
    input.draw(screen, 0, 0, 6, {}, true);
    assertEquals(screen.rowText(0), "012345");
    assertEquals(screen.cursor, { x: 0, y: 0 });
  });
});

Deno.test("list state", async (t) => {
  await t.step("moves with or without wrap-around and keeps the selection visible", () => {
    const list = new ListState();
    list.move(-1, 5, { wrap: true });
    assertEquals(list.selected, 4);
    assertEquals(list.scrollFor(3, 5), 2);
    list.move(1, 5, { wrap: true });
    assertEquals([list.selected, list.scrollFor(3, 5)], [0, 0]);
    list.move(10, 5);
    assertEquals(list.selected, 4);
    list.clamp(2);
    assertEquals(list.selected, 1);
  });
});
