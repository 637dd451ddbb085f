/**
 * Keeps the key tables of `docs/phone/tui.md` equal to the key table
 * (`tui/keymap.ts`): the block between the `keys:start` and `keys:end`
 * markers is generated. `deno run -A tui/keymap_doc.ts` rewrites it; the
 * test `tests/tui/keymap_test.ts` fails when it is out of date.
 *
 * @module
 */
import { keyTableMarkdown } from "./keymap.ts";

/** The marker lines around the generated block. */
export const KEYS_START =
  "<!-- keys:start (generated from tui/keymap.ts: deno run -A tui/keymap_doc.ts) -->";
/** The end marker. */
export const KEYS_END = "<!-- keys:end -->";

/** The docs page this block lives in. */
export const TUI_DOC = new URL("../docs/phone/tui.md", import.meta.url);

/**
 * `text` with its generated block replaced by the key table now.
 *
 * @throws {Error} when the markers are missing.
 */
export function withKeyTables(text: string): string {
  const start = text.indexOf(KEYS_START);
  const end = text.indexOf(KEYS_END);
  if (start < 0 || end < start) {
    throw new Error(`${TUI_DOC.pathname} lacks the ${KEYS_START} … ${KEYS_END} markers`);
  }
  return text.slice(0, start + KEYS_START.length) + "\n\n" + keyTableMarkdown().trimEnd() + "\n\n" +
    text.slice(end);
}

/**
 * `text` with Markdown table rows reduced to their cells (padding dropped,
 * separator rows as `---`), so a table reformatted by `deno fmt` compares
 * equal to the one generated.
 *
 * @example
 * ```ts
 * normalizeTables("| a   | b |\n| --- | - |"); // "|a|b|\n|---|---|"
 * ```
 */
export function normalizeTables(text: string): string {
  return text.split("\n").map((line) => {
    if (!line.startsWith("|")) return line;
    const cells = line.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim());
    return "|" + cells.map((c) => (/^:?-+:?$/.test(c) ? "---" : c)).join("|") + "|";
  }).join("\n");
}

if (import.meta.main) {
  const text = await Deno.readTextFile(TUI_DOC);
  await Deno.writeTextFile(TUI_DOC, withKeyTables(text));
  console.log(`updated the key tables in ${TUI_DOC.pathname}`);
}
