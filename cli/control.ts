/**
 * The `ringo control` command line (alias `ctl`): `list`, and
 * `-t <name|pid> <command> [args]`, its commands generated from the
 * session's command table (phone/commands.ts) so that help and shell
 * completions list exactly what a session does. Dispatched to
 * phone/control_cli.ts.
 *
 * @module
 */
import { object, or } from "@optique/core/constructs";
import { message, text } from "@optique/core/message";
import { map, multiple, optional, withDefault } from "@optique/core/modifiers";
import { argument, command, constant, flag, option } from "@optique/core/primitives";
import type { InferValue, Parser } from "@optique/core/parser";
import {
  type ArgumentSpec,
  SESSION_COMMANDS,
  type SessionCommand,
  usage,
} from "../phone/commands.ts";
import { controlList, controlSend } from "../phone/control_cli.ts";
import { sessionTarget, textValue } from "./phone_values.ts";

const json = withDefault(
  flag("-j", "--json", { description: message`Answer as JSON: {"ok", "data", "error"}.` }),
  false,
);

/** One session command as words for the wire. */
type CommandWords = { name: string; words: string[] };

const sessionCommands = SESSION_COMMANDS.map(sessionCommandParser);

/** `ringo control list`. */
export const controlListCommand = command(
  "list",
  object({ action: constant("list"), json }),
  {
    description: message`The running sessions: PID, profile, account (stale entries are removed).`,
  },
);

const controlSendParser = object({
  action: constant("send"),
  target: option("-t", "--target", sessionTarget(), {
    description:
      message`The session: a profile name, or a PID when the name is awkward or runs twice.`,
  }),
  json,
  sent: or(...(sessionCommands as unknown as [Parser<"sync", CommandWords, unknown>])),
});

/** The `ringo control` command (alias `ctl`). */
export const controlCommand = command(
  "control",
  or(controlListCommand, controlSendParser),
  {
    description: message`Drive a running phone session over its Unix socket.`,
    aliases: ["ctl"],
    footer:
      message`Example: ringo control -t work dial 4711 && ringo control -t work wait established`,
  },
);

/** What {@link controlCommand} parses to. */
export type ControlCommand = InferValue<typeof controlCommand>;

/**
 * Runs a parsed `ringo control …`; resolves with the exit code.
 *
 * @example
 * ```ts
 * const code = await dispatchControl({ action: "list", json: true });
 * ```
 */
export function dispatchControl(parsed: ControlCommand): Promise<number> {
  if (parsed.action === "list") return controlList({ json: parsed.json });
  return controlSend({
    target: parsed.target,
    command: parsed.sent.name,
    args: parsed.sent.words,
    json: parsed.json,
  });
}

function sessionCommandParser(spec: SessionCommand): Parser<"sync", CommandWords, unknown> {
  const fields: Record<string, Parser<"sync", unknown, unknown>> = { name: constant(spec.name) };
  for (const [index, arg] of spec.args.entries()) fields[`arg${index}`] = argumentParser(arg);
  for (const opt of spec.options ?? []) {
    fields[`opt_${opt.name}`] = optional(option(opt.flag, textValue(opt.metavar), {
      description: [text(opt.description)],
    }));
  }
  const parsed = object(fields) as unknown as Parser<"sync", Record<string, unknown>, unknown>;
  return command(
    spec.name,
    map(parsed, (value): CommandWords => {
      const words: string[] = [];
      for (const index of spec.args.keys()) {
        const v = value[`arg${index}`];
        if (Array.isArray(v)) words.push(...v);
        else if (typeof v === "string") words.push(v);
      }
      for (const opt of spec.options ?? []) {
        const v = value[`opt_${opt.name}`];
        if (typeof v === "string") words.push(opt.flag, v);
      }
      return { name: spec.name, words };
    }),
    {
      description: [text(spec.description)],
      footer: [text(`As words (the TUI's : bar takes the same): ${usage(spec)}`)],
    },
  ) as unknown as Parser<"sync", CommandWords, unknown>;
}

function argumentParser(spec: ArgumentSpec): Parser<"sync", unknown, unknown> {
  const words = spec.words ?? [];
  const value = textValue(spec.name.toUpperCase(), function* (prefix) {
    for (const word of words) {
      if (word.startsWith(prefix)) yield { kind: "literal" as const, text: word };
    }
  });
  const description = [text(spec.description)];
  if (spec.rest) return multiple(argument(value, { description }), { min: 1 });
  const single = argument(value, { description });
  return spec.optional ? optional(single) : single;
}
