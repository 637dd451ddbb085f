/**
 * Boxes and modals: a bordered, titled box drawn over what is behind it
 * (overlays, confirmations, forms).
 *
 * @module
 */
import { inset, type Rect, type ScreenBuffer, type StyleLike } from "../term/screen.ts";
import { PLAIN_STYLE } from "../term/style.ts";
import { textWidth, truncateText } from "../term/width.ts";

/**
 * A rectangle of at most `width` × `height` centred in `area`.
 *
 * @example
 * ```ts
 * centered({ x: 0, y: 0, width: 80, height: 24 }, 40, 10); // { x: 20, y: 7, width: 40, height: 10 }
 * ```
 */
export function centered(area: Rect, width: number, height: number): Rect {
  const w = Math.min(width, area.width);
  const h = Math.min(height, area.height);
  return {
    x: area.x + Math.floor((area.width - w) / 2),
    y: area.y + Math.floor((area.height - h) / 2),
    width: w,
    height: h,
  };
}

/**
 * Clears `rect` and draws a rounded border with `title` in it (and an
 * optional `footer` on the bottom edge). Returns the inner rectangle.
 */
export function drawBox(
  screen: ScreenBuffer,
  rect: Rect,
  options: { title?: string; footer?: string; border: StyleLike; title_style?: StyleLike },
): Rect {
  if (rect.width < 2 || rect.height < 2) return { ...rect, width: 0, height: 0 };
  screen.fill(rect, " ", PLAIN_STYLE);
  const right = rect.x + rect.width - 1;
  const bottom = rect.y + rect.height - 1;
  const horizontal = "─".repeat(rect.width - 2);
  screen.write(rect.x, rect.y, `╭${horizontal}╮`, options.border);
  screen.write(rect.x, bottom, `╰${horizontal}╯`, options.border);
  for (let y = rect.y + 1; y < bottom; y++) {
    screen.write(rect.x, y, "│", options.border);
    screen.write(right, y, "│", options.border);
  }
  if (options.title) {
    const title = truncateText(` ${options.title} `, rect.width - 4);
    screen.write(rect.x + 2, rect.y, title, options.title_style ?? options.border);
  }
  if (options.footer) {
    const footer = truncateText(` ${options.footer} `, rect.width - 4);
    screen.write(right - 1 - textWidth(footer), bottom, footer, options.border);
  }
  return inset(rect, 1);
}
