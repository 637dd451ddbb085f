/**
 * The command table the TUI runs: the phone's session commands
 * (`phone/commands.ts`, the same table the control socket dispatches) with
 * the TUI's own commands added in the same shape — overlays, the profile
 * editor, switching profiles, help, quit. Keys (through the key table) and
 * the `:` bar both run commands of this one table, through the phone's
 * `parseCommand` and `runCommand`.
 *
 * Three session commands get an optional target here: `dial`, `transfer`
 * and `atransfer` without one open the dial or transfer line (what `d`,
 * `t` and `T` do); with one they are exactly the session's commands. And
 * `events`, which streams on a socket, opens the event log instead.
 *
 * @module
 */
import {
  type CommandResult,
  findCommand,
  SESSION_COMMANDS,
  type SessionCommand,
} from "../phone/commands.ts";
import type { LineKind } from "./views/dial_line.ts";

/** The overlays a command can open. */
export type OverlayKind = "contacts" | "history" | "events" | "log" | "info" | "help";

/** What the TUI's own commands do, provided by the running TUI. */
export interface TuiCommandHost {
  /** Opens the dial or transfer line. */
  openLine(kind: LineKind): Promise<void>;
  /** Opens an overlay. */
  openOverlay(kind: OverlayKind): void;
  /** Opens the profile form for the running profile (refused during calls). */
  editProfile(): Promise<void>;
  /** Stops the session and goes back to the picker. */
  switchProfile(): Promise<void>;
  /** Quits; `now` skips the confirmation when calls are up. */
  quit(now: boolean): Promise<void>;
}

const done = (text: string): CommandResult => ({ text });

/**
 * The TUI's command table for one running TUI.
 *
 * @example
 * ```ts
 * const table = tuiCommands(host);
 * await runCommand(session, parseCommand(["hold"], table));
 * ```
 */
export function tuiCommands(host: TuiCommandHost): SessionCommand[] {
  const lineOr = (name: "dial" | "transfer" | "atransfer", kind: LineKind): SessionCommand => {
    const session = findCommand(name)!;
    return {
      ...session,
      args: session.args.map((a) => ({ ...a, optional: true })),
      async run(s, context) {
        if (context.args.target === undefined) {
          await host.openLine(kind);
          return done("");
        }
        return await session.run(s, context);
      },
    };
  };
  const overlay = (name: string, kind: OverlayKind, description: string): SessionCommand => ({
    name,
    description,
    args: [],
    run() {
      host.openOverlay(kind);
      return Promise.resolve(done(""));
    },
  });
  const lines: Record<string, LineKind> = {
    dial: "dial",
    transfer: "transfer",
    atransfer: "atransfer",
  };
  return [
    ...SESSION_COMMANDS.filter((c) => c.name !== "events").map((c) =>
      c.name in lines ? lineOr(c.name as LineKind, lines[c.name]) : c
    ),
    overlay("contacts", "contacts", "Open the contacts."),
    overlay("history", "history", "Open the call history."),
    overlay("events", "events", "Open the event log."),
    overlay("log", "log", "Open the baresip log."),
    overlay("info", "info", "Details of the selected call (headers shown by header_display)."),
    overlay("help", "help", "Show the keys."),
    {
      name: "edit",
      description: "Edit this profile (when no call is up).",
      args: [],
      async run() {
        await host.editProfile();
        return done("");
      },
    },
    {
      name: "switch",
      description: "Stop this profile and go back to the picker.",
      args: [],
      async run() {
        await host.switchProfile();
        return done("");
      },
    },
    {
      name: "quit",
      description: "Quit ringo (asks first when calls are up; 'quit now' does not).",
      args: [{
        name: "now",
        description: "quit without asking",
        optional: true,
        words: ["now"],
        exclusive: true,
      }],
      async run(_session, { args }) {
        await host.quit(args.now === "now");
        return done("");
      },
    },
  ];
}
