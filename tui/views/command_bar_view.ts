/**
 * The `:` command bar drawn over the bottom of the call screen: the input,
 * the matching commands (or the completion candidates) above it with their
 * descriptions, and the error of the last attempt in the bar itself.
 *
 * @module
 */
import type { View, ViewContext } from "../app.ts";
import { CommandBar } from "../command_bar.ts";
import { bindingFor, hintsFor } from "../keymap.ts";
import type { Key } from "../term/keys.ts";
import type { Rect, ScreenBuffer } from "../term/screen.ts";
import { padText, truncateText } from "../term/width.ts";
import { drawHints } from "../widgets/hint_bar.ts";
import type { ParsedCommand, SessionCommand } from "../../phone/commands.ts";
import { findCommand, usage } from "../../phone/commands.ts";

/**
 * The bar as an overlay. `run` gets each parsed command; its error stays in the bar.
 *
 * @example
 * ```ts
 * app.push(new CommandBarView(table, (parsed) => runCommand(session, parsed)));
 * ```
 */
export class CommandBarView implements View {
  readonly bar: CommandBar;
  #run: (parsed: ParsedCommand) => Promise<unknown>;

  constructor(table: readonly SessionCommand[], run: (parsed: ParsedCommand) => Promise<unknown>) {
    this.bar = new CommandBar(table);
    this.#run = run;
  }

  draw(screen: ScreenBuffer, area: Rect, { styles }: ViewContext): void {
    const x = area.x + 1;
    const width = area.width - 2;
    const barY = area.y + area.height - 2;
    const suggestions = this.bar.suggestions().slice(0, Math.max(0, Math.min(8, area.height - 6)));
    const table = this.bar.commands;
    suggestions.forEach((word, i) => {
      const y = barY - suggestions.length + i;
      const command = findCommand(word, table);
      screen.fill({ x, y, width, height: 1 });
      screen.write(x + 2, y, padText(command ? usage(command) : word, 34), styles.accent);
      if (command) {
        screen.write(x + 37, y, truncateText(command.description, width - 37), styles.subtle);
      }
    });
    screen.fill({ x: area.x, y: barY, width: area.width, height: 2 });
    const start = screen.write(x, barY, ":", { ...styles.accent, bold: true });
    this.bar.input.draw(screen, start, barY, width - 1, styles.text, true);
    if (this.bar.error) {
      screen.write(x, barY + 1, truncateText(this.bar.error, width), styles.danger);
    } else {
      drawHints(screen, x, barY + 1, width, hintsFor("command"), {
        key: styles.key,
        label: styles.subtle,
      });
    }
  }

  async handleKey(key: Key, { app }: ViewContext): Promise<boolean> {
    switch (bindingFor("command", key)?.command) {
      case "complete":
        this.bar.complete(key.shift ? -1 : 1);
        return true;
      case "close":
        app.pop(this);
        return true;
      case "run": {
        const parsed = this.bar.parse();
        if (!parsed) return true;
        app.pop(this);
        await this.#run(parsed);
        return true;
      }
    }
    this.bar.handleKey(key);
    return true;
  }
}
