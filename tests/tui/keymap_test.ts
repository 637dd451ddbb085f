import { assertEquals } from "../assert.ts";
import {
  bindingFor,
  displayKey,
  displayKeys,
  KEYMAP,
  keyTableLines,
  type Mode,
} from "../../tui/keymap.ts";
import { KeyDecoder, keyId } from "../../tui/term/keys.ts";
import { normalizeTables, TUI_DOC, withKeyTables } from "../../tui/keymap_doc.ts";

/** Terminal input that produces each key id the table uses. */
const INPUT: Record<string, string> = {
  enter: "\r",
  tab: "\t",
  "shift+tab": "\x1b[Z",
  escape: "\x1b",
  backspace: "\x7f",
  delete: "\x1b[3~",
  up: "\x1b[A",
  down: "\x1b[B",
  left: "\x1b[D",
  right: "\x1b[C",
  home: "\x1b[H",
  end: "\x1b[F",
  pageup: "\x1b[5~",
  pagedown: "\x1b[6~",
  space: " ",
  "ctrl+right": "\x1b[1;5C",
  "ctrl+left": "\x1b[1;5D",
  "alt+up": "\x1b[1;3A",
  "alt+down": "\x1b[1;3B",
};

function inputFor(id: string): string {
  if (INPUT[id]) return INPUT[id];
  const ctrl = /^ctrl\+([a-z])$/.exec(id);
  if (ctrl) return String.fromCharCode(ctrl[1].charCodeAt(0) - 0x60);
  if ([...id].length === 1) return id;
  throw new Error(`no input known for key id ${id}`);
}

Deno.test("key table", async (t) => {
  await t.step("every key of the table is one the decoder produces", () => {
    for (const [mode, bindings] of Object.entries(KEYMAP)) {
      for (const binding of bindings) {
        for (const id of binding.keys) {
          const decoder = new KeyDecoder();
          const keys = decoder.feed(new TextEncoder().encode(inputFor(id)));
          if (decoder.waitingForEscape) keys.push(...decoder.flush());
          assertEquals(keys.map(keyId), [id], `${mode}: ${id}`);
        }
      }
    }
  });

  await t.step("no key is bound twice in one mode under the same condition", () => {
    for (const [mode, bindings] of Object.entries(KEYMAP)) {
      const seen = new Set<string>();
      for (const binding of bindings) {
        for (const id of binding.keys) {
          const slot = `${id} when ${binding.when ?? "always"}`;
          assertEquals(seen.has(slot), false, `${mode}: ${slot} is bound twice`);
          seen.add(slot);
        }
      }
    }
  });

  await t.step("help lists every binding of every mode", () => {
    const help = keyTableLines().join("\n");
    for (const bindings of Object.values(KEYMAP)) {
      for (const binding of bindings) assertEquals(help.includes(binding.help), true, binding.help);
    }
  });

  await t.step("a key with two meanings picks the one whose condition holds", () => {
    const tab = new KeyDecoder().feed(new TextEncoder().encode("\t"))[0];
    assertEquals(
      bindingFor("normal" as Mode, tab, (c) => c === "several" || c === "always")?.command,
      "next_call",
    );
    assertEquals(bindingFor("normal" as Mode, tab, (c) => c === "always")?.command, "contacts");
  });

  await t.step("keys are shown as people write them", () => {
    assertEquals(displayKey("ctrl+r"), "Ctrl+R");
    assertEquals(displayKey("shift+tab"), "Shift+Tab");
    assertEquals(displayKeys(["b", "delete"]), "b / Del");
    assertEquals(
      displayKeys(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"]),
      "0-9 * #",
    );
  });

  await t.step(
    "docs/phone/tui.md's key tables are the key table (run tui/keymap_doc.ts to update)",
    async () => {
      const text = await Deno.readTextFile(TUI_DOC);
      assertEquals(normalizeTables(text), normalizeTables(withKeyTables(text)));
    },
  );
});
