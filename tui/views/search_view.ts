/**
 * The dial-history search (Ctrl+R): type to narrow the global dial history
 * (fuzzy, every word must match), ↑/↓ to pick, Enter puts the number in the
 * dial or transfer line.
 *
 * @module
 */
import type { View, ViewContext } from "../app.ts";
import { fuzzyFilter } from "../fuzzy.ts";
import { bindingFor, hintsFor } from "../keymap.ts";
import type { Key } from "../term/keys.ts";
import type { Rect, ScreenBuffer } from "../term/screen.ts";
import { drawList, ListState } from "../widgets/list.ts";
import { TextInput } from "../widgets/text_input.ts";
import { drawOverlay } from "./overlay.ts";
import { truncateText } from "../term/width.ts";

/**
 * The popup.
 *
 * @example
 * ```ts
 * app.push(new SearchView(await history.dials(), (target) => line.set(target)));
 * ```
 */
export class SearchView implements View {
  readonly query = new TextInput();
  #entries: readonly string[];
  #choose: (target: string) => void;
  #list = new ListState();

  constructor(entries: readonly string[], choose: (target: string) => void) {
    this.#entries = entries;
    this.#choose = choose;
  }

  /** The entries matching the query, best first. */
  matches(): string[] {
    return fuzzyFilter(this.#entries, this.query.value, (e) => e).map((m) => m.item);
  }

  draw(screen: ScreenBuffer, area: Rect, context: ViewContext): void {
    const { styles } = context;
    const rect = drawOverlay(screen, area, "Dial history", hintsFor("search"), context, {
      width: Math.min(area.width - 4, 70),
      height: Math.min(area.height - 2, 18),
    });
    const label = screen.write(rect.x, rect.y, "Search ", styles.subtle);
    this.query.draw(screen, label, rect.y, rect.width - 7, styles.accent, true, {
      text: "type part of a number or name",
      style: styles.subtle,
    });
    const matches = this.matches();
    const list = { ...rect, y: rect.y + 2, height: rect.height - 2 };
    if (matches.length === 0) {
      screen.write(
        list.x,
        list.y,
        this.#entries.length ? "Nothing matches." : "The dial history is empty.",
        styles.subtle,
      );
      return;
    }
    drawList(screen, list, this.#list, matches.length, (i, y, selected) => {
      screen.write(
        list.x,
        y,
        truncateText(`${selected ? "▸ " : "  "}${matches[i]}`, list.width - 1),
        selected ? styles.selected : styles.text,
      );
    });
  }

  handleKey(key: Key, { app }: ViewContext): boolean {
    const matches = this.matches();
    switch (bindingFor("search", key)?.command) {
      case "move":
        this.#list.move(key.name === "up" || key.name === "p" ? -1 : 1, matches.length);
        return true;
      case "choose": {
        const chosen = matches[this.#list.selected];
        app.pop(this);
        if (chosen !== undefined) this.#choose(chosen);
        return true;
      }
      case "close":
        app.pop(this);
        return true;
    }
    if (this.query.handleKey(key)) this.#list.top();
    return true;
  }
}
