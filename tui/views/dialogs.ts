/**
 * Small modal dialogs shared by every screen: a yes/no confirmation and a
 * one-line prompt (clone as…, rename to…). Both sit on top of the view
 * stack and take every key until they close.
 *
 * @module
 */
import type { View, ViewContext } from "../app.ts";
import { bindingFor, hintsFor } from "../keymap.ts";
import type { Key } from "../term/keys.ts";
import type { Rect, ScreenBuffer } from "../term/screen.ts";
import { textWidth, truncateText } from "../term/width.ts";
import { drawHints } from "../widgets/hint_bar.ts";
import { centered, drawBox } from "../widgets/modal.ts";
import { TextInput } from "../widgets/text_input.ts";

/**
 * Asks a yes/no question; `onYes` runs on y/Enter (its error, if any, is
 * shown as a toast), n/Esc just closes.
 *
 * @example
 * ```ts
 * app.push(new ConfirmDialog("Delete profile work?", () => store.remove("work")));
 * ```
 */
export class ConfirmDialog implements View {
  constructor(
    readonly question: string,
    readonly onYes: () => void | Promise<void>,
    readonly onNo: () => void = () => {},
  ) {}

  draw(screen: ScreenBuffer, area: Rect, { styles }: ViewContext): void {
    const width = Math.min(area.width - 4, Math.max(36, textWidth(this.question) + 6));
    const box = centered(area, width, 5);
    const inner = drawBox(screen, box, { title: "Confirm", border: styles.attention });
    screen.write(inner.x + 1, inner.y, truncateText(this.question, inner.width - 2), styles.text);
    drawHints(screen, inner.x + 1, inner.y + 2, inner.width - 2, hintsFor("confirm"), {
      key: styles.key,
      label: styles.subtle,
    });
  }

  async handleKey(key: Key, { app }: ViewContext): Promise<boolean> {
    const binding = bindingFor("confirm", key);
    if (binding?.command === "yes") {
      app.pop(this);
      await this.onYes();
    } else if (binding?.command === "no") {
      app.pop(this);
      this.onNo();
    }
    return true;
  }
}

/**
 * Asks for one line of text. `onSubmit` may throw: its message is shown in
 * the dialog and the dialog stays open for a correction.
 *
 * @example
 * ```ts
 * app.push(new PromptDialog("Rename work to", "work", (name) => store.rename("work", name)));
 * ```
 */
export class PromptDialog implements View {
  readonly input: TextInput;
  #error: string | undefined;

  constructor(
    readonly title: string,
    initial: string,
    readonly onSubmit: (value: string) => void | Promise<void>,
  ) {
    this.input = new TextInput(initial);
  }

  draw(screen: ScreenBuffer, area: Rect, { styles }: ViewContext): void {
    const box = centered(area, Math.min(area.width - 4, 60), 6);
    const inner = drawBox(screen, box, { title: this.title, border: styles.accent });
    this.input.draw(screen, inner.x + 1, inner.y, inner.width - 2, styles.attention, true);
    if (this.#error) {
      screen.write(
        inner.x + 1,
        inner.y + 1,
        truncateText(this.#error, inner.width - 2),
        styles.danger,
      );
    }
    drawHints(screen, inner.x + 1, inner.y + 3, inner.width - 2, [
      { key: "Enter", label: "ok" },
      { key: "Esc", label: "cancel" },
    ], { key: styles.key, label: styles.subtle });
  }

  async handleKey(key: Key, { app }: ViewContext): Promise<boolean> {
    if (key.name === "escape" || (key.ctrl && key.name === "c")) {
      app.pop(this);
      return true;
    }
    if (key.name === "enter") {
      try {
        await this.onSubmit(this.input.value.trim());
        app.pop(this);
      } catch (error) {
        this.#error = (error as Error).message;
      }
      return true;
    }
    if (this.input.handleKey(key)) this.#error = undefined;
    return true;
  }
}
