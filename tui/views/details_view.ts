/**
 * A details overlay: label/value rows (a call's peer, state, quality,
 * codec and the `header_display` views of its INVITE; a history entry).
 *
 * @module
 */
import type { View, ViewContext } from "../app.ts";
import { bindingFor, hintsFor } from "../keymap.ts";
import type { Key } from "../term/keys.ts";
import type { Rect, ScreenBuffer } from "../term/screen.ts";
import { padText, truncateText } from "../term/width.ts";
import { drawOverlay } from "./overlay.ts";

/** One row: a label and its value (an empty label continues the row above). */
export type DetailRow = [label: string, value: string];

/**
 * The overlay.
 *
 * @example
 * ```ts
 * app.push(new DetailsView("Call 1", [["Peer", "sip:bob@pbx"], ["State", "established"]]));
 * ```
 */
export class DetailsView implements View {
  constructor(readonly title: string, readonly rows: () => DetailRow[]) {}

  draw(screen: ScreenBuffer, area: Rect, context: ViewContext): void {
    const rows = this.rows();
    const height = Math.min(area.height - 2, rows.length + 4);
    const rect = drawOverlay(screen, area, this.title, hintsFor("details"), context, {
      width: Math.min(area.width - 4, 90),
      height,
    });
    const labelWidth = Math.min(22, Math.max(...rows.map(([l]) => l.length)) + 2);
    rows.slice(0, rect.height).forEach(([label, value], i) => {
      screen.write(rect.x, rect.y + i, padText(label, labelWidth), context.styles.subtle);
      screen.write(
        rect.x + labelWidth,
        rect.y + i,
        truncateText(value, rect.width - labelWidth),
        context.styles.text,
      );
    });
  }

  handleKey(key: Key, { app }: ViewContext): boolean {
    if (bindingFor("details", key)?.command === "close") app.pop(this);
    return true;
  }
}
