/**
 * The `:` command bar's state: what was typed, Tab completion that cycles
 * through the words the command table offers (command names first, then an
 * argument's words), and the error of the last attempt, shown in the bar.
 *
 * Parsing and completion are the phone's command table's own
 * ({@link parseCommand}, {@link completeCommand}, {@link splitCommandLine}
 * in `phone/commands.ts`), so the bar accepts exactly what `ringo control`
 * accepts, plus the TUI's own commands of the same table.
 *
 * @module
 */
import {
  completeCommand,
  parseCommand,
  type ParsedCommand,
  type SessionCommand,
  splitCommandLine,
} from "../phone/commands.ts";
import type { Key } from "./term/keys.ts";
import { TextInput } from "./widgets/text_input.ts";

/**
 * The bar.
 *
 * @example
 * ```ts
 * const bar = new CommandBar(table);
 * bar.input.set("ho");
 * bar.complete(); // input is now "hold "
 * bar.parse(); // { command: hold, args: {}, options: {} }
 * ```
 */
export class CommandBar {
  /** What the user typed. */
  readonly input = new TextInput();
  /** The last error, shown in the bar until the next edit. */
  error: string | undefined;
  #table: readonly SessionCommand[];
  #cycle: { head: string; words: string[]; index: number } | undefined;

  constructor(table: readonly SessionCommand[]) {
    this.#table = table;
  }

  /** The commands the bar knows. */
  get commands(): readonly SessionCommand[] {
    return this.#table;
  }

  /**
   * Completes the word under the cursor's end: the first Tab puts in the
   * first candidate, each further Tab (Shift+Tab backwards) the next one.
   */
  complete(direction: 1 | -1 = 1): void {
    if (!this.#cycle) {
      const text = this.input.value;
      const words = safeSplit(text);
      const partial = /\s$/.test(text) || text === "" ? "" : words.pop() ?? "";
      const candidates = completeCommand(words, partial, this.#table);
      if (candidates.length === 0) {
        this.error = words.length === 0
          ? `no command starts with "${partial}"`
          : `nothing to complete here`;
        return;
      }
      const head = words.length ? `${words.join(" ")} ` : "";
      this.#cycle = { head, words: candidates, index: direction === 1 ? -1 : 0 };
    }
    const cycle = this.#cycle;
    cycle.index = (cycle.index + direction + cycle.words.length) % cycle.words.length;
    this.input.set(
      `${cycle.head}${cycle.words[cycle.index]}${cycle.words.length === 1 ? " " : ""}`,
    );
    this.error = undefined;
  }

  /** The candidates of the current completion cycle, or the commands matching the first word. */
  suggestions(): string[] {
    if (this.#cycle) return this.#cycle.words;
    const words = safeSplit(this.input.value);
    if (words.length > 1 || /\s$/.test(this.input.value)) return [];
    return completeCommand([], words[0] ?? "", this.#table);
  }

  /** Handles an editing key; returns true when used. */
  handleKey(key: Key): boolean {
    const used = this.input.handleKey(key);
    if (used) {
      this.#cycle = undefined;
      this.error = undefined;
    }
    return used;
  }

  /** Parses what was typed; on failure keeps the error to show and returns undefined. */
  parse(): ParsedCommand | undefined {
    try {
      const parsed = parseCommand(splitCommandLine(this.input.value.trim()), this.#table);
      this.error = undefined;
      return parsed;
    } catch (error) {
      this.error = (error as Error).message;
      return undefined;
    }
  }

  /** Empties the bar. */
  reset(): void {
    this.input.set("");
    this.error = undefined;
    this.#cycle = undefined;
  }
}

function safeSplit(text: string): string[] {
  try {
    return splitCommandLine(text);
  } catch {
    return text.trim().split(/\s+/).filter(Boolean);
  }
}
