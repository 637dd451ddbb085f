/**
 * A row of tabs (the profile form's Account / Network / Audio / Features /
 * Forwarding), the active one highlighted.
 *
 * @module
 */
import type { ScreenBuffer, StyleLike } from "../term/screen.ts";

/**
 * Draws `labels` on row `y` from `x`, the `active` one in `activeStyle`.
 * Returns the column after the last tab.
 */
export function drawTabs(
  screen: ScreenBuffer,
  x: number,
  y: number,
  labels: readonly string[],
  active: number,
  styles: { active: StyleLike; inactive: StyleLike },
  maxX?: number,
): number {
  let col = x;
  labels.forEach((label, i) => {
    if (i > 0) col = screen.write(col, y, " │ ", styles.inactive, maxX);
    col = screen.write(col, y, ` ${label} `, i === active ? styles.active : styles.inactive, maxX);
  });
  return col;
}

/** The tab after (or before, with `delta` -1) `active`, wrapping round. */
export function nextTab(active: number, count: number, delta: 1 | -1): number {
  return (active + delta + count) % count;
}
