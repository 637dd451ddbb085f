/**
 * A list with a selection that scrolls to keep the selected row in view:
 * the picker, the call list, contacts, history and the logs use it.
 *
 * @module
 */
import type { Rect, ScreenBuffer } from "../term/screen.ts";

/**
 * Selection and scroll position of a list of `count` rows.
 *
 * @example
 * ```ts
 * const list = new ListState();
 * list.move(1, 3);  // selected 1
 * list.move(5, 3, { wrap: true }); // wraps around: selected 0
 * ```
 */
export class ListState {
  /** Index of the selected row (0 when the list is empty). */
  selected = 0;
  /** Index of the first visible row. */
  offset = 0;

  /** Moves the selection by `delta` rows; `wrap` goes round the ends. */
  move(delta: number, count: number, options: { wrap?: boolean } = {}): void {
    if (count <= 0) {
      this.selected = 0;
      return;
    }
    const next = this.selected + delta;
    if (options.wrap && Math.abs(delta) === 1) this.selected = (next + count) % count;
    else this.selected = Math.max(0, Math.min(count - 1, next));
  }

  /** Selects the first row. */
  top(): void {
    this.selected = 0;
  }

  /** Selects the last row. */
  bottom(count: number): void {
    this.selected = Math.max(0, count - 1);
  }

  /** Keeps the selection inside a list that now has `count` rows. */
  clamp(count: number): void {
    this.selected = Math.max(0, Math.min(count - 1, this.selected));
  }

  /** Scrolls so the selected row is among `height` visible rows; returns the first visible index. */
  scrollFor(height: number, count: number): number {
    this.clamp(count);
    if (this.selected < this.offset) this.offset = this.selected;
    if (this.selected >= this.offset + height) this.offset = this.selected - height + 1;
    this.offset = Math.max(0, Math.min(this.offset, Math.max(0, count - height)));
    return this.offset;
  }
}

/**
 * Draws the visible rows of a list into `rect`, one row each, by calling
 * `drawRow(index, y, selected)` for each visible index. Returns the number
 * of rows drawn.
 */
export function drawList(
  screen: ScreenBuffer,
  rect: Rect,
  state: ListState,
  count: number,
  drawRow: (index: number, y: number, selected: boolean) => void,
): number {
  const first = state.scrollFor(rect.height, count);
  let drawn = 0;
  for (let i = first; i < Math.min(count, first + rect.height); i++) {
    drawRow(i, rect.y + drawn, i === state.selected);
    drawn++;
  }
  if (count > rect.height && rect.width > 0) {
    // A scroll mark on the right edge: where the visible rows sit in the list.
    const markY = rect.y +
      Math.floor((first / Math.max(1, count - rect.height)) * (rect.height - 1));
    screen.write(rect.x + rect.width - 1, markY, "▐");
  }
  return drawn;
}
