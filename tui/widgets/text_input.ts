/**
 * A one-line text input with a cursor: the dial line, the transfer line, the
 * `:` bar, search boxes and form fields all use it. The cursor moves by
 * grapheme (an emoji or an accented letter is one step) and the view
 * scrolls sideways so the cursor stays visible.
 *
 * Editing keys: printable text and paste insert; Backspace/Delete; ←/→,
 * Home/End (and Ctrl+A/Ctrl+E where the caller lets them through); Alt+←/→
 * and Alt+B/F by word; Ctrl+W deletes a word back, Ctrl+U to the start,
 * Ctrl+K to the end.
 *
 * @module
 */
import type { Key } from "../term/keys.ts";
import type { ScreenBuffer, StyleLike } from "../term/screen.ts";
import { graphemes, graphemeWidth } from "../term/width.ts";

/**
 * The state of one text input.
 *
 * @example
 * ```ts
 * const input = new TextInput("471");
 * input.insert("1");
 * input.value; // "4711"
 * ```
 */
export class TextInput {
  #chars: string[];
  #cursor: number;
  #scroll = 0;

  constructor(value = "") {
    this.#chars = graphemes(value);
    this.#cursor = this.#chars.length;
  }

  /** The text. */
  get value(): string {
    return this.#chars.join("");
  }

  /** The cursor position, in graphemes from the start. */
  get cursor(): number {
    return this.#cursor;
  }

  /** True when there is no text. */
  get empty(): boolean {
    return this.#chars.length === 0;
  }

  /** Replaces the text and puts the cursor at its end. */
  set(value: string): void {
    this.#chars = graphemes(value);
    this.#cursor = this.#chars.length;
  }

  /** Inserts text at the cursor (newlines become spaces: the input is one line). */
  insert(text: string): void {
    const added = graphemes(text.replace(/[\r\n\t]+/g, " ")).filter((g) => graphemeWidth(g) > 0);
    this.#chars.splice(this.#cursor, 0, ...added);
    this.#cursor += added.length;
  }

  /**
   * Applies an editing key; returns false for keys an input does not use
   * (Enter, Esc, Tab, ↑/↓…), which the caller handles.
   */
  handleKey(key: Key): boolean {
    if (key.name === "paste" || (key.text !== undefined && !key.ctrl && !key.alt)) {
      this.insert(key.text ?? "");
      return true;
    }
    const word = key.alt || key.ctrl;
    switch (`${key.ctrl ? "ctrl+" : ""}${key.alt ? "alt+" : ""}${key.name}`) {
      case "backspace":
        if (this.#cursor > 0) this.#chars.splice(--this.#cursor, 1);
        return true;
      case "delete":
        this.#chars.splice(this.#cursor, 1);
        return true;
      case "left":
      case "right":
      case "ctrl+left":
      case "ctrl+right":
      case "alt+left":
      case "alt+right":
        this.#cursor = word
          ? this.#wordEdge(key.name === "left" ? -1 : 1)
          : clamp(this.#cursor + (key.name === "left" ? -1 : 1), 0, this.#chars.length);
        return true;
      case "alt+b":
        this.#cursor = this.#wordEdge(-1);
        return true;
      case "alt+f":
        this.#cursor = this.#wordEdge(1);
        return true;
      case "home":
      case "ctrl+a":
        this.#cursor = 0;
        return true;
      case "end":
      case "ctrl+e":
        this.#cursor = this.#chars.length;
        return true;
      case "ctrl+w":
      case "alt+backspace": {
        const start = this.#wordEdge(-1);
        this.#chars.splice(start, this.#cursor - start);
        this.#cursor = start;
        return true;
      }
      case "ctrl+u":
        this.#chars.splice(0, this.#cursor);
        this.#cursor = 0;
        return true;
      case "ctrl+k":
        this.#chars.splice(this.#cursor);
        return true;
    }
    return false;
  }

  /**
   * Draws the input on one row, `width` cells from `x`, scrolled so the
   * cursor is visible; when `focused`, the terminal cursor is put there.
   * With `mask`, every character is drawn as it (passwords).
   */
  draw(
    screen: ScreenBuffer,
    x: number,
    y: number,
    width: number,
    style: StyleLike,
    focused: boolean,
    placeholder?: { text: string; style: StyleLike },
    mask?: string,
  ): void {
    if (width <= 0) return;
    if (this.empty && placeholder) {
      screen.write(x, y, placeholder.text, placeholder.style, x + width);
    }
    const chars = mask === undefined ? this.#chars : this.#chars.map(() => mask);
    const widths = chars.map(graphemeWidth);
    const before = (i: number) => widths.slice(this.#scroll, i).reduce((a, b) => a + b, 0);
    if (this.#cursor < this.#scroll) this.#scroll = this.#cursor;
    while (before(this.#cursor) > width - 1 && this.#scroll < this.#cursor) this.#scroll++;
    screen.write(x, y, chars.slice(this.#scroll).join(""), style, x + width);
    if (focused) screen.cursor = { x: x + before(this.#cursor), y };
  }

  #wordEdge(direction: -1 | 1): number {
    let i = this.#cursor;
    const isSpace = (at: number) => /[\s@.:;/-]/.test(this.#chars[at] ?? "");
    if (direction < 0) {
      while (i > 0 && isSpace(i - 1)) i--;
      while (i > 0 && !isSpace(i - 1)) i--;
    } else {
      while (i < this.#chars.length && isSpace(i)) i++;
      while (i < this.#chars.length && !isSpace(i)) i++;
    }
    return i;
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}
