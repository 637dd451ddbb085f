/**
 * The profile picker (`ringo phone`): the logo and version, a search box
 * (whitespace-separated tokens, all must match, fuzzy ranking), the
 * profiles with the `[picker] info` fields beside each name, and the keys
 * to start, create, edit, clone, rename and delete profiles or open
 * `ringo.toml` in `$EDITOR`. A profile that does not load is listed with
 * its error, so it can be fixed from here.
 *
 * @module
 */
import type { View, ViewContext } from "../app.ts";
import { fuzzyFilter } from "../fuzzy.ts";
import { bindingFor, hintsFor } from "../keymap.ts";
import type { Key } from "../term/keys.ts";
import type { Rect, ScreenBuffer } from "../term/screen.ts";
import { padText, textWidth, truncateText } from "../term/width.ts";
import { drawHints } from "../widgets/hint_bar.ts";
import { drawList, ListState } from "../widgets/list.ts";
import { TextInput } from "../widgets/text_input.ts";
import { ConfirmDialog, PromptDialog } from "./dialogs.ts";
import { drawLogo } from "./logo.ts";

/** One row of the picker. */
export interface PickerEntry {
  /** The profile's name. */
  name: string;
  /** The `[picker] info` fields, joined for display (empty when the profile did not load). */
  info: string;
  /** Why the profile did not load, if it did not. */
  error?: string;
}

/** What the picker asks of the phone. */
export interface PickerActions {
  /** ringo's version, shown under the logo. */
  version: string;
  /** The profiles to list (re-read after every change). */
  entries(): Promise<PickerEntry[]>;
  /** Starts a profile (switches to its call screen). */
  start(name: string): Promise<void>;
  /** Opens the profile form: for a new profile (`undefined`) or to edit one. */
  openForm(name: string | undefined): void;
  /** Copies a profile. */
  clone(from: string, to: string): Promise<void>;
  /** Renames a profile. */
  rename(from: string, to: string): Promise<void>;
  /** Removes a profile. */
  remove(name: string): Promise<void>;
  /** Opens `ringo.toml` in `$EDITOR` and reloads it. */
  editSettings(): Promise<void>;
  /** Ends the program. */
  quit(): void;
}

/**
 * The picker screen.
 *
 * @example
 * ```ts
 * const picker = new PickerView(actions);
 * await picker.reload();
 * app.replace(picker);
 * ```
 */
export class PickerView implements View {
  readonly search = new TextInput();
  readonly list = new ListState();
  #entries: PickerEntry[] = [];
  #actions: PickerActions;

  constructor(actions: PickerActions) {
    this.#actions = actions;
  }

  /** Re-reads the profiles, keeping the selection on the same name when it still exists. */
  async reload(select?: string): Promise<void> {
    const current = select ?? this.#selected()?.name;
    this.#entries = await this.#actions.entries();
    const visible = this.#visible();
    const at = visible.findIndex((e) => e.name === current);
    this.list.selected = at >= 0 ? at : 0;
  }

  draw(screen: ScreenBuffer, area: Rect, { app, styles }: ViewContext): void {
    const x = area.x + 2;
    const width = area.width - 4;
    const logoWidth = drawLogo(screen, x, area.y + 1, styles.accentBold);
    screen.write(x + logoWidth + 2, area.y + 2, "phone", styles.accentBold);
    screen.write(x + logoWidth + 8, area.y + 2, `v${this.#actions.version}`, styles.subtle);
    screen.write(x + logoWidth + 2, area.y + 3, "pick an account", styles.subtle);

    const searchY = area.y + 5;
    const label = screen.write(x, searchY, "Search ", styles.subtle);
    this.search.draw(
      screen,
      label,
      searchY,
      area.x + area.width - 2 - label,
      styles.attention,
      true,
      {
        text: "type to filter",
        style: styles.subtle,
      },
    );

    const visible = this.#visible();
    const listRect = { x, y: searchY + 2, width, height: Math.max(1, area.height - searchY - 5) };
    if (this.#entries.length === 0) {
      screen.write(x, listRect.y, "No profiles yet.", styles.attention);
      screen.write(x, listRect.y + 1, "Press Ctrl+N to create your first one.", styles.subtle);
    } else if (visible.length === 0) {
      screen.write(x, listRect.y, `No profile matches "${this.search.value}".`, styles.attention);
      screen.write(x, listRect.y + 1, "Esc quits; Backspace widens the search.", styles.subtle);
    } else {
      const nameWidth = Math.min(28, Math.max(...visible.map((e) => textWidth(e.name))) + 2);
      drawList(screen, listRect, this.list, visible.length, (i, y, selected) => {
        const entry = visible[i];
        const mark = selected ? "▸ " : "  ";
        const name = padText(entry.name, nameWidth);
        const detail = entry.error ? `cannot load: ${entry.error}` : entry.info;
        const rowStyle = selected ? styles.selected : styles.text;
        screen.fill({ x, y, width, height: 1 }, " ", selected ? styles.selected : styles.text);
        let col = screen.write(x, y, mark + name, rowStyle, x + width);
        col = screen.write(
          col,
          y,
          truncateText(detail, x + width - col),
          selected ? styles.selected : entry.error ? styles.danger : styles.subtle,
          x + width,
        );
      });
      const count = visible.length === this.#entries.length
        ? `${this.#entries.length} profile${this.#entries.length === 1 ? "" : "s"}`
        : `${visible.length} of ${this.#entries.length}`;
      screen.write(area.x + area.width - 2 - textWidth(count), searchY, count, styles.subtle);
    }

    app.toast.draw(screen, x, area.y + area.height - 2, width, {
      info: styles.subtle,
      success: styles.success,
      error: styles.danger,
    });
    drawHints(screen, x, area.y + area.height - 1, width, this.hints(), {
      key: styles.key,
      label: styles.subtle,
    });
  }

  hints() {
    const selected = this.#selected() !== undefined;
    return hintsFor("picker").filter((h) =>
      selected || !["start", "edit", "clone", "rename", "delete"].includes(h.label)
    );
  }

  async handleKey(key: Key, { app }: ViewContext): Promise<boolean> {
    const binding = bindingFor("picker", key);
    const visible = this.#visible();
    const selected = this.#selected();
    switch (binding?.command) {
      case "move":
        this.list.move(key.name === "up" ? -1 : 1, visible.length, { wrap: true });
        return true;
      case "start":
        if (selected && !selected.error) await this.#actions.start(selected.name);
        else if (selected) app.toast.show(`${selected.name}: fix it first (Ctrl+E)`, "error");
        return true;
      case "new":
        this.#actions.openForm(undefined);
        return true;
      case "edit":
        if (selected) this.#actions.openForm(selected.name);
        return true;
      case "clone":
        if (selected) {
          app.push(
            new PromptDialog(`Clone ${selected.name} as`, `${selected.name} copy`, async (to) => {
              await this.#actions.clone(selected.name, to);
              await this.reload(to);
              app.toast.show(`Cloned ${selected.name} as ${to}`, "success");
            }),
          );
        }
        return true;
      case "rename":
        if (selected) {
          app.push(
            new PromptDialog(`Rename ${selected.name} to`, selected.name, async (to) => {
              await this.#actions.rename(selected.name, to);
              await this.reload(to);
              app.toast.show(`Renamed ${selected.name} to ${to}`, "success");
            }),
          );
        }
        return true;
      case "delete":
        if (selected) {
          app.push(
            new ConfirmDialog(`Delete profile ${selected.name} and its folder?`, async () => {
              await this.#actions.remove(selected.name);
              await this.reload();
              app.toast.show(`Deleted ${selected.name}`, "success");
            }),
          );
        }
        return true;
      case "settings":
        await this.#actions.editSettings();
        await this.reload();
        return true;
      case "quit":
        this.#actions.quit();
        return true;
    }
    if (key.name === "pageup" || key.name === "pagedown") {
      this.list.move(key.name === "pageup" ? -10 : 10, visible.length);
      return true;
    }
    if (this.search.handleKey(key)) {
      this.list.selected = 0;
      return true;
    }
    return false;
  }

  #visible(): PickerEntry[] {
    return fuzzyFilter(this.#entries, this.search.value, (e) => `${e.name} ${e.info}`)
      .map((m) => m.item);
  }

  #selected(): PickerEntry | undefined {
    return this.#visible()[this.list.selected];
  }
}
