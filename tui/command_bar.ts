/**
 * The `:` command bar: a text input that parses into one of the commands of
 * the phone's command table (the same table `ringo control` and the keys
 * use), with Tab completion that cycles through the matching names and
 * errors shown in the bar itself.
 *
 * It only parses and completes; running the command is the dispatcher's job.
 *
 * @module
 */
import type { Key } from "./term/keys.ts";
import { TextInput } from "./widgets/text_input.ts";

/** What the bar needs to know of a command. */
export interface BarCommand {
  /** Its name (`dial`, `hangup`…). */
  name: string;
  /** Its arguments as shown in help (`<target>`), empty for none. */
  usage: string;
  /** One line saying what it does. */
  summary: string;
  /** True when it needs at least one argument. */
  needsArgument: boolean;
}

/** A parsed command line. */
export interface ParsedCommand {
  /** The command's name, completed from a unique prefix. */
  name: string;
  /** The words after the name. */
  args: string[];
}

/** A line that is not a command the table knows, or lacks its argument. */
export class CommandLineError extends Error {
  override name = "CommandLineError";
}

/**
 * Parses `line` against `commands`: the first word names a command (a unique
 * prefix is enough), the rest are its arguments.
 *
 * @throws {CommandLineError} for an empty line, an unknown or ambiguous name,
 * or a missing argument — each naming what would have been right.
 * @example
 * ```ts
 * parseCommandLine("dial 4711", commands); // { name: "dial", args: ["4711"] }
 * parseCommandLine("hang", commands); // { name: "hangup", args: [] }
 * ```
 */
export function parseCommandLine(line: string, commands: readonly BarCommand[]): ParsedCommand {
  const [word, ...args] = line.trim().split(/\s+/).filter((w) => w !== "");
  if (word === undefined) throw new CommandLineError("type a command; Tab lists them");
  const exact = commands.find((c) => c.name === word);
  const matches = exact ? [exact] : commands.filter((c) => c.name.startsWith(word));
  if (matches.length === 0) {
    throw new CommandLineError(
      `unknown command "${word}"; commands: ${commands.map((c) => c.name).join(", ")}`,
    );
  }
  if (matches.length > 1) {
    throw new CommandLineError(
      `"${word}" could be ${matches.map((c) => c.name).join(" or ")}`,
    );
  }
  const command = matches[0];
  if (command.needsArgument && args.length === 0) {
    throw new CommandLineError(`usage: ${command.name} ${command.usage}`);
  }
  return { name: command.name, args };
}

/**
 * The bar's state: its input, completion cycling, and the error to show.
 *
 * @example
 * ```ts
 * const bar = new CommandBar(commands);
 * bar.input.set("ho");
 * bar.complete(); // input is now "hold "
 * ```
 */
export class CommandBar {
  /** What the user typed. */
  readonly input = new TextInput();
  /** The last error, shown in the bar until the next key. */
  error: string | undefined;
  #commands: readonly BarCommand[];
  #cycle: { prefix: string; index: number } | undefined;

  constructor(commands: readonly BarCommand[]) {
    this.#commands = commands;
  }

  /** The commands known to the bar. */
  get commands(): readonly BarCommand[] {
    return this.#commands;
  }

  /**
   * Completes the command name: the first Tab fills in the first match of
   * what was typed, each further Tab (Shift+Tab backwards) cycles to the next.
   */
  complete(direction: 1 | -1 = 1): void {
    const value = this.input.value;
    if (/\s/.test(value.trimStart()) && this.#cycle === undefined) return; // arguments: nothing to complete
    const prefix = this.#cycle?.prefix ?? value.trim();
    const matches = this.#commands.filter((c) => c.name.startsWith(prefix));
    if (matches.length === 0) {
      this.error = `no command starts with "${prefix}"`;
      return;
    }
    const index = this.#cycle
      ? (this.#cycle.index + direction + matches.length) % matches.length
      : direction === 1
      ? 0
      : matches.length - 1;
    this.#cycle = { prefix, index };
    const chosen = matches[index];
    this.input.set(chosen.name + (chosen.usage ? " " : ""));
  }

  /** The commands matching what is typed so far (for the list shown under the bar). */
  suggestions(): BarCommand[] {
    const word = this.input.value.trimStart().split(/\s+/)[0] ?? "";
    const prefix = this.#cycle?.prefix ?? word;
    return this.#commands.filter((c) => c.name.startsWith(prefix));
  }

  /** Handles an editing key (anything but Tab/Enter/Esc); returns true when used. */
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
      const parsed = parseCommandLine(this.input.value, this.#commands);
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
