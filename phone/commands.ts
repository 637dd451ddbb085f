/**
 * The one table of session commands: name, arguments, options,
 * description, the handler on the session, and the words that complete
 * each argument. The control socket dispatches through it, `ringo control`
 * builds its command line (help and shell completions) from it, and the
 * TUI's keys and `:` bar use it too — so a command exists once.
 *
 * A command is given as words (`["dial", "4711"]`, or a `:` bar line split
 * by {@link splitCommandLine}); {@link parseCommand} checks them against
 * the table and {@link runCommand} runs the handler.
 *
 * @module
 */
import { parseDuration } from "../flow/duration.ts";
import { ControlError } from "./errors.ts";
import { type PhoneSession, WAIT_CONDITIONS, type WaitCondition } from "./session.ts";
import { formatStatus } from "./session_view.ts";
import type { SessionEvent } from "./session_events.ts";

/** One positional argument of a command. */
export interface ArgumentSpec {
  name: string;
  description: string;
  /** Takes the rest of the words, joined by spaces (`message <to> <text…>`). */
  rest?: boolean;
  /** May be left out. */
  optional?: boolean;
  /** The words it completes to; when `exclusive`, the only words it takes. */
  words?: readonly string[];
  exclusive?: boolean;
}

/** One option of a command (`--timeout 30s`). */
export interface OptionSpec {
  name: string;
  flag: `--${string}`;
  metavar: string;
  description: string;
}

/** What a handler gets besides the session. */
export interface CommandContext {
  /** Positional arguments by name. */
  args: Record<string, string | undefined>;
  /** Options by name. */
  options: Record<string, string | undefined>;
  /** Aborted when the asker goes away (a closed socket, Esc in the TUI). */
  signal: AbortSignal;
  /** For streaming commands (`events`): sends one event to the asker. */
  emit(event: SessionEvent): void;
}

/** What a command answers: a line for people, and data for `--json`. */
export interface CommandResult {
  text: string;
  data?: unknown;
}

/** One session command. */
export interface SessionCommand {
  name: string;
  description: string;
  args: readonly ArgumentSpec[];
  options?: readonly OptionSpec[];
  /** Streams events until the asker stops it (`events`). */
  streams?: boolean;
  run(session: PhoneSession, context: CommandContext): Promise<CommandResult>;
}

/** A command checked against the table. */
export interface ParsedCommand {
  command: SessionCommand;
  args: Record<string, string | undefined>;
  options: Record<string, string | undefined>;
}

/** The default `wait` timeout. */
export const DEFAULT_WAIT_TIMEOUT = "30s";

const target = (description: string): ArgumentSpec => ({ name: "target", description });

/** Every command of a session, in the order help lists them. */
export const SESSION_COMMANDS: readonly SessionCommand[] = [
  {
    name: "dial",
    description: "Call a number, user@host or SIP URI (auto_hold holds the active call).",
    args: [target("the number, user@host or SIP URI to call")],
    async run(session, { args }) {
      const uri = await session.dial(args.target!);
      return { text: `dialing ${uri}`, data: { uri } };
    },
  },
  {
    name: "accept",
    description: "Answer the ringing incoming call.",
    args: [],
    async run(session) {
      const call = await session.accept();
      return { text: `accepted call ${call.index} from ${call.peer}`, data: { call } };
    },
  },
  {
    name: "hangup",
    description: "End the active call (a ringing incoming call is rejected).",
    args: [],
    async run(session) {
      const call = await session.hangup();
      return { text: `hung up call ${call.index} with ${call.peer}`, data: { call } };
    },
  },
  {
    name: "hold",
    description: "Put the active call on hold.",
    args: [],
    async run(session) {
      const call = await session.hold();
      return { text: `holding call ${call.index} with ${call.peer}`, data: { call } };
    },
  },
  {
    name: "resume",
    description: "Resume the held call.",
    args: [],
    async run(session) {
      const call = await session.resume();
      return { text: `resumed call ${call.index} with ${call.peer}`, data: { call } };
    },
  },
  {
    name: "mute",
    description: "Mute or unmute the microphone in the active call.",
    args: [],
    async run(session) {
      const muted = await session.mute();
      return { text: muted ? "muted" : "unmuted", data: { muted } };
    },
  },
  {
    name: "dtmf",
    description: "Send DTMF digits (0-9 * # A-D) into the active call.",
    args: [{ name: "digits", description: "the digits, e.g. 123#" }],
    async run(session, { args }) {
      await session.dtmf(args.digits!);
      return { text: `sent DTMF ${args.digits}`, data: { digits: args.digits } };
    },
  },
  {
    name: "transfer",
    description: "Blind transfer of the active call (REFER).",
    args: [target("where to transfer the call")],
    async run(session, { args }) {
      const uri = await session.transfer(args.target!);
      return { text: `transferring to ${uri}`, data: { uri } };
    },
  },
  {
    name: "atransfer",
    description:
      "Attended transfer: call the target first; then 'atransfer complete' or 'atransfer abort'.",
    args: [{
      name: "target",
      description: "where to transfer, or complete / abort",
      words: ["complete", "abort"],
    }],
    async run(session, { args }) {
      if (args.target === "complete") {
        await session.completeTransfer();
        return { text: "attended transfer completed", data: { step: "complete" } };
      }
      if (args.target === "abort") {
        await session.abortTransfer();
        return { text: "attended transfer aborted", data: { step: "abort" } };
      }
      const uri = await session.attendedTransfer(args.target!);
      return { text: `attended transfer: calling ${uri}`, data: { step: "start", uri } };
    },
  },
  {
    name: "message",
    description: "Send a SIP MESSAGE (an instant message).",
    args: [target("who to send it to"), { name: "text", description: "the text", rest: true }],
    async run(session, { args }) {
      const sent = await session.message(args.target!, args.text!);
      const answer = sent.status_code === undefined
        ? ""
        : ` (${sent.status_code}${sent.reason ? ` ${sent.reason}` : ""})`;
      if (sent.status_code !== undefined && sent.status_code >= 300) {
        throw new ControlError(`the MESSAGE to ${sent.to} was refused${answer}`);
      }
      return { text: `sent to ${sent.to}${answer}`, data: sent };
    },
  },
  {
    name: "status",
    description: "Registration, calls, the last call, voicemail and messages.",
    args: [],
    run(session) {
      const status = session.status();
      return Promise.resolve({ text: formatStatus(status), data: status });
    },
  },
  {
    name: "calls",
    description: "The current calls.",
    args: [],
    run(session) {
      const calls = session.calls;
      const text = calls.length === 0
        ? "no calls"
        : calls.map((c) =>
          `[${c.index}] ${c.direction} ${c.contact ?? c.peer} ${c.state}${c.held ? " (held)" : ""}`
        )
          .join("\n");
      return Promise.resolve({ text, data: calls });
    },
  },
  {
    name: "wait",
    description:
      "Wait until the session is registered, a call rings, one is established, or all are over.",
    args: [{
      name: "condition",
      description: WAIT_CONDITIONS.join(", "),
      words: WAIT_CONDITIONS,
      exclusive: true,
    }],
    options: [{
      name: "timeout",
      flag: "--timeout",
      metavar: "DURATION",
      description: `give up after this long (default ${DEFAULT_WAIT_TIMEOUT})`,
    }],
    async run(session, { args, options, signal }) {
      const timeoutMs = parseDuration(options.timeout ?? DEFAULT_WAIT_TIMEOUT);
      const status = await session.waitFor(args.condition as WaitCondition, { timeoutMs, signal });
      return { text: args.condition!, data: status };
    },
  },
  {
    name: "events",
    description: "Stream the session's events as JSON lines until interrupted.",
    args: [],
    streams: true,
    run(session, { signal, emit }) {
      let count = 0;
      return new Promise((resolve) => {
        const onEvent: EventListener = (e) => {
          count++;
          emit((e as CustomEvent<SessionEvent>).detail);
          if ((e as CustomEvent<SessionEvent>).detail.type === "shutdown") finish();
        };
        const finish = () => {
          session.removeEventListener("event", onEvent);
          resolve({ text: `${count} events`, data: { events: count } });
        };
        session.addEventListener("event", onEvent);
        if (signal.aborted) finish();
        else signal.addEventListener("abort", finish, { once: true });
      });
    },
  },
  {
    name: "shutdown",
    description: "Stop the session: hang up, de-register, end baresip.",
    args: [],
    run(session) {
      // Answered first; the stop follows, so the asker hears back.
      setTimeout(() => void session.stop("control shutdown"), 0);
      return Promise.resolve({ text: "shutting down", data: { stopping: true } });
    },
  },
];

/**
 * The command `name` of the table, or undefined.
 *
 * @example
 * ```ts
 * findCommand("dial")?.description; // "Call a number, …"
 * ```
 */
export function findCommand(
  name: string,
  table: readonly SessionCommand[] = SESSION_COMMANDS,
): SessionCommand | undefined {
  return table.find((c) => c.name === name);
}

/**
 * Checks words against the table: the command, its arguments and options.
 *
 * @throws {ControlError} an unknown command, a missing or extra argument,
 * a word an argument does not take, or an unknown option — with the usage.
 * @example
 * ```ts
 * parseCommand(["wait", "established", "--timeout", "10s"]).options.timeout; // "10s"
 * parseCommand(["dial"]); // throws: dial needs <target> (usage: dial <target>)
 * ```
 */
export function parseCommand(
  words: readonly string[],
  table: readonly SessionCommand[] = SESSION_COMMANDS,
): ParsedCommand {
  const [name, ...rest] = words;
  if (name === undefined || name === "") {
    throw new ControlError(
      `no command given: expected one of ${table.map((c) => c.name).join(", ")}`,
    );
  }
  const command = findCommand(name, table);
  if (!command) {
    throw new ControlError(
      `unknown command "${name}": expected one of ${table.map((c) => c.name).join(", ")}`,
    );
  }
  const options: Record<string, string | undefined> = {};
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i];
    const [flag, inline] = word.startsWith("--") ? splitFlag(word) : [undefined, undefined];
    const option = flag ? command.options?.find((o) => o.flag === flag) : undefined;
    if (flag && !option && !command.args.some((a) => a.rest)) {
      throw new ControlError(`${name} has no option ${flag} (usage: ${usage(command)})`);
    }
    if (option) {
      const value = inline ?? rest[++i];
      if (value === undefined) {
        throw new ControlError(`${flag} needs a value (usage: ${usage(command)})`);
      }
      options[option.name] = value;
      continue;
    }
    positional.push(word);
  }
  const args: Record<string, string | undefined> = {};
  for (const [index, spec] of command.args.entries()) {
    const value = spec.rest ? positional.slice(index).join(" ") || undefined : positional[index];
    if (value === undefined && !spec.optional) {
      throw new ControlError(`${name} needs <${spec.name}> (usage: ${usage(command)})`);
    }
    if (value !== undefined && spec.exclusive && !spec.words?.includes(value)) {
      throw new ControlError(`${name}: expected ${spec.words?.join(", ")}, got "${value}"`);
    }
    args[spec.name] = value;
  }
  const takes = command.args.some((a) => a.rest) ? Infinity : command.args.length;
  if (positional.length > takes) {
    throw new ControlError(
      `${name} takes ${
        takes === 0 ? "no arguments" : `${takes} argument${takes > 1 ? "s" : ""}`
      }, got ${positional.length} (usage: ${usage(command)})`,
    );
  }
  return { command, args, options };
}

/**
 * Runs a parsed command on `session`.
 *
 * @example
 * ```ts
 * const result = await runCommand(session, parseCommand(["status"]));
 * console.log(result.text);
 * ```
 */
export function runCommand(
  session: PhoneSession,
  parsed: ParsedCommand,
  context: { signal?: AbortSignal; emit?(event: SessionEvent): void } = {},
): Promise<CommandResult> {
  return parsed.command.run(session, {
    args: parsed.args,
    options: parsed.options,
    signal: context.signal ?? new AbortController().signal,
    emit: context.emit ?? (() => {}),
  });
}

/** The usage line of a command: `wait <condition> [--timeout DURATION]`. */
export function usage(command: SessionCommand): string {
  const args = command.args.map((a) => {
    const shown = a.rest ? `<${a.name}…>` : `<${a.name}>`;
    return a.optional ? `[${shown}]` : shown;
  });
  const options = (command.options ?? []).map((o) => `[${o.flag} ${o.metavar}]`);
  return [command.name, ...args, ...options].join(" ");
}

/**
 * The words that complete the word being typed (`partial`) after `words`:
 * command names first, then an argument's words.
 *
 * @example
 * ```ts
 * completeCommand([], "d"); // ["dial", "dtmf"]
 * completeCommand(["wait"], ""); // ["registered", "ringing", "established", "idle"]
 * ```
 */
export function completeCommand(
  words: readonly string[],
  partial: string,
  table: readonly SessionCommand[] = SESSION_COMMANDS,
): string[] {
  if (words.length === 0) return table.map((c) => c.name).filter((n) => n.startsWith(partial));
  const command = findCommand(words[0], table);
  if (!command) return [];
  if (partial.startsWith("--")) {
    return (command.options ?? []).map((o) => o.flag).filter((f) => f.startsWith(partial));
  }
  const position = words.slice(1).filter((w) => !w.startsWith("--")).length;
  const spec = command.args[Math.min(position, command.args.length - 1)];
  if (!spec || (position >= command.args.length && !spec.rest)) return [];
  return (spec.words ?? []).filter((w) => w.startsWith(partial));
}

/**
 * Splits a `:` bar line into words: spaces separate, quotes group
 * (`message bob "see you"` → `["message", "bob", "see you"]`).
 *
 * @throws {ControlError} an unclosed quote.
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let quote: string | undefined;
  let started = false;
  for (const char of line) {
    if (quote) {
      if (char === quote) quote = undefined;
      else word += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      started = true;
    } else if (/\s/.test(char)) {
      if (started) words.push(word);
      word = "";
      started = false;
    } else {
      word += char;
      started = true;
    }
  }
  if (quote) throw new ControlError(`unclosed ${quote} in: ${line}`);
  if (started) words.push(word);
  return words;
}

function splitFlag(word: string): [string, string | undefined] {
  const eq = word.indexOf("=");
  return eq < 0 ? [word, undefined] : [word.slice(0, eq), word.slice(eq + 1)];
}
