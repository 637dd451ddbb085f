/**
 * The profile form (Ctrl+N / Ctrl+E in the picker, Ctrl+E on an idle call
 * screen): every profile field on five tabs, with a one-line description of
 * the focused field, selects and toggles, the codec list (toggle and
 * reorder, from the codecs the installed baresip offers), editors for the
 * header lists, validation messages on the fields (the profile schema of
 * `phone/profile.ts` decides, so the form and `ringo phone profile add`
 * cannot disagree), Ctrl+S to save, Ctrl+E for the TOML in `$EDITOR`, and
 * Esc asking before unsaved changes are dropped.
 *
 * @module
 */
import type { View, ViewContext } from "../app.ts";
import { bindingFor, hintsFor } from "../keymap.ts";
import type { Key } from "../term/keys.ts";
import type { Rect, ScreenBuffer } from "../term/screen.ts";
import { padText, truncateText } from "../term/width.ts";
import { drawHints } from "../widgets/hint_bar.ts";
import { drawTabs, nextTab } from "../widgets/tabs.ts";
import { TextInput } from "../widgets/text_input.ts";
import { ConfirmDialog } from "./dialogs.ts";
import { type FieldSpec, FORM_TABS, PROFILE_FORM_FIELDS } from "./profile_fields.ts";

/** A profile's settings as the form reads and writes them (`profile.toml`'s table). */
export type ProfileDraft = Record<string, unknown>;

/** What the form needs from the phone. */
export interface ProfileFormActions {
  /** Codecs the installed baresip offers (the codec list's choices). */
  codecs: readonly string[];
  /**
   * Checks a draft: returns an error per field key (`name` for the profile
   * name), empty when the draft is a valid profile.
   */
  validate(name: string, draft: ProfileDraft): Record<string, string>;
  /** Saves the draft: creates `name`, or replaces `original` (renaming it when the name changed). */
  save(name: string, draft: ProfileDraft, original: string | undefined): Promise<void>;
  /** Lets the user edit `draft` as TOML in `$EDITOR`; resolves with the edited draft. */
  editAsToml(name: string, draft: ProfileDraft): Promise<ProfileDraft>;
  /** Closes the form (after saving, `saved` names the profile). */
  close(saved: string | undefined): void;
}

type FieldState =
  | { kind: "input"; input: TextInput }
  | { kind: "select"; index: number }
  | { kind: "toggle"; on: boolean; set: boolean }
  | { kind: "codecs"; items: { name: string; on: boolean }[] }
  | { kind: "pairs"; rows: [TextInput, TextInput][] };

/** One line of the form's body; `stop` is the focus stop it shows. */
interface FormLine {
  stop?: number;
  draw: (
    screen: ScreenBuffer,
    x: number,
    y: number,
    width: number,
    styles: ViewContext["styles"],
  ) => void;
}

/** A place the focus can be: a field, or a row (and column) of a list field. */
interface Stop {
  field: FieldSpec;
  row?: number;
  col?: 0 | 1;
}

/**
 * The form.
 *
 * @example
 * ```ts
 * app.push(new ProfileFormView(actions, { name: "work", draft: profile.settings }));
 * ```
 */
export class ProfileFormView implements View {
  #actions: ProfileFormActions;
  #original: string | undefined;
  #state = new Map<string, FieldState>();
  #tab = 0;
  #focus = 0;
  #scroll = 0;
  #errors: Record<string, string> = {};
  #showErrors = false;
  #initial: string;

  constructor(actions: ProfileFormActions, existing?: { name: string; draft: ProfileDraft }) {
    this.#actions = actions;
    this.#original = existing?.name;
    this.#load(existing?.name ?? "", existing?.draft ?? {});
    this.#initial = this.#fingerprint();
  }

  /** True when the form differs from what was loaded. */
  get dirty(): boolean {
    return this.#fingerprint() !== this.#initial;
  }

  /** The draft the form holds now, as `profile.toml`'s table. */
  draft(): ProfileDraft {
    const out: ProfileDraft = {};
    for (const field of PROFILE_FORM_FIELDS) {
      if (field.key === "name") continue;
      const value = this.#value(field);
      if (value !== undefined) out[field.key] = value;
    }
    return out;
  }

  /** The profile name typed in the form. */
  get name(): string {
    return (this.#state.get("name") as { input: TextInput }).input.value.trim();
  }

  draw(screen: ScreenBuffer, area: Rect, { app, styles }: ViewContext): void {
    screen.fill(area);
    const x = area.x + 2;
    const width = area.width - 4;
    const title = this.#original ? `Edit profile ${this.#original}` : "New profile";
    screen.write(x, area.y + 1, title + (this.dirty ? "  (modified)" : ""), styles.accentBold);
    drawTabs(screen, x, area.y + 3, FORM_TABS, this.#tab, {
      active: styles.selected,
      inactive: styles.subtle,
    }, x + width);

    const lines = this.#layout();
    const bodyTop = area.y + 5;
    const bodyHeight = Math.max(1, area.height - 9);
    const focusLine = lines.findIndex((l) => l.stop === this.#focus);
    if (focusLine >= 0) {
      if (focusLine < this.#scroll) this.#scroll = focusLine;
      if (focusLine + 1 >= this.#scroll + bodyHeight) this.#scroll = focusLine + 2 - bodyHeight;
    }
    this.#scroll = Math.max(0, Math.min(this.#scroll, Math.max(0, lines.length - bodyHeight)));
    lines.slice(this.#scroll, this.#scroll + bodyHeight).forEach((line, i) =>
      line.draw(screen, x, bodyTop + i, width, styles)
    );

    const stop = this.#stops()[this.#focus];
    if (stop) {
      screen.write(
        x,
        area.y + area.height - 3,
        truncateText(stop.field.description, width),
        styles.subtle,
      );
    }
    app.toast.draw(screen, x, area.y + area.height - 2, width, {
      info: styles.subtle,
      success: styles.success,
      error: styles.danger,
    });
    drawHints(screen, x, area.y + area.height - 1, width, hintsFor("form"), {
      key: styles.key,
      label: styles.subtle,
    });
  }

  async handleKey(key: Key, { app }: ViewContext): Promise<boolean> {
    const stops = this.#stops();
    const stop = stops[this.#focus];
    const binding = bindingFor("form", key);
    const state = stop ? this.#state.get(stop.field.key)! : undefined;
    // Typing goes to the focused input first (Space included), except the form's own keys.
    const input = stop && state ? this.#inputOf(stop, state) : undefined;
    const formKeys = ["next", "previous", "next_tab", "previous_tab", "save", "editor", "cancel"];
    if (
      input && !(binding && formKeys.includes(binding.command)) &&
      !(key.ctrl && ["a", "d"].includes(key.name))
    ) {
      if (input.handleKey(key)) {
        this.#changed();
        return true;
      }
    }
    switch (binding?.command) {
      case "next":
        this.#focus = Math.min(stops.length - 1, this.#focus + 1);
        return true;
      case "previous":
        this.#focus = Math.max(0, this.#focus - 1);
        return true;
      case "next_tab":
      case "previous_tab":
        this.#tab = nextTab(this.#tab, FORM_TABS.length, binding.command === "next_tab" ? 1 : -1);
        this.#focus = 0;
        this.#scroll = 0;
        return true;
      case "toggle":
        if (stop && state) this.#toggle(stop, state);
        return true;
      case "reorder":
        if (stop && state?.kind === "codecs" && stop.row !== undefined) {
          const to = stop.row + (key.name === "up" ? -1 : 1);
          if (to >= 0 && to < state.items.length) {
            const [item] = state.items.splice(stop.row, 1);
            state.items.splice(to, 0, item);
            this.#focus += to - stop.row;
            this.#changed();
          }
        }
        return true;
      case "add_row":
        if (stop && state?.kind === "pairs") {
          const at = stop.row === undefined ? state.rows.length : stop.row + 1;
          state.rows.splice(at, 0, [new TextInput(), new TextInput()]);
          this.#focus = this.#stops().findIndex((s) =>
            s.field === stop.field && s.row === at && s.col === 0
          );
          this.#changed();
        }
        return true;
      case "delete_row":
        if (stop && state?.kind === "pairs" && stop.row !== undefined) {
          state.rows.splice(stop.row, 1);
          // Focus the row that took its place (or the last one, or the list once empty).
          const row = Math.min(stop.row, state.rows.length - 1);
          const stops = this.#stops();
          this.#focus = Math.max(
            0,
            stops.findIndex((s) =>
              s.field === stop.field && (row < 0 || (s.row === Math.max(0, row) && s.col === 0))
            ),
          );
          this.#changed();
        }
        return true;
      case "save":
        await this.#save(app);
        return true;
      case "editor": {
        const edited = await this.#actions.editAsToml(this.name, this.draft());
        this.#load(this.name, edited);
        this.#changed();
        app.toast.show("Loaded the edited TOML into the form; Ctrl+S saves it", "info");
        return true;
      }
      case "cancel":
        if (this.dirty) {
          app.push(
            new ConfirmDialog("Discard the unsaved changes?", () => this.#actions.close(undefined)),
          );
        } else this.#actions.close(undefined);
        return true;
    }
    return false;
  }

  async #save(app: ViewContext["app"]): Promise<void> {
    this.#showErrors = true;
    this.#errors = this.#actions.validate(this.name, this.draft());
    const wrong = PROFILE_FORM_FIELDS.find((f) => this.#errors[f.key]);
    if (wrong) {
      this.#tab = FORM_TABS.indexOf(wrong.tab);
      this.#focus = Math.max(0, this.#stops().findIndex((s) => s.field === wrong));
      app.toast.show(`${wrong.label}: ${this.#errors[wrong.key]}`, "error");
      return;
    }
    await this.#actions.save(this.name, this.draft(), this.#original);
    this.#initial = this.#fingerprint();
    app.toast.show(`Saved profile ${this.name}`, "success");
    this.#actions.close(this.name);
  }

  #changed(): void {
    if (this.#showErrors) this.#errors = this.#actions.validate(this.name, this.draft());
  }

  #load(name: string, draft: ProfileDraft): void {
    for (const field of PROFILE_FORM_FIELDS) {
      const value = field.key === "name" ? name : draft[field.key];
      this.#state.set(field.key, this.#stateFor(field, value));
    }
  }

  #stateFor(field: FieldSpec, value: unknown): FieldState {
    switch (field.kind) {
      case "select":
        return { kind: "select", index: Math.max(0, field.options!.indexOf(String(value ?? ""))) };
      case "toggle":
        return {
          kind: "toggle",
          on: value === undefined ? field.defaultOn! : value === true,
          set: value !== undefined,
        };
      case "codecs": {
        const chosen = Array.isArray(value) ? value.map(String) : [];
        const rest = this.#actions.codecs.filter((c) => !chosen.some((x) => sameCodec(x, c)));
        return {
          kind: "codecs",
          items: [
            ...chosen.map((name) => ({ name, on: true })),
            ...rest.map((name) => ({ name, on: false })),
          ],
        };
      }
      case "pairs":
      case "map": {
        const entries: [string, string][] = field.kind === "map"
          ? Object.entries((value ?? {}) as Record<string, string>)
          : ((value ?? []) as [string, string][]);
        return {
          kind: "pairs",
          rows: entries.map(([a, b]) => [new TextInput(String(a)), new TextInput(String(b))]),
        };
      }
      default:
        return { kind: "input", input: new TextInput(value === undefined ? "" : String(value)) };
    }
  }

  #value(field: FieldSpec): unknown {
    const state = this.#state.get(field.key)!;
    switch (state.kind) {
      case "input": {
        const text = field.kind === "secret" ? state.input.value : state.input.value.trim();
        if (text === "") return undefined;
        if (field.kind === "number") return /^\d+$/.test(text) ? Number(text) : text;
        return text;
      }
      case "select":
        return field.options![state.index] || undefined;
      case "toggle":
        return state.set || state.on !== field.defaultOn ? state.on : undefined;
      case "codecs": {
        const on = state.items.filter((i) => i.on).map((i) => i.name);
        return on.length ? on : undefined;
      }
      case "pairs": {
        const rows = state.rows.map(([a, b]) => [a.value.trim(), b.value] as [string, string])
          .filter(([a, b]) => a !== "" || b !== "");
        if (rows.length === 0) return undefined;
        return field.kind === "map" ? Object.fromEntries(rows) : rows;
      }
    }
  }

  #toggle(stop: Stop, state: FieldState): void {
    if (state.kind === "toggle") {
      state.on = !state.on;
      state.set = true;
    } else if (state.kind === "select") {
      state.index = (state.index + 1) % stop.field.options!.length;
    } else if (state.kind === "codecs" && stop.row !== undefined) {
      state.items[stop.row].on = !state.items[stop.row].on;
    } else return;
    this.#changed();
  }

  #inputOf(stop: Stop, state: FieldState): TextInput | undefined {
    if (state.kind === "input") return state.input;
    if (state.kind === "pairs" && stop.row !== undefined) {
      return state.rows[stop.row]?.[stop.col ?? 0];
    }
    return undefined;
  }

  #fields(): FieldSpec[] {
    return PROFILE_FORM_FIELDS.filter((f) => f.tab === FORM_TABS[this.#tab]);
  }

  #stops(): Stop[] {
    const stops: Stop[] = [];
    for (const field of this.#fields()) {
      const state = this.#state.get(field.key)!;
      if (state.kind === "codecs") state.items.forEach((_, row) => stops.push({ field, row }));
      else if (state.kind === "pairs") {
        if (state.rows.length === 0) stops.push({ field });
        state.rows.forEach((_, row) => stops.push({ field, row, col: 0 }, { field, row, col: 1 }));
      } else stops.push({ field });
    }
    return stops;
  }

  /** The body's lines: each field's label and value, list fields a line per row. */
  #layout(): FormLine[] {
    const stops = this.#stops();
    const focused = stops[this.#focus];
    const indexOf = (f: FieldSpec, row?: number, col?: 0 | 1) =>
      stops.findIndex((s) => s.field === f && s.row === row && s.col === col);
    const lines: FormLine[] = [];
    const LABEL = 20;
    for (const field of this.#fields()) {
      const state = this.#state.get(field.key)!;
      const error = this.#showErrors ? this.#errors[field.key] : undefined;
      const isFocused = focused?.field === field;
      const label = `${field.label}${field.required ? " *" : ""}`;
      const labelLine = (s: ScreenBuffer, x: number, y: number, st: ViewContext["styles"]) =>
        s.write(x, y, padText(label, LABEL), isFocused ? st.attention : st.subtle);
      if (state.kind === "input" || state.kind === "select" || state.kind === "toggle") {
        const stop = indexOf(field);
        lines.push({
          stop,
          draw: (s, x, y, w, st) => {
            labelLine(s, x, y, st);
            const vx = x + LABEL;
            const vw = Math.max(1, Math.min(w - LABEL, 48));
            const focusedHere = this.#focus === stop;
            if (state.kind === "input") {
              if (field.kind === "secret" && !focusedHere && !state.input.empty) {
                s.write(vx, y, "••••••••", st.text); // not even its length, unless being typed
              } else {
                state.input.draw(s, vx, y, vw, focusedHere ? st.attention : st.text, focusedHere, {
                  text: "—",
                  style: st.subtle,
                }, field.kind === "secret" ? "•" : undefined);
              }
            } else if (state.kind === "select") {
              const shown = field.options!.map((o) => (o === "" ? "default" : o));
              let col = vx;
              shown.forEach((o, i) => {
                col = s.write(
                  col,
                  y,
                  i === state.index ? `[${o}]` : ` ${o} `,
                  i === state.index ? (focusedHere ? st.selected : st.accent) : st.subtle,
                ) + 1;
              });
            } else {
              const text = state.on ? "[on] " : "[off]";
              s.write(vx, y, text, focusedHere ? st.selected : state.on ? st.success : st.subtle);
              if (!state.set) s.write(vx + 6, y, "(default)", st.subtle);
            }
            if (error) {
              s.write(vx + vw + 2, y, truncateText(`✗ ${error}`, w - LABEL - vw - 2), st.danger);
            }
          },
        });
        continue;
      }
      // List fields: a title line, then one line per row.
      lines.push({
        stop: state.kind === "pairs" && state.rows.length === 0 ? indexOf(field) : undefined,
        draw: (s, x, y, w, st) => {
          labelLine(s, x, y, st);
          const hint = state.kind === "codecs"
            ? (this.#actions.codecs.length
              ? "Space on/off · Alt+↑/↓ order"
              : "no codec modules found")
            : state.rows.length === 0
            ? "none · Ctrl+A adds a row"
            : `${field.columns![0]} / ${field.columns![1]} · Ctrl+A add · Ctrl+D delete`;
          s.write(x + LABEL, y, truncateText(hint, w - LABEL), st.subtle);
          if (error) s.write(x + LABEL, y, truncateText(`✗ ${error}`, w - LABEL), st.danger);
        },
      });
      if (state.kind === "codecs") {
        state.items.forEach((item, row) => {
          const stop = indexOf(field, row);
          lines.push({
            stop,
            draw: (s, x, y, _w, st) => {
              const focusedHere = this.#focus === stop;
              const text = `${item.on ? "[x]" : "[ ]"} ${item.name}`;
              s.write(
                x + LABEL,
                y,
                text,
                focusedHere ? st.selected : item.on ? st.success : st.subtle,
              );
            },
          });
        });
      } else {
        state.rows.forEach((cells, row) => {
          const stop = indexOf(field, row, 0);
          lines.push({
            stop,
            draw: (s, x, y, w, st) => {
              const cw = Math.max(8, Math.floor((w - LABEL - 3) / 2));
              cells.forEach((cell, col) => {
                const here = this.#focus === indexOf(field, row, col as 0 | 1);
                const cx = x + LABEL + col * (cw + 3);
                cell.draw(s, cx, y, cw, here ? st.attention : st.text, here, {
                  text: field.columns![col],
                  style: st.subtle,
                });
              });
              s.write(x + LABEL + cw, y, " = ", st.subtle);
            },
          });
          // the second cell's stop shares the line
          const second = indexOf(field, row, 1);
          if (this.#focus === second) lines[lines.length - 1].stop = second;
        });
      }
    }
    return lines;
  }

  #fingerprint(): string {
    return JSON.stringify([this.name, this.draft()]);
  }
}

function sameCodec(a: string, b: string): boolean {
  return a.split("/")[0].toLowerCase() === b.split("/")[0].toLowerCase();
}
