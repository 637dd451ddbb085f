/**
 * The log overlays (`e` events, `l` baresip log): a tail that follows new
 * lines until you scroll up (`G` follows again), a filter (`/`), and
 * wrapping of long lines (`w`).
 *
 * @module
 */
import type { View, ViewContext } from "../app.ts";
import { bindingFor, hintsFor } from "../keymap.ts";
import type { Key } from "../term/keys.ts";
import type { Rect, ScreenBuffer } from "../term/screen.ts";
import { graphemes, graphemeWidth, truncateText } from "../term/width.ts";
import { TextInput } from "../widgets/text_input.ts";
import { drawOverlay } from "./overlay.ts";

/** Lines to show, and a way to hear of new ones. */
export interface LogSource {
  /** The overlay's title. */
  title: string;
  /** The lines so far, oldest first. */
  lines(): readonly string[];
  /** Calls `listener` when lines are added; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
}

/** Which overlay `e`, `l` and `c` switch to. */
export type LogKind = "events" | "log" | "history";

/**
 * A log overlay.
 *
 * @example
 * ```ts
 * app.push(new LogView(eventsSource, (kind) => screen.openOverlay(kind)));
 * ```
 */
export class LogView implements View {
  #source: LogSource;
  #switchTo: (kind: LogKind) => void;
  #unsubscribe: (() => void) | undefined;
  #follow = true;
  #wrap = false;
  #top = 0;
  #height = 10;
  #filter = new TextInput();
  #filtering = false;

  constructor(source: LogSource, switchTo: (kind: LogKind) => void) {
    this.#source = source;
    this.#switchTo = switchTo;
  }

  draw(screen: ScreenBuffer, area: Rect, context: ViewContext): void {
    const { styles, app } = context;
    this.#unsubscribe ??= this.#source.onChange(() => app.redraw());
    const flags = [this.#follow ? "following" : "paused", this.#wrap ? "wrap" : ""].filter(Boolean);
    const hints = this.#filtering
      ? [{ key: "Enter", label: "apply" }, { key: "Esc", label: "clear filter" }]
      : hintsFor("log");
    const rect = drawOverlay(
      screen,
      area,
      `${this.#source.title} · ${flags.join(" · ")}`,
      hints,
      context,
    );
    const bodyTop = this.#filtering || this.#filter.value ? rect.y + 1 : rect.y;
    if (bodyTop > rect.y) {
      const label = screen.write(rect.x, rect.y, "Filter ", styles.subtle);
      this.#filter.draw(screen, label, rect.y, rect.width - 7, styles.attention, this.#filtering);
    }
    const height = rect.height - (bodyTop - rect.y);
    this.#height = height;
    const rows = this.#rows(rect.width);
    if (this.#follow) this.#top = Math.max(0, rows.length - height);
    this.#top = Math.max(0, Math.min(this.#top, Math.max(0, rows.length - height)));
    if (rows.length === 0) {
      screen.write(
        rect.x,
        bodyTop,
        this.#filter.value ? "No line matches the filter." : "Nothing logged yet.",
        styles.subtle,
      );
    }
    rows.slice(this.#top, this.#top + height).forEach((row, i) =>
      screen.write(rect.x, bodyTop + i, row, styles.subtle, rect.x + rect.width)
    );
  }

  handleKey(key: Key, { app }: ViewContext): boolean {
    if (this.#filtering) {
      if (key.name === "enter") this.#filtering = false;
      else if (key.name === "escape") {
        this.#filtering = false;
        this.#filter.set("");
      } else this.#filter.handleKey(key);
      return true;
    }
    const binding = bindingFor("log", key);
    switch (binding?.command) {
      case "close":
        app.pop(this);
        break;
      case "scroll": {
        const step = { up: -1, down: 1, pageup: -this.#height, pagedown: this.#height }[key.name] ??
          0;
        this.#top = Math.max(0, this.#top + step);
        this.#follow = false;
        break;
      }
      case "jump":
        this.#follow = key.name === "G";
        if (!this.#follow) this.#top = 0;
        break;
      case "follow":
        this.#follow = !this.#follow;
        break;
      case "filter":
        this.#filtering = true;
        break;
      case "wrap":
        this.#wrap = !this.#wrap;
        break;
      case "switch_view":
        this.#switchTo(
          ({ e: "events", l: "log", c: "history" } as const)[key.name as "e" | "l" | "c"],
        );
        break;
    }
    return true;
  }

  closed(): void {
    this.#unsubscribe?.();
  }

  /** The screen rows for the lines that pass the filter, wrapped or cut to `width`. */
  #rows(width: number): string[] {
    const needle = this.#filter.value.toLowerCase();
    const lines = this.#source.lines().filter((l) => !needle || l.toLowerCase().includes(needle));
    if (!this.#wrap) return lines.map((l) => truncateText(l, width));
    const rows: string[] = [];
    for (const line of lines) {
      let row = "";
      let used = 0;
      for (const g of graphemes(line)) {
        const w = graphemeWidth(g);
        if (used + w > width) {
          rows.push(row);
          row = "";
          used = 0;
        }
        row += g;
        used += w;
      }
      rows.push(row);
    }
    return rows;
  }
}
