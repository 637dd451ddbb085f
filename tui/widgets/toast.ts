/**
 * The toast / error line: one short message under the status bar that goes
 * away by itself (info after 4 s, errors after 8 s) or when replaced.
 *
 * @module
 */
import type { ScreenBuffer, StyleLike } from "../term/screen.ts";
import { truncateText } from "../term/width.ts";

/** What kind of message a toast is; decides its colour and how long it stays. */
export type ToastKind = "info" | "success" | "error";

/** How long each kind stays, in ms. */
export const TOAST_MS: Readonly<Record<ToastKind, number>> = {
  info: 4000,
  success: 4000,
  error: 8000,
};

/**
 * The current toast, expiring by a timer that calls `onChange` (to redraw).
 *
 * @example
 * ```ts
 * const toast = new Toast(() => app.redraw());
 * toast.show("Dialing 4711", "info");
 * ```
 */
export class Toast {
  #message: { text: string; kind: ToastKind } | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #onChange: () => void;

  constructor(onChange: () => void) {
    this.#onChange = onChange;
  }

  /** The message shown now, if any. */
  get current(): { text: string; kind: ToastKind } | undefined {
    return this.#message;
  }

  /** Shows `text` (replacing what was there). */
  show(text: string, kind: ToastKind = "info"): void {
    clearTimeout(this.#timer);
    this.#message = { text, kind };
    this.#timer = setTimeout(() => this.clear(), TOAST_MS[kind]);
    this.#onChange();
  }

  /** Removes the message. */
  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#message === undefined) return;
    this.#message = undefined;
    this.#onChange();
  }

  /** Draws the message on row `y`, cut to `width`. */
  draw(
    screen: ScreenBuffer,
    x: number,
    y: number,
    width: number,
    styles: Record<ToastKind, StyleLike>,
  ): void {
    if (!this.#message) return;
    screen.write(
      x,
      y,
      truncateText(this.#message.text, width),
      styles[this.#message.kind],
      x + width,
    );
  }
}
