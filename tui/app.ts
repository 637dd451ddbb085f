/**
 * The TUI runtime: a stack of views (a screen with overlays on top), the
 * frame loop and the key routing.
 *
 * Nothing is drawn on a timer: a frame is drawn when something asks for it
 * ({@link App.redraw} — a key, a session event, a resize, a toast expiring),
 * coalesced so a burst of events costs one frame, and the diff renderer then
 * writes only the cells that changed. An idle phone does no work at all.
 *
 * The runtime takes its output and size from an {@link AppIO}, so the real
 * terminal, the benchmarks and the unit tests drive the same code.
 *
 * @module
 */
import type { Key } from "./term/keys.ts";
import { DiffRenderer } from "./term/renderer.ts";
import { type Rect, ScreenBuffer } from "./term/screen.ts";
import type { ColorMode } from "./term/style.ts";
import type { TerminalSize } from "./term/terminal.ts";
import { DEFAULT_THEME, type ThemeStyles, themeStyles } from "./theme.ts";
import type { Hint } from "./widgets/hint_bar.ts";
import { Toast } from "./widgets/toast.ts";

/** Where frames go and where the size comes from. */
export interface AppIO {
  /** Writes a frame's bytes. */
  write(text: string): void;
  /** The terminal's size now. */
  size(): TerminalSize;
  /** Hands the terminal to `run` (e.g. `$EDITOR`) and takes it back. */
  suspend<T>(run: () => Promise<T>): Promise<T>;
}

/** What a view gets when it draws or handles a key. */
export interface ViewContext {
  /** The runtime (push overlays, redraw, toast, suspend). */
  app: App;
  /** The theme's styles. */
  styles: ThemeStyles;
}

/** A screen or an overlay. */
export interface View {
  /** Draws into `area` of `screen`. Overlays draw over the views below them. */
  draw(screen: ScreenBuffer, area: Rect, context: ViewContext): void;
  /**
   * Handles a key; returns true when it used it. A key an overlay does not
   * use is not passed further down (overlays are modal).
   */
  handleKey(key: Key, context: ViewContext): boolean | Promise<boolean>;
  /** The keys valid right now, for the hint bar. */
  hints?(context: ViewContext): Hint[];
  /** Called when the view leaves the stack. */
  closed?(): void;
}

/**
 * The runtime.
 *
 * @example
 * ```ts
 * const app = new App(io, { colorMode: "256" });
 * app.push(new PickerView(store));
 * app.handleKey(key("down")); // the picker moves, a frame is written soon after
 * ```
 */
export class App {
  #io: AppIO;
  #renderer: DiffRenderer;
  #screen: ScreenBuffer;
  #views: View[] = [];
  #styles: ThemeStyles;
  #scheduled = false;
  #frames = 0;
  #keyQueue: Promise<void> = Promise.resolve();
  #stopped = false;
  /** The message line shared by all views. */
  readonly toast: Toast;

  #fullRedraw: boolean;

  /**
   * `fullRedraw` writes every frame whole, as if the terminal had lost its
   * contents (the reference the benchmarks compare the diff renderer with).
   */
  constructor(
    io: AppIO,
    options: { colorMode: ColorMode; styles?: ThemeStyles; fullRedraw?: boolean },
  ) {
    this.#fullRedraw = options.fullRedraw ?? false;
    this.#io = io;
    const { columns, rows } = io.size();
    this.#renderer = new DiffRenderer(columns, rows, options.colorMode);
    this.#screen = new ScreenBuffer(columns, rows);
    this.#styles = options.styles ?? themeStyles(DEFAULT_THEME);
    this.toast = new Toast(() => this.redraw());
  }

  /** The theme's styles. */
  get styles(): ThemeStyles {
    return this.#styles;
  }

  /** Replaces the theme (e.g. after `ringo.toml` was edited). */
  set styles(styles: ThemeStyles) {
    this.#styles = styles;
    this.redraw();
  }

  /** The view on top (receiving keys). */
  get top(): View | undefined {
    return this.#views.at(-1);
  }

  /** The views, bottom first. */
  get views(): readonly View[] {
    return this.#views;
  }

  /** How many frames were written (for benchmarks and tests). */
  get frames(): number {
    return this.#frames;
  }

  /** The last frame drawn (for tests). */
  get screen(): ScreenBuffer {
    return this.#screen;
  }

  /** Puts a view on top. */
  push(view: View): void {
    this.#views.push(view);
    this.redraw();
  }

  /** Removes `view` (default: the top one) and what lies above it. */
  pop(view: View | undefined = this.top): void {
    const at = view ? this.#views.lastIndexOf(view) : -1;
    if (at < 0) return;
    for (const removed of this.#views.splice(at).reverse()) removed.closed?.();
    this.redraw();
  }

  /** Replaces the whole stack by `view` (switching screens). */
  replace(view: View): void {
    for (const removed of this.#views.splice(0).reverse()) removed.closed?.();
    this.push(view);
  }

  /** Asks for a frame; several requests before it is drawn make one frame. */
  redraw(): void {
    if (this.#scheduled || this.#stopped) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      if (!this.#stopped) this.renderNow();
    });
  }

  /** Draws and writes a frame now; returns the bytes written. */
  renderNow(): string {
    const screen = this.#screen;
    screen.clear();
    const context = this.#context();
    for (const view of this.#views) view.draw(screen, screen.area, context);
    if (this.#fullRedraw) this.#renderer.invalidate();
    const out = this.#renderer.render(screen);
    if (out !== "") {
      this.#io.write(out);
      this.#frames++;
    }
    return out;
  }

  /** Handles a key: the top view gets it. Keys are handled one at a time, in order. */
  handleKey(key: Key): Promise<void> {
    this.#keyQueue = this.#keyQueue.then(async () => {
      const view = this.top;
      if (!view || this.#stopped) return;
      try {
        await view.handleKey(key, this.#context());
      } catch (error) {
        this.toast.show(error instanceof Error ? error.message : String(error), "error");
      }
      this.redraw();
    });
    return this.#keyQueue;
  }

  /** The terminal changed size: the next frame is drawn whole at the new size. */
  resize(size: TerminalSize): void {
    this.#screen = new ScreenBuffer(size.columns, size.rows);
    this.#renderer.invalidate(size.columns, size.rows);
    this.redraw();
  }

  /** Runs `run` with the terminal handed back (e.g. `$EDITOR`), then redraws everything. */
  async suspend<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await this.#io.suspend(run);
    } finally {
      this.#renderer.invalidate();
      this.redraw();
    }
  }

  /** Stops drawing (the terminal is about to be restored). */
  stop(): void {
    this.#stopped = true;
    this.toast.clear();
    for (const removed of this.#views.splice(0).reverse()) removed.closed?.();
  }

  #context(): ViewContext {
    return { app: this, styles: this.#styles };
  }
}
