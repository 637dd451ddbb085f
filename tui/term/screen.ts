/**
 * A screen buffer: a grid of cells, each holding one grapheme, its width and
 * a style id. Views draw into it; the renderer compares two buffers and
 * writes only the cells that differ.
 *
 * A wide character (CJK, emoji) occupies two cells: the first holds the
 * grapheme with width 2, the second is a continuation cell (empty text,
 * width 0). Drawing never leaves half a wide character behind: a wide
 * character that does not fit before the clip edge becomes a space, and
 * overwriting either half of a wide character blanks the other half.
 *
 * @module
 */
import { PLAIN_STYLE, type Style, styleId } from "./style.ts";
import { graphemes, graphemeWidth } from "./width.ts";

/** A rectangle on the screen, in cells. */
export interface Rect {
  /** Left column (0-based). */
  x: number;
  /** Top row (0-based). */
  y: number;
  /** Width in cells. */
  width: number;
  /** Height in rows. */
  height: number;
}

/** A style given as an object or as an interned id. */
export type StyleLike = Style | number;

/** Where the hardware cursor should be after a frame (undefined: hidden). */
export interface CursorPosition {
  /** Column. */
  x: number;
  /** Row. */
  y: number;
}

/**
 * A width × height grid of cells.
 *
 * @example
 * ```ts
 * const screen = new ScreenBuffer(20, 2);
 * screen.write(0, 0, "Registered ✓", { fg: "green" });
 * screen.rowText(0); // "Registered ✓        "
 * ```
 */
export class ScreenBuffer {
  #width: number;
  #height: number;
  /** Grapheme per cell ("" for the right half of a wide character). */
  chars: string[];
  /** Cell widths: 1, 2 (left half of a wide character) or 0 (its right half). */
  widths: Uint8Array;
  /** Interned style id per cell. */
  styles: Uint32Array;
  /** The cursor to show after drawing this frame; undefined hides it. */
  cursor: CursorPosition | undefined;

  constructor(width: number, height: number) {
    this.#width = Math.max(0, width);
    this.#height = Math.max(0, height);
    const size = this.#width * this.#height;
    this.chars = new Array(size).fill(" ");
    this.widths = new Uint8Array(size).fill(1);
    this.styles = new Uint32Array(size);
  }

  /** Columns. */
  get width(): number {
    return this.#width;
  }

  /** Rows. */
  get height(): number {
    return this.#height;
  }

  /** The whole screen as a rectangle. */
  get area(): Rect {
    return { x: 0, y: 0, width: this.#width, height: this.#height };
  }

  /** Blanks every cell (space, plain style) and hides the cursor. */
  clear(): void {
    this.chars.fill(" ");
    this.widths.fill(1);
    this.styles.fill(PLAIN_STYLE);
    this.cursor = undefined;
  }

  /** Fills a rectangle with `char` (one cell wide) in `style`. */
  fill(rect: Rect, char = " ", style: StyleLike = PLAIN_STYLE): void {
    const id = toStyleId(style);
    const x0 = Math.max(0, rect.x);
    const x1 = Math.min(this.#width, rect.x + rect.width);
    for (let y = Math.max(0, rect.y); y < Math.min(this.#height, rect.y + rect.height); y++) {
      for (let x = x0; x < x1; x++) this.#set(x, y, char, 1, id);
    }
  }

  /**
   * Draws `text` on row `y` from column `x`, clipped at `maxX` (exclusive;
   * default: the screen's right edge). Control characters are skipped.
   * Returns the column after the last cell drawn.
   */
  write(x: number, y: number, text: string, style: StyleLike = PLAIN_STYLE, maxX?: number): number {
    if (y < 0 || y >= this.#height) return x;
    const id = toStyleId(style);
    const limit = Math.min(maxX ?? this.#width, this.#width);
    let col = x;
    for (const g of graphemes(text)) {
      if (col >= limit) break;
      const w = graphemeWidth(g);
      if (w === 0) continue;
      if (col < 0) {
        col += w;
        continue;
      }
      if (w === 2 && col + 1 >= limit) {
        this.#set(col, y, " ", 1, id);
        col++;
        break;
      }
      this.#set(col, y, g, w, id);
      if (w === 2) this.#set(col + 1, y, "", 0, id);
      col += w;
    }
    return col;
  }

  /** Sets the style of cells without changing their text. */
  paint(rect: Rect, style: StyleLike): void {
    const id = toStyleId(style);
    for (let y = Math.max(0, rect.y); y < Math.min(this.#height, rect.y + rect.height); y++) {
      for (let x = Math.max(0, rect.x); x < Math.min(this.#width, rect.x + rect.width); x++) {
        this.styles[y * this.#width + x] = id;
      }
    }
  }

  /** The grapheme at a cell ("" on the right half of a wide character). */
  charAt(x: number, y: number): string {
    return this.chars[y * this.#width + x];
  }

  /** The style id at a cell. */
  styleAt(x: number, y: number): number {
    return this.styles[y * this.#width + x];
  }

  /** One row as text (wide characters once, continuation cells skipped). */
  rowText(y: number): string {
    return this.chars.slice(y * this.#width, (y + 1) * this.#width).join("");
  }

  /** The whole screen as text, rows joined by newlines, trailing spaces trimmed. */
  toText(): string {
    return Array.from({ length: this.#height }, (_, y) => this.rowText(y).trimEnd()).join("\n");
  }

  /** Copies every cell (and the cursor) of `other`, which must have the same size. */
  copyFrom(other: ScreenBuffer): void {
    this.chars = other.chars.slice();
    this.widths.set(other.widths);
    this.styles.set(other.styles);
    this.cursor = other.cursor && { ...other.cursor };
  }

  #set(x: number, y: number, char: string, width: number, id: number): void {
    const i = y * this.#width + x;
    // Overwriting half of a wide character blanks its other half.
    if (this.widths[i] === 0 && width !== 0 && x > 0) this.#blank(i - 1);
    if (this.widths[i] === 2 && width !== 2 && x + 1 < this.#width) this.#blank(i + 1);
    this.chars[i] = char;
    this.widths[i] = width;
    this.styles[i] = id;
  }

  #blank(i: number): void {
    this.chars[i] = " ";
    this.widths[i] = 1;
  }
}

/** The interned id of a style given either way. */
export function toStyleId(style: StyleLike): number {
  return typeof style === "number" ? style : styleId(style);
}

/**
 * Shrinks a rectangle by `by` cells on every side (or per side).
 *
 * @example
 * ```ts
 * inset({ x: 0, y: 0, width: 10, height: 5 }, 1); // { x: 1, y: 1, width: 8, height: 3 }
 * ```
 */
export function inset(rect: Rect, by: number): Rect {
  return {
    x: rect.x + by,
    y: rect.y + by,
    width: Math.max(0, rect.width - 2 * by),
    height: Math.max(0, rect.height - 2 * by),
  };
}
