/**
 * The search (or filter) line of a list overlay: `/` opens it, typing
 * narrows the list, ↑/↓ still move the selection, Enter keeps the query,
 * Esc clears it. Shared by contacts, the call history and the logs.
 *
 * @module
 */
import type { Key } from "../term/keys.ts";
import type { Rect, ScreenBuffer, StyleLike } from "../term/screen.ts";
import type { Hint } from "./hint_bar.ts";
import { drawList, type ListState } from "./list.ts";
import { TextInput } from "./text_input.ts";

/** The hints while the search line has the keys. */
export const SEARCH_HINTS: readonly Hint[] = [{ key: "Enter", label: "done" }, {
  key: "Esc",
  label: "clear",
}];

/**
 * A search line over a list.
 *
 * @example
 * ```ts
 * const search = new SearchBox("Search");
 * search.open();
 * search.handleKey(key("b", { text: "b" }), list, 3); // query "b"
 * ```
 */
export class SearchBox {
  readonly input = new TextInput();
  #active = false;

  constructor(readonly label: string) {}

  /** What was typed. */
  get query(): string {
    return this.input.value;
  }

  /** True while the line takes the keys. */
  get active(): boolean {
    return this.#active;
  }

  /** Gives the line the keys. */
  open(): void {
    this.#active = true;
  }

  /**
   * Handles a key while the line is active (always true then): editing
   * narrows the list and selects its first row.
   */
  handleKey(key: Key, list: ListState, count: () => number): boolean {
    if (!this.#active) return false;
    if (key.name === "enter") this.#active = false;
    else if (key.name === "escape") {
      this.#active = false;
      this.input.set("");
      list.top();
    } else if (key.name === "up" || key.name === "down") {
      list.move(key.name === "up" ? -1 : 1, count());
    } else if (this.input.handleKey(key)) list.top();
    return true;
  }

  /** Draws the line at the top of `rect` when open or holding a query; returns the row where the list starts. */
  draw(screen: ScreenBuffer, rect: Rect, styles: { label: StyleLike; input: StyleLike }): number {
    if (!this.#active && !this.query) return rect.y;
    const x = screen.write(rect.x, rect.y, `${this.label} `, styles.label);
    this.input.draw(screen, x, rect.y, rect.x + rect.width - x, styles.input, this.#active);
    return rect.y + 2;
  }
}

/** What {@link drawSearchedList} draws. */
export interface SearchedList {
  search: SearchBox;
  list: ListState;
  /** How many rows match the search. */
  count: number;
  /** The sentence shown when no row does. */
  empty: string;
  styles: {
    /** The search label and the empty-list sentence. */
    subtle: StyleLike;
    /** The query being typed. */
    input: StyleLike;
    /** The selected row's background. */
    selected: StyleLike;
    /** The other rows' background. */
    text: StyleLike;
  };
}

/**
 * A list overlay's content below its frame: the search line, then the
 * `count` rows of `list` (each row's background cleared, the selected one
 * highlighted, then `drawRow` writes it), or `empty` when there are none.
 *
 * @example
 * ```ts
 * drawSearchedList(screen, rect, { search, list, count: rows.length, empty: "No calls yet.", styles }, (i, y) => {
 *   screen.write(rect.x, y, rows[i].peer);
 * });
 * ```
 */
export function drawSearchedList(
  screen: ScreenBuffer,
  rect: Rect,
  { search, list, count, empty, styles }: SearchedList,
  drawRow: (index: number, y: number, selected: boolean) => void,
): void {
  const top = search.draw(screen, rect, { label: styles.subtle, input: styles.input });
  if (count === 0) {
    screen.write(rect.x, top, empty, styles.subtle);
    return;
  }
  const rows = { ...rect, y: top, height: rect.height - (top - rect.y) };
  drawList(screen, rows, list, count, (i, y, selected) => {
    screen.fill(
      { x: rows.x, y, width: rows.width - 1, height: 1 },
      " ",
      selected ? styles.selected : styles.text,
    );
    drawRow(i, y, selected);
  });
}

/**
 * The list moves of the overlays' key tables: `move` (↑/↓) and `jump`
 * (g to the top, G to the bottom). Returns false for other commands.
 */
export function moveInList(
  command: string | undefined,
  key: Key,
  list: ListState,
  count: number,
): boolean {
  if (command === "move") list.move(key.name === "up" || key.name === "p" ? -1 : 1, count);
  else if (command === "jump") key.name === "g" ? list.top() : list.bottom(count);
  else return false;
  return true;
}
