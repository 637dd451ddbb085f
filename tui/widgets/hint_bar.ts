/**
 * The hint bar: the keys valid right now and what they do, e.g.
 * `d dial  a accept  b hang up  ? help`. Hints that do not fit are dropped
 * from the end, keeping the last one (usually `? help`).
 *
 * @module
 */
import type { ScreenBuffer, StyleLike } from "../term/screen.ts";
import { textWidth } from "../term/width.ts";

/** One hint: the key as shown and what it does. */
export interface Hint {
  /** The key, as the user reads it (`Ctrl+R`, `↑/↓`). */
  key: string;
  /** What it does, a word or two. */
  label: string;
}

/** Draws hints on row `y` within `width` cells from `x`. */
export function drawHints(
  screen: ScreenBuffer,
  x: number,
  y: number,
  width: number,
  hints: readonly Hint[],
  styles: { key: StyleLike; label: StyleLike },
): void {
  const cost = (h: Hint) => textWidth(h.key) + 1 + textWidth(h.label) + 2;
  const shown = [...hints];
  while (shown.length > 1 && shown.reduce((n, h) => n + cost(h), 0) > width) {
    shown.splice(shown.length - 2, 1);
  }
  let col = x;
  const maxX = x + width;
  for (const hint of shown) {
    col = screen.write(col, y, hint.key, styles.key, maxX);
    col = screen.write(col, y, ` ${hint.label}  `, styles.label, maxX);
  }
}
