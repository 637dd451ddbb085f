/**
 * The key table: for every mode of the TUI, which keys do what. It is the
 * one source of the keys: the views look keys up here and run the command
 * named (through the phone's command dispatcher, the same one `ringo
 * control` and the `:` bar use), the hint bar shows the bindings valid right
 * now, the `?` help overlay lists the table, and `docs/phone/tui.md` is
 * checked against it by a test — so none of them can drift.
 *
 * A binding names a command of the dispatcher (`hangup`, `dtmf`…) with
 * fixed arguments, or an action of its view (`move`, `search`…, marked by
 * `view: true`) that only makes sense on that screen.
 *
 * @module
 */
import { type Key, keyId } from "./term/keys.ts";

/** The modes (screens, overlays and lines) that have keys. */
export type Mode =
  | "picker"
  | "form"
  | "normal"
  | "dial"
  | "transfer"
  | "search"
  | "contacts"
  | "contact_form"
  | "history"
  | "log"
  | "details"
  | "help"
  | "command"
  | "confirm";

/**
 * When a binding applies, for the hint bar and the dispatcher (a key whose
 * condition fails does nothing but say why).
 */
export type Condition =
  | "always"
  | "idle"
  | "incoming"
  | "call"
  | "established"
  | "several"
  | "transferPending"
  | "transferable";

/** One row of the key table. */
export interface Binding {
  /** Key ids as {@link keyId} writes them (`d`, `ctrl+r`, `delete`, `shift+tab`). */
  keys: readonly string[];
  /** The command (of the dispatcher, or of the view when `view` is true). */
  command: string;
  /** Fixed arguments; `$key` stands for the text of the key pressed (DTMF digits). */
  args?: readonly string[];
  /** True when the view itself handles the command (moving, searching…). */
  view?: boolean;
  /** What it does, for help and docs. */
  help: string;
  /** Its label in the hint bar (no label: not shown there). */
  hint?: string;
  /** When it applies (default: always). */
  when?: Condition;
}

/** Mode titles, as help and docs head them. */
export const MODE_TITLES: Readonly<Record<Mode, string>> = {
  picker: "Profile picker",
  form: "Profile form",
  normal: "Call screen (Normal mode)",
  dial: "Dial line",
  transfer: "Transfer line",
  search: "Dial history search (Ctrl+R)",
  contacts: "Contacts overlay",
  contact_form: "Contact form",
  history: "Call history overlay",
  log: "Log overlays (events, baresip log)",
  details: "Call details overlay",
  help: "Help overlay",
  command: "Command bar (:)",
  confirm: "Confirmation",
};

const DIGITS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"];

/** The key table. */
export const KEYMAP: Readonly<Record<Mode, readonly Binding[]>> = {
  picker: [
    {
      keys: ["enter"],
      command: "start",
      view: true,
      help: "Start the selected profile",
      hint: "start",
    },
    {
      keys: ["up", "down"],
      command: "move",
      view: true,
      help: "Move the selection (wraps around)",
    },
    { keys: ["ctrl+n"], command: "new", view: true, help: "Create a profile", hint: "new" },
    {
      keys: ["ctrl+e"],
      command: "edit",
      view: true,
      help: "Edit the selected profile",
      hint: "edit",
    },
    {
      keys: ["ctrl+y"],
      command: "clone",
      view: true,
      help: "Clone the selected profile",
      hint: "clone",
    },
    {
      keys: ["ctrl+r"],
      command: "rename",
      view: true,
      help: "Rename the selected profile",
      hint: "rename",
    },
    {
      keys: ["ctrl+d"],
      command: "delete",
      view: true,
      help: "Delete the selected profile (asks first)",
      hint: "delete",
    },
    {
      keys: ["ctrl+s"],
      command: "settings",
      view: true,
      help: "Open ringo.toml in $EDITOR",
      hint: "ringo.toml",
    },
    { keys: ["escape", "ctrl+c"], command: "quit", view: true, help: "Quit", hint: "quit" },
  ],
  form: [
    { keys: ["tab", "down"], command: "next", view: true, help: "Next field", hint: "next" },
    { keys: ["shift+tab", "up"], command: "previous", view: true, help: "Previous field" },
    {
      keys: ["ctrl+right", "pagedown"],
      command: "next_tab",
      view: true,
      help: "Next tab",
      hint: "tab",
    },
    { keys: ["ctrl+left", "pageup"], command: "previous_tab", view: true, help: "Previous tab" },
    {
      keys: ["space"],
      command: "toggle",
      view: true,
      help: "Toggle a switch, cycle a choice, toggle a codec",
    },
    {
      keys: ["alt+up", "alt+down"],
      command: "reorder",
      view: true,
      help: "Move the selected codec or header up or down",
    },
    { keys: ["ctrl+a"], command: "add_row", view: true, help: "Add a row to a header list" },
    {
      keys: ["ctrl+d"],
      command: "delete_row",
      view: true,
      help: "Delete the selected row of a header list",
    },
    {
      keys: ["ctrl+s", "enter"],
      command: "save",
      view: true,
      help: "Save the profile",
      hint: "save",
    },
    {
      keys: ["ctrl+e"],
      command: "editor",
      view: true,
      help: "Edit the profile's TOML in $EDITOR",
      hint: "$EDITOR",
    },
    {
      keys: ["escape"],
      command: "cancel",
      view: true,
      help: "Back (asks first when there are unsaved changes)",
      hint: "back",
    },
  ],
  normal: [
    { keys: ["d"], command: "dial", help: "Open the dial line", hint: "dial" },
    {
      keys: ["a"],
      command: "accept",
      help: "Accept the incoming call",
      hint: "accept",
      when: "incoming",
    },
    {
      keys: ["b", "delete"],
      command: "hangup",
      help: "Hang up (or reject) the selected call",
      hint: "hang up",
      when: "call",
    },
    {
      keys: ["h"],
      command: "hold",
      help: "Hold the selected call",
      hint: "hold",
      when: "established",
    },
    {
      keys: ["r"],
      command: "resume",
      help: "Resume the selected call",
      hint: "resume",
      when: "established",
    },
    {
      keys: ["m"],
      command: "mute",
      help: "Mute or unmute the microphone",
      hint: "mute",
      when: "established",
    },
    {
      keys: DIGITS,
      command: "dtmf",
      args: ["$key"],
      help: "Send the DTMF tone into the call",
      when: "established",
    },
    {
      keys: ["t"],
      command: "transfer",
      help: "Blind transfer: open the transfer line",
      hint: "transfer",
      when: "transferable",
    },
    {
      keys: ["T"],
      command: "atransfer",
      help: "Attended transfer: call the target first",
      hint: "attended",
      when: "transferable",
    },
    {
      keys: ["x"],
      command: "atransfer",
      args: ["complete"],
      help: "Complete the pending attended transfer",
      hint: "complete transfer",
      when: "transferPending",
    },
    {
      keys: ["X"],
      command: "atransfer",
      args: ["abort"],
      help: "Abort the pending attended transfer",
      hint: "abort transfer",
      when: "transferPending",
    },
    {
      keys: ["tab", "down", "j"],
      command: "next_call",
      view: true,
      help: "Select the next call (puts the others on hold when auto_hold is on)",
      hint: "switch",
      when: "several",
    },
    {
      keys: ["shift+tab", "up", "k"],
      command: "previous_call",
      view: true,
      help: "Select the previous call",
      when: "several",
    },
    {
      keys: ["f", "tab"],
      command: "contacts",
      help: "Open contacts (Tab: while there are fewer than two calls)",
      hint: "contacts",
    },
    { keys: ["c"], command: "history", help: "Open the call history", hint: "history" },
    { keys: ["e"], command: "events", help: "Open the event log" },
    { keys: ["l"], command: "log", help: "Open the baresip log" },
    { keys: ["i"], command: "info", help: "Show details of the selected call", when: "call" },
    { keys: ["ctrl+r"], command: "search", view: true, help: "Search the dial history" },
    {
      keys: ["ctrl+e"],
      command: "edit",
      help: "Edit this profile (when no call is active)",
      when: "idle",
    },
    { keys: ["ctrl+p"], command: "switch", help: "Back to the profile picker" },
    {
      keys: [":"],
      command: "command_bar",
      view: true,
      help: "Open the command bar",
      hint: "command",
    },
    { keys: ["q"], command: "quit", help: "Quit (asks first when calls are active)", hint: "quit" },
    { keys: ["ctrl+c"], command: "quit", args: ["now"], help: "Quit at once" },
    { keys: ["?"], command: "help", help: "Show the keys (this help)", hint: "help" },
  ],
  dial: [
    {
      keys: ["enter"],
      command: "submit",
      view: true,
      help: "Dial the number and return to Normal mode",
      hint: "dial",
    },
    { keys: ["escape"], command: "cancel", view: true, help: "Cancel", hint: "cancel" },
    {
      keys: ["backspace"],
      command: "backspace",
      view: true,
      help: "Delete a character; on an empty line, close it",
    },
    {
      keys: ["left", "right", "home", "end"],
      command: "cursor",
      view: true,
      help: "Move the cursor, jump to either end",
    },
    {
      keys: ["up", "down"],
      command: "history",
      view: true,
      help: "Step through the dial history (the draft is kept)",
      hint: "history",
    },
    { keys: ["tab"], command: "contacts", help: "Pick a number from contacts", hint: "contacts" },
    {
      keys: ["ctrl+r"],
      command: "search",
      view: true,
      help: "Search the dial history",
      hint: "search",
    },
  ],
  transfer: [
    {
      keys: ["enter"],
      command: "submit",
      view: true,
      help: "Transfer to the number typed",
      hint: "transfer",
    },
    { keys: ["escape"], command: "cancel", view: true, help: "Cancel", hint: "cancel" },
    { keys: ["up", "down"], command: "history", view: true, help: "Step through the dial history" },
    { keys: ["tab"], command: "contacts", help: "Pick a number from contacts", hint: "contacts" },
    {
      keys: ["ctrl+r"],
      command: "search",
      view: true,
      help: "Search the dial history",
      hint: "search",
    },
  ],
  search: [
    {
      keys: ["up", "down", "ctrl+p", "ctrl+n"],
      command: "move",
      view: true,
      help: "Move the selection",
    },
    {
      keys: ["enter"],
      command: "choose",
      view: true,
      help: "Put the number in the line",
      hint: "use",
    },
    { keys: ["escape", "ctrl+r"], command: "close", view: true, help: "Close", hint: "close" },
  ],
  contacts: [
    { keys: ["up", "down"], command: "move", view: true, help: "Move the selection" },
    { keys: ["g", "G"], command: "jump", view: true, help: "Jump to the first / last contact" },
    {
      keys: ["enter"],
      command: "choose",
      view: true,
      help: "Put the number in the dial or transfer line",
      hint: "use",
    },
    { keys: ["/"], command: "search", view: true, help: "Search", hint: "search" },
    { keys: ["a"], command: "add", view: true, help: "Add a contact", hint: "add" },
    { keys: ["e"], command: "edit", view: true, help: "Edit the selected contact", hint: "edit" },
    {
      keys: ["d"],
      command: "delete",
      view: true,
      help: "Delete the selected contact (asks first)",
      hint: "delete",
    },
    {
      keys: ["E"],
      command: "editor",
      view: true,
      help: "Open contacts.toml in $EDITOR",
      hint: "$EDITOR",
    },
    { keys: ["f", "escape"], command: "close", view: true, help: "Close", hint: "close" },
  ],
  contact_form: [
    {
      keys: ["tab", "shift+tab"],
      command: "next",
      view: true,
      help: "Next / previous field",
      hint: "next",
    },
    { keys: ["enter"], command: "save", view: true, help: "Save the contact", hint: "save" },
    { keys: ["escape"], command: "cancel", view: true, help: "Cancel", hint: "cancel" },
  ],
  history: [
    { keys: ["up", "down"], command: "move", view: true, help: "Move the selection" },
    { keys: ["g", "G"], command: "jump", view: true, help: "Jump to the newest / oldest call" },
    {
      keys: ["enter"],
      command: "redial",
      view: true,
      help: "Put the peer in the dial line (redial)",
      hint: "redial",
    },
    { keys: ["/"], command: "search", view: true, help: "Search", hint: "search" },
    {
      keys: ["i", "space"],
      command: "details",
      view: true,
      help: "Details of the selected call",
      hint: "details",
    },
    {
      keys: ["d"],
      command: "delete",
      view: true,
      help: "Delete the selected entry",
      hint: "delete",
    },
    {
      keys: ["D"],
      command: "clear",
      view: true,
      help: "Clear the whole history (asks first)",
      hint: "clear",
    },
    {
      keys: ["e", "l"],
      command: "switch_view",
      view: true,
      help: "Switch to the event log / baresip log",
    },
    { keys: ["escape", "c"], command: "close", view: true, help: "Close", hint: "close" },
  ],
  log: [
    {
      keys: ["up", "down", "pageup", "pagedown"],
      command: "scroll",
      view: true,
      help: "Scroll (stops following the tail)",
    },
    {
      keys: ["g", "G"],
      command: "jump",
      view: true,
      help: "Jump to the top / to the tail and follow it",
      hint: "top/tail",
    },
    {
      keys: ["F"],
      command: "follow",
      view: true,
      help: "Follow the tail on or off",
      hint: "follow",
    },
    { keys: ["/"], command: "filter", view: true, help: "Filter lines", hint: "filter" },
    { keys: ["w"], command: "wrap", view: true, help: "Wrap long lines on or off", hint: "wrap" },
    {
      keys: ["e", "l", "c"],
      command: "switch_view",
      view: true,
      help: "Switch to the event log / baresip log / call history",
    },
    { keys: ["escape"], command: "close", view: true, help: "Close", hint: "close" },
  ],
  details: [
    { keys: ["escape", "i", "enter"], command: "close", view: true, help: "Close", hint: "close" },
  ],
  help: [
    { keys: ["up", "down", "pageup", "pagedown"], command: "scroll", view: true, help: "Scroll" },
    { keys: ["escape", "?", "q"], command: "close", view: true, help: "Close", hint: "close" },
  ],
  command: [
    {
      keys: ["tab", "shift+tab"],
      command: "complete",
      view: true,
      help: "Complete the command; again to cycle",
      hint: "complete",
    },
    { keys: ["enter"], command: "run", view: true, help: "Run the command", hint: "run" },
    { keys: ["escape"], command: "close", view: true, help: "Close the bar", hint: "close" },
  ],
  confirm: [
    { keys: ["y", "enter"], command: "yes", view: true, help: "Yes", hint: "yes" },
    { keys: ["n", "escape"], command: "no", view: true, help: "No", hint: "no" },
  ],
};

/**
 * The binding of `key` in `mode`, if any: the first whose condition holds
 * (a key may do one thing with several calls and another without), else
 * the first at all (so the caller can say why it does nothing now).
 *
 * @example
 * ```ts
 * bindingFor("normal", key("b"))?.command; // "hangup"
 * bindingFor("normal", key("tab"), (c) => c !== "several")?.command; // "contacts"
 * ```
 */
export function bindingFor(
  mode: Mode,
  key: Key,
  holds: (condition: Condition) => boolean = () => true,
): Binding | undefined {
  const id = keyId(key);
  const matching = KEYMAP[mode].filter((b) => b.keys.includes(id));
  return matching.find((b) => holds(b.when ?? "always")) ?? matching[0];
}

/** The arguments of a binding for the key pressed (`$key` → the key's text). */
export function bindingArgs(binding: Binding, key: Key): string[] {
  return (binding.args ?? []).map((a) => (a === "$key" ? key.text ?? key.name : a));
}

const KEY_NAMES: Record<string, string> = {
  up: "↑",
  down: "↓",
  left: "←",
  right: "→",
  enter: "Enter",
  escape: "Esc",
  tab: "Tab",
  backspace: "Backspace",
  delete: "Del",
  home: "Home",
  end: "End",
  pageup: "PgUp",
  pagedown: "PgDn",
  space: "Space",
};

/**
 * A key id as people read it: `ctrl+r` → `Ctrl+R`, `up` → `↑`.
 *
 * @example
 * ```ts
 * displayKey("shift+tab"); // "Shift+Tab"
 * ```
 */
export function displayKey(id: string): string {
  const parts = id.split("+");
  const name = parts.pop()!;
  const mods = parts.map((m) => m[0].toUpperCase() + m.slice(1));
  const shown = KEY_NAMES[name] ??
    (name.length === 1 && mods.length > 0 ? name.toUpperCase() : name);
  return [...mods, name === "" ? "+" : shown].join("+");
}

/**
 * The keys of a binding as one label: digits as a range, others joined by ` / `.
 *
 * @example
 * ```ts
 * displayKeys(["b", "delete"]); // "b / Del"
 * ```
 */
export function displayKeys(keys: readonly string[]): string {
  if (keys.length === DIGITS.length && keys.every((k, i) => k === DIGITS[i])) return "0-9 * #";
  return keys.map(displayKey).join(" / ");
}

/**
 * The key table as text: one section per mode, one line per binding (what
 * the help overlay shows and what `docs/phone/tui.md` must agree with).
 *
 * @example
 * ```ts
 * keyTableLines()[0]; // "Profile picker"
 * ```
 */
export function keyTableLines(): string[] {
  const lines: string[] = [];
  for (const mode of Object.keys(KEYMAP) as Mode[]) {
    if (lines.length) lines.push("");
    lines.push(MODE_TITLES[mode]);
    for (const binding of KEYMAP[mode]) {
      lines.push(`  ${displayKeys(binding.keys).padEnd(22)} ${binding.help}`);
    }
  }
  return lines;
}

/**
 * The key table as Markdown tables, one per mode (for `docs/phone/tui.md`).
 */
export function keyTableMarkdown(): string {
  const out: string[] = [];
  for (const mode of Object.keys(KEYMAP) as Mode[]) {
    out.push(`### ${MODE_TITLES[mode]}`, "", "| Key | Action |", "|---|---|");
    for (const binding of KEYMAP[mode]) {
      const keys = displayKeys(binding.keys).split(" / ").map((k) =>
        "`" + k.replace("|", "\\|") + "`"
      ).join(" / ");
      out.push(`| ${keys} | ${binding.help} |`);
    }
    out.push("");
  }
  return out.join("\n");
}

/**
 * The hint bar's entries for `mode`: the bindings with a hint label whose
 * condition holds now.
 *
 * @example
 * ```ts
 * hintsFor("normal", (c) => c === "always" || c === "idle"); // d dial, f contacts, …
 * ```
 */
export function hintsFor(mode: Mode, holds: (condition: Condition) => boolean = () => true) {
  return KEYMAP[mode]
    .filter((b) => b.hint && holds(b.when ?? "always"))
    .map((b) => ({ key: displayKey(b.keys[0]), label: b.hint! }));
}
