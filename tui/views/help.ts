/**
 * The `?` help overlay: the key table, as `tui/keymap.ts` declares it —
 * generated, never written by hand, so it always says what the keys do.
 *
 * @module
 */
import type { View, ViewContext } from "../app.ts";
import { bindingFor, hintsFor, keyTableLines, type Mode, MODE_TITLES } from "../keymap.ts";
import type { Key } from "../term/keys.ts";
import type { Rect, ScreenBuffer } from "../term/screen.ts";
import { drawOverlay } from "./overlay.ts";

/**
 * The help overlay, opened at the section of the mode it was asked from
 * (the rest of the table is a scroll away).
 *
 * @example
 * ```ts
 * app.push(new HelpView("normal"));
 * ```
 */
export class HelpView implements View {
  #lines = keyTableLines();
  #scroll = 0;
  #height = 10;

  constructor(mode?: Mode) {
    if (mode) this.#scroll = Math.max(0, this.#lines.indexOf(MODE_TITLES[mode]));
  }

  draw(screen: ScreenBuffer, area: Rect, context: ViewContext): void {
    const { styles } = context;
    const rect = drawOverlay(screen, area, "Keys", hintsFor("help"), context);
    this.#height = rect.height;
    this.#scroll = Math.max(0, Math.min(this.#scroll, this.#lines.length - rect.height));
    this.#lines.slice(this.#scroll, this.#scroll + rect.height).forEach((line, i) => {
      const heading = !line.startsWith(" ") && line !== "";
      if (heading) screen.write(rect.x, rect.y + i, line, styles.accentBold, rect.x + rect.width);
      else {
        const keys = line.slice(0, 25);
        screen.write(rect.x, rect.y + i, keys, styles.key, rect.x + rect.width);
        screen.write(rect.x + 25, rect.y + i, line.slice(25), styles.text, rect.x + rect.width);
      }
    });
  }

  handleKey(key: Key, { app }: ViewContext): boolean {
    const binding = bindingFor("help", key);
    if (binding?.command === "close") app.pop(this);
    else if (binding?.command === "scroll") {
      const step = { up: -1, down: 1, pageup: -this.#height, pagedown: this.#height }[key.name] ??
        0;
      this.#scroll = Math.max(0, this.#scroll + step);
    }
    return true;
  }
}
