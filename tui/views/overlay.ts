/**
 * The frame every overlay shares: a box over most of the screen with the
 * overlay's title on the top edge and its keys on the last inner row.
 *
 * @module
 */
import type { ViewContext } from "../app.ts";
import type { Rect, ScreenBuffer } from "../term/screen.ts";
import { drawHints, type Hint } from "../widgets/hint_bar.ts";
import { centered, drawBox } from "../widgets/modal.ts";

/**
 * Draws the frame and returns the rectangle for the overlay's content (the
 * hint row excluded).
 */
export function drawOverlay(
  screen: ScreenBuffer,
  area: Rect,
  title: string,
  hints: readonly Hint[],
  { styles }: ViewContext,
  size: { width?: number; height?: number } = {},
): Rect {
  const box = centered(
    area,
    size.width ?? Math.max(40, area.width - 8),
    size.height ?? Math.max(8, area.height - 4),
  );
  const inner = drawBox(screen, box, {
    title,
    border: styles.accent,
    title_style: styles.accentBold,
  });
  const content = { x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height - 1 };
  drawHints(screen, content.x, inner.y + inner.height - 1, content.width, hints, {
    key: styles.key,
    label: styles.subtle,
  });
  return content;
}
