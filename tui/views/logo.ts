/**
 * ringo's logo for the picker: three rows of box-drawing letters (one cell
 * each, so it lines up in every terminal and font).
 *
 * @module
 */
import type { ScreenBuffer, StyleLike } from "../term/screen.ts";

/** The logo's rows. */
export const LOGO: readonly string[] = [
  "┬─┐┬┌┐┌┌─┐┌─┐",
  "├┬┘│││││ ┬│ │",
  "┴└─┴┘└┘└─┘└─┘",
];

/** Draws the logo with its top-left corner at (x, y); returns its width. */
export function drawLogo(screen: ScreenBuffer, x: number, y: number, style: StyleLike): number {
  LOGO.forEach((row, i) => screen.write(x, y + i, row, style));
  return Math.max(...LOGO.map((row) => row.length));
}
