/**
 * The diff renderer: compares the frame just drawn with the one on the
 * terminal and produces the bytes that change only the cells that differ,
 * wrapped in synchronized-output escapes (`CSI ? 2026 h … l`) so the
 * terminal shows the frame at once, never half drawn. A frame equal to the
 * last one produces nothing at all.
 *
 * Cursor moves use absolute positioning (`CSI row;col H`) and are skipped
 * when the next changed cell directly follows the last one written; styles
 * are only re-sent when they change.
 *
 * @module
 */
import { ScreenBuffer } from "./screen.ts";
import { type ColorMode, PLAIN_STYLE, sgr } from "./style.ts";

/** Begin synchronized update (the terminal holds the frame until the end mark). */
export const SYNC_BEGIN = "\x1b[?2026h";
/** End synchronized update. */
export const SYNC_END = "\x1b[?2026l";
/** Hide the cursor. */
export const CURSOR_HIDE = "\x1b[?25l";
/** Show the cursor. */
export const CURSOR_SHOW = "\x1b[?25h";

/**
 * Turns frames into terminal output, remembering what the terminal shows.
 *
 * @example
 * ```ts
 * const renderer = new DiffRenderer(80, 24, "256");
 * const frame = new ScreenBuffer(80, 24);
 * frame.write(0, 0, "hi");
 * renderer.render(frame); // "\x1b[?2026h\x1b[1;1H\x1b[0mhi…\x1b[?2026l"
 * renderer.render(frame); // "" (nothing changed)
 * ```
 */
export class DiffRenderer {
  #shown: ScreenBuffer;
  #mode: ColorMode;
  #full = true;
  #cursorShown: boolean | undefined;

  constructor(width: number, height: number, mode: ColorMode) {
    this.#shown = new ScreenBuffer(width, height);
    this.#mode = mode;
  }

  /** The colour mode frames are written in. */
  get colorMode(): ColorMode {
    return this.#mode;
  }

  /** Forgets what the terminal shows: the next frame is written whole (after a resize or a clear). */
  invalidate(width = this.#shown.width, height = this.#shown.height): void {
    if (width !== this.#shown.width || height !== this.#shown.height) {
      this.#shown = new ScreenBuffer(width, height);
    }
    this.#full = true;
    this.#cursorShown = undefined;
  }

  /**
   * The bytes that turn the terminal's screen into `frame` (a string; empty
   * when nothing changed). `frame` must have the renderer's size.
   */
  render(frame: ScreenBuffer): string {
    if (frame.width !== this.#shown.width || frame.height !== this.#shown.height) {
      this.invalidate(frame.width, frame.height);
    }
    const shown = this.#shown;
    const width = frame.width;
    let out = "";
    let style = -1;
    let atX = -1;
    let atY = -1;
    if (this.#full) out += "\x1b[0m\x1b[2J";
    for (let y = 0; y < frame.height; y++) {
      const row = y * width;
      for (let x = 0; x < width; x++) {
        const i = row + x;
        const w = frame.widths[i];
        if (w === 0) continue;
        if (
          !this.#full && frame.chars[i] === shown.chars[i] && frame.styles[i] === shown.styles[i] &&
          shown.widths[i] === w && (w === 1 || shown.widths[i + 1] === 0)
        ) continue;
        if (this.#full && frame.chars[i] === " " && frame.styles[i] === PLAIN_STYLE) continue;
        if (atX !== x || atY !== y) out += `\x1b[${y + 1};${x + 1}H`;
        if (frame.styles[i] !== style) {
          style = frame.styles[i];
          out += sgr(style, this.#mode);
        }
        out += frame.chars[i];
        atX = x + w;
        atY = y;
      }
    }
    const cursorChanged = frame.cursor?.x !== shown.cursor?.x ||
      frame.cursor?.y !== shown.cursor?.y;
    const wantCursor = frame.cursor !== undefined;
    if (out === "" && !cursorChanged && wantCursor === this.#cursorShown) return "";
    if (style !== -1 && style !== PLAIN_STYLE) out += "\x1b[0m";
    if (frame.cursor) out += `\x1b[${frame.cursor.y + 1};${frame.cursor.x + 1}H`;
    if (wantCursor !== this.#cursorShown) out += wantCursor ? CURSOR_SHOW : CURSOR_HIDE;
    this.#cursorShown = wantCursor;
    this.#full = false;
    shown.copyFrom(frame);
    return SYNC_BEGIN + out + SYNC_END;
  }
}
