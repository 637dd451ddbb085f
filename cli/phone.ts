/**
 * The `ringo phone` command line — `start`, `list`, `profile
 * add|edit|clone|rename|remove|show`, `history [import]`, and the
 * one-shots `call`, `answer`, `message` — declared with Optique, and their
 * dispatch to phone/. Profile names complete from the profiles folder.
 *
 * @module
 */
import { object, or } from "@optique/core/constructs";
import { message } from "@optique/core/message";
import { map, multiple, optional, withDefault } from "@optique/core/modifiers";
import { argument, command, constant, flag, option } from "@optique/core/primitives";
import type { InferValue } from "@optique/core/parser";
import { choice, integer } from "@optique/core/valueparser";
import { parseDuration } from "../flow/duration.ts";
import { importHistory, showHistory } from "../phone/history_cli.ts";
import { answerCalls, placeCall, sendOneMessage } from "../phone/oneshot.ts";
import { PROFILE_FIELDS } from "../phone/profile.ts";
import { listProfiles, profileAction, type ProfileFlags } from "../phone/profile_cli.ts";
import { runSession } from "../phone/session_runner.ts";
import { profileName, textValue } from "./phone_values.ts";
import { phonePaths } from "../phone/paths.ts";
import { runPhoneTui } from "../tui/phone_tui.ts";
import { hasTerminal } from "../tui/term/terminal.ts";
import { VERSION } from "./version.ts";

const json = withDefault(flag("-j", "--json", { description: message`Print JSON.` }), false);
const text = (metavar: string) => textValue(metavar);
const opt = (flagName: `--${string}`, metavar: string, description: ReturnType<typeof message>) =>
  optional(option(flagName, text(metavar), { description }));

/** `ringo phone start`. */
const startCommand = command(
  "start",
  object({
    action: constant("start"),
    profile: argument(profileName(), { description: message`The profile to start.` }),
    headless: withDefault(
      flag("--headless", {
        description:
          message`No terminal interface and no sound devices: drive it with ringo control.`,
      }),
      false,
    ),
    noNotify: withDefault(
      flag("--no-notify", { description: message`No desktop notifications.` }),
      false,
    ),
  }),
  {
    description:
      message`Start a session of a profile: register, and answer ringo control on a Unix socket.`,
  },
);

/** `ringo phone` with no command: the profile picker. */
const pickerCommand = object({ action: constant("picker") });

/** `ringo phone list`. */
const listCommand = command(
  "list",
  object({
    action: constant("list"),
    plain: withDefault(flag("--plain", { description: message`One name per line.` }), false),
    format: opt(
      "--format",
      "TEMPLATE",
      message`One line per profile: {name}, {aor}, {username}, {domain}, {display_name}, {transport}, {auth_user}, {outbound}, {stun_server}, {media_enc}.`,
    ),
    json,
  }),
  { description: message`List the profiles (never their passwords).` },
);

const pairFlag = (name: `--${string}`, metavar: string, description: ReturnType<typeof message>) =>
  multiple(option(name, text(metavar), { description }));
const onOff = (name: string, what: ReturnType<typeof message>) => ({
  on: withDefault(flag(`--${name}` as `--${string}`, { description: what }), false),
  off: withDefault(
    flag(`--no-${name}` as `--${string}`, { description: message`The opposite.` }),
    false,
  ),
});

const profileFields = object({
  username: opt("--username", "USER", message`SIP user name.`),
  domain: opt("--domain", "HOST", message`SIP domain / registrar, host or host:port.`),
  passwordCmd: opt(
    "--password-cmd",
    "COMMAND",
    message`A command that prints the password (pass, op, secret-tool…).`,
  ),
  passwordFile: opt("--password-file", "FILE", message`A file that holds the password.`),
  passwordStdin: withDefault(
    flag("--password-stdin", {
      description: message`Read the password from standard input (never from argv).`,
    }),
    false,
  ),
  displayName: opt("--display-name", "NAME", message`Display name.`),
  authUser: opt("--auth-user", "USER", message`Authentication user, when it differs.`),
  transport: optional(
    option("--transport", choice(["udp", "tcp", "tls"]), { description: message`Transport.` }),
  ),
  outbound: opt("--outbound", "URI", message`Outbound proxy.`),
  stunServer: opt("--stun-server", "HOST", message`STUN server.`),
  mediaEnc: optional(
    option("--media-enc", choice(["srtp", "srtp-mand", "srtp-mandf", "dtls_srtp", "zrtp"]), {
      description: message`Media encryption.`,
    }),
  ),
  audioCodecs: multiple(
    option("--audio-codecs", text("CODECS"), {
      description: message`Codecs in order, comma-separated.`,
    }),
  ),
  regint: optional(
    option("--regint", integer({ min: 0 }), {
      description: message`Registration interval in seconds (0: do not register).`,
    }),
  ),
  dtmfMode: optional(
    option("--dtmf-mode", choice(["rtpevent", "info", "auto"]), {
      description: message`DTMF mode.`,
    }),
  ),
  notes: opt("--notes", "TEXT", message`A note shown in listings.`),
  headers: pairFlag(
    "--header",
    "NAME=VALUE",
    message`A custom INVITE header (repeat for more; \${uuid} per call).`,
  ),
  headerDisplay: pairFlag(
    "--header-display",
    "LABEL=TEMPLATE",
    message`Show a received header: \${Header-Name}.`,
  ),
  metadata: pairFlag("--meta", "KEY=VALUE", message`Free metadata.`),
  notify: object(onOff("notify", message`Desktop notifications (default on).`)),
  mwi: object(onOff("mwi", message`Message-waiting indication (default on).`)),
  autoHold: object(onOff("auto-hold", message`A new call holds the active one (default on).`)),
  catchall: object(
    onOff(
      "catchall",
      message`Answer calls to any user at this account (default on where baresip can).`,
    ),
  ),
  deflect: opt("--deflect", "TARGET", message`Deflect every incoming call to TARGET.`),
  noDeflect: withDefault(flag("--no-deflect", { description: message`Stop deflecting.` }), false),
});

const profileCommand = command(
  "profile",
  or(
    command(
      "add",
      object({
        action: constant("add"),
        name: argument(text("NAME"), {
          description: message`The new profile's name (spaces are fine, '/' is not).`,
        }),
        fields: profileFields,
        edit: withDefault(
          flag("--edit", { description: message`Open it in $EDITOR (also without field flags).` }),
          false,
        ),
      }),
      { description: message`Create a profile from flags, or in $EDITOR.` },
    ),
    command(
      "edit",
      object({
        action: constant("edit"),
        name: argument(profileName("NAME")),
        fields: profileFields,
        unset: multiple(
          option("--unset", choice(PROFILE_FIELDS as unknown as [string, ...string[]]), {
            description: message`Remove a field (repeatable).`,
          }),
        ),
      }),
      { description: message`Change a profile's fields, or edit it in $EDITOR (without flags).` },
    ),
    command(
      "clone",
      object({
        action: constant("clone"),
        from: argument(profileName("FROM")),
        to: argument(text("TO")),
      }),
      { description: message`Copy a profile.` },
    ),
    command(
      "rename",
      object({
        action: constant("rename"),
        from: argument(profileName("FROM")),
        to: argument(text("TO")),
      }),
      { description: message`Rename a profile (its history follows).` },
    ),
    command(
      "remove",
      object({
        action: constant("remove"),
        name: argument(profileName("NAME")),
      }),
      { description: message`Remove a profile.` },
    ),
    command(
      "show",
      object({
        action: constant("show"),
        name: argument(profileName("NAME")),
        json,
      }),
      { description: message`Show a profile (without its password).` },
    ),
  ),
  { description: message`Manage profiles from scripts.` },
);

const historyList = object({
  action: constant("history"),
  profile: optional(argument(profileName(), { description: message`One profile (default: all).` })),
  json,
  limit: optional(
    option("--limit", integer({ min: 1 }), { description: message`At most N entries.` }),
  ),
  messages: withDefault(
    flag("--messages", { description: message`The SIP messages instead of the calls.` }),
    false,
  ),
});

const historyCommand = command(
  "history",
  withDefault(
    or(
      command(
        "import",
        object({
          action: constant("history-import"),
          file: argument(text("FILE"), {
            description: message`The original ringo's call_history (JSON lines).`,
          }),
          profile: optional(option("--profile", profileName(), {
            description:
              message`The profile it belongs to (default: from profiles/<name>/call_history).`,
          })),
        }),
        { description: message`Import the original ringo's call history.` },
      ),
      historyList,
    ),
    {
      action: "history" as const,
      profile: undefined,
      json: false,
      limit: undefined,
      messages: false,
    },
  ),
  { description: message`Print or export the call history, newest first.` },
);

const identity = {
  profile: optional(
    option("--profile", profileName(), { description: message`Use this profile.` }),
  ),
  as: opt("--as", "SIP-URI", message`Use this account instead (sip:user@host).`),
  passwordEnv: opt(
    "--password-env",
    "VAR",
    message`With --as: the environment variable holding the password.`,
  ),
};
const media = {
  play: opt("--play", "FILE", message`Play this WAV file into the call.`),
  tone: optional(
    option("--tone", integer({ min: 10, max: 20000 }), {
      description: message`Play a tone of HZ.`,
    }),
  ),
  record: opt("--record", "OUT.wav", message`Save what the other side sent.`),
  hangupAfter: opt(
    "--hangup-after",
    "DURATION",
    message`Hang up after this long (default: when the file ends, or when the other side hangs up).`,
  ),
};

const callCommand = command(
  "call",
  object({
    action: constant("call"),
    target: argument(text("TARGET"), { description: message`Number, user@host or SIP URI.` }),
    ...identity,
    ...media,
    dtmf: opt("--dtmf", "DIGITS", message`Send these DTMF digits once answered.`),
    ringTimeout: opt(
      "--ring-timeout",
      "DURATION",
      message`Give up unanswered after this long (default 60s).`,
    ),
    json,
  }),
  {
    description:
      message`Place one call; exit 0 answered, 3 busy, 4 declined, 5 not found, 6 no answer, 7 registration failed, 8 other failure.`,
  },
);

const answerCommand = command(
  "answer",
  object({
    action: constant("answer"),
    ...identity,
    ...media,
    after: opt("--after", "DURATION", message`Answer after this long.`),
    count: withDefault(
      option("--count", integer({ min: 0 }), {
        description: message`Answer N calls (0: until Ctrl-C; default 1).`,
      }),
      1,
    ),
    json,
  }),
  { description: message`Wait for calls and answer them.` },
);

const messageCommand = command(
  "message",
  object({
    action: constant("message"),
    target: argument(text("TARGET"), { description: message`Number, user@host or SIP URI.` }),
    text: map(multiple(argument(text("TEXT")), { min: 1 }), (words) => words.join(" ")),
    ...identity,
    json,
  }),
  { description: message`Send one SIP MESSAGE; exit 0 when delivered.` },
);

/** The `ringo phone` command. */
export const phoneCommand = command(
  "phone",
  or(
    startCommand,
    listCommand,
    profileCommand,
    historyCommand,
    callCommand,
    answerCommand,
    messageCommand,
    pickerCommand,
  ),
  { description: message`Terminal SIP softphone: profiles, sessions, history, one-shot calls.` },
);

/** What {@link phoneCommand} parses to. */
export type PhoneCommand = InferValue<typeof phoneCommand>;

/**
 * Runs a parsed `ringo phone …`; resolves with the exit code.
 *
 * @example
 * ```ts
 * const code = await dispatchPhone({ action: "list", plain: true, format: undefined, json: false });
 * ```
 */
export async function dispatchPhone(parsed: PhoneCommand): Promise<number> {
  try {
    switch (parsed.action) {
      case "picker":
        if (!hasTerminal()) {
          console.error(
            "ringo phone: the profile picker needs a terminal; without one use ringo phone list, " +
              "ringo phone profile … and ringo phone start <name> --headless",
          );
          return 1;
        }
        return await runPhoneTui({ paths: phonePaths(), version: VERSION });
      case "start":
        if (!parsed.headless && hasTerminal()) {
          return await runPhoneTui({
            paths: phonePaths(),
            version: VERSION,
            profile: parsed.profile,
            notify: !parsed.noNotify,
          });
        }
        if (!parsed.headless) {
          console.error(
            "ringo: no terminal here, so the session runs without its screen (on the sound devices); " +
              "drive it with ringo control",
          );
        }
        return await runSession({
          profile: parsed.profile,
          headless: parsed.headless,
          notify: !parsed.noNotify,
        });
      case "list":
        return await listProfiles(parsed);
      case "add":
        return await profileAction({
          action: "add",
          name: parsed.name,
          flags: flagsOf(parsed.fields),
          edit: parsed.edit,
        });
      case "edit":
        return await profileAction({
          action: "edit",
          name: parsed.name,
          flags: flagsOf(parsed.fields),
          unset: parsed.unset,
        });
      case "clone":
      case "rename":
        return await profileAction({ action: parsed.action, from: parsed.from, to: parsed.to });
      case "remove":
        return await profileAction({ action: "remove", name: parsed.name });
      case "show":
        return await profileAction({ action: "show", name: parsed.name, json: parsed.json });
      case "history":
        return await showHistory(parsed);
      case "history-import":
        return await importHistory(parsed);
      case "call":
        return await placeCall({
          ...identityOf(parsed),
          ...mediaOf(parsed),
          target: parsed.target,
          dtmf: parsed.dtmf,
          ringTimeoutMs: duration(parsed.ringTimeout, "--ring-timeout"),
          json: parsed.json,
        });
      case "answer":
        return await answerCalls({
          ...identityOf(parsed),
          ...mediaOf(parsed),
          afterMs: duration(parsed.after, "--after"),
          count: parsed.count,
          json: parsed.json,
        });
      case "message":
        return await sendOneMessage({
          ...identityOf(parsed),
          target: parsed.target,
          text: parsed.text,
          json: parsed.json,
        });
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`ringo phone: ${error.message}`);
    return 2;
  }
}

class UsageError extends Error {}

function duration(value: string | undefined, flagName: string): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseDuration(value);
  } catch (error) {
    throw new UsageError(`${flagName}: ${(error as Error).message}`);
  }
}

function identityOf(parsed: { profile?: string; as?: string; passwordEnv?: string }) {
  return { profile: parsed.profile, as: parsed.as, passwordEnv: parsed.passwordEnv };
}

function mediaOf(parsed: { play?: string; tone?: number; record?: string; hangupAfter?: string }) {
  return {
    play: parsed.play,
    tone: parsed.tone,
    record: parsed.record,
    hangupAfterMs: duration(parsed.hangupAfter, "--hangup-after"),
  };
}

function flagsOf(fields: InferValue<typeof profileFields>): ProfileFlags {
  const pick = (pair: { on: boolean; off: boolean }, name: string): boolean | undefined => {
    if (pair.on && pair.off) {
      throw new UsageError(`--${name} and --no-${name} contradict each other`);
    }
    return pair.on ? true : pair.off ? false : undefined;
  };
  if (fields.deflect !== undefined && fields.noDeflect) {
    throw new UsageError("--deflect and --no-deflect contradict each other");
  }
  return {
    username: fields.username,
    domain: fields.domain,
    passwordCmd: fields.passwordCmd,
    passwordFile: fields.passwordFile,
    passwordStdin: fields.passwordStdin,
    displayName: fields.displayName,
    authUser: fields.authUser,
    transport: fields.transport,
    outbound: fields.outbound,
    stunServer: fields.stunServer,
    mediaEnc: fields.mediaEnc,
    audioCodecs: fields.audioCodecs,
    regint: fields.regint,
    dtmfMode: fields.dtmfMode,
    notes: fields.notes,
    headers: fields.headers,
    headerDisplay: fields.headerDisplay,
    metadata: fields.metadata,
    notify: pick(fields.notify, "notify"),
    mwi: pick(fields.mwi, "mwi"),
    autoHold: pick(fields.autoHold, "auto-hold"),
    catchall: pick(fields.catchall, "catchall"),
    deflect: fields.noDeflect ? false : fields.deflect,
  };
}
