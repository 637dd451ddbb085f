/**
 * One-shot calls, on ringo's engine, for scripts (what rtclite's `caller`
 * offers): `ringo phone call` places one call, plays a file or a tone,
 * sends DTMF, records what it hears, hangs up and exits with a code per
 * outcome; `ringo phone answer` waits for calls and answers them;
 * `ringo phone message` sends one SIP MESSAGE. Each runs a throwaway
 * headless session of a profile (`--profile`) or of an account given on
 * the command line (`--as sip:user@host`, its password from the variable
 * `--password-env` names — never from argv).
 *
 * @module
 */
import { delay } from "../core/delay.ts";
import { onShutdownSignal } from "../core/shutdown.ts";
import { parseWavHeader } from "../core/audio/wav.ts";
import type { AudioSpec } from "../core/audio/source.ts";
import { loadContacts } from "./contacts.ts";
import { ProfileError, RegistrationError } from "./errors.ts";
import { defaultGlobalConfig, loadGlobalConfig } from "./global_config.ts";
import { HistoryStore } from "./history.ts";
import { consoleOutput, type Output, reportFailure } from "./output.ts";
import { ensurePrivateDir, phonePaths } from "./paths.ts";
import type { Profile } from "./profile.ts";
import { ProfileStore } from "./profile_store.ts";
import { type LastCallView, PhoneSession } from "./session.ts";
import { SessionLog } from "./session_log.ts";

/** Exit codes of `ringo phone call` (and `message`), one per outcome. */
export const CALL_EXIT_CODES = {
  answered: 0,
  /** ringo could not do what was asked (bad profile, no baresip, bad file…). */
  error: 1,
  /** 486 Busy Here, 600 Busy Everywhere. */
  busy: 3,
  /** 603 Decline, 403 Forbidden. */
  declined: 4,
  /** 404 Not Found, 484 Address Incomplete, 604 Does Not Exist Anywhere. */
  not_found: 5,
  /** No answer within the ring timeout, 408, 480 Temporarily Unavailable, 487. */
  no_answer: 6,
  /** The registrar refused the account or did not answer. */
  registration_failed: 7,
  /** Any other failure answer (4xx, 5xx, 6xx). */
  failed: 8,
} as const;

/** Who places or answers the calls. */
export interface Identity {
  /** A profile's name. */
  profile?: string;
  /** An account instead: `sip:user@host[:port]`. */
  as?: string;
  /** With `as`: the variable holding the password. */
  passwordEnv?: string;
  env?: Record<string, string | undefined>;
}

/** Options of {@link placeCall}. */
export interface CallOptions extends Identity {
  target: string;
  play?: string;
  tone?: number;
  dtmf?: string;
  hangupAfterMs?: number;
  /** Give up when nobody answers within this long; default 60 s. */
  ringTimeoutMs?: number;
  record?: string;
  json?: boolean;
}

/** Options of {@link answerCalls}. */
export interface AnswerOptions extends Identity {
  afterMs?: number;
  play?: string;
  tone?: number;
  record?: string;
  /** How many calls to answer; 0 for no limit (until Ctrl-C). Default 1. */
  count?: number;
  hangupAfterMs?: number;
  json?: boolean;
}

const DEFAULT_RING_TIMEOUT_MS = 60_000;
/** Pause between answer and the first DTMF digit, so that media flows. */
const DTMF_SETTLE_MS = 500;

/**
 * `ringo phone call <target> …`: places one call; resolves with the exit code.
 *
 * @example
 * ```ts
 * const code = await placeCall({ profile: "work", target: "4711", play: "prompt.wav", record: "heard.wav" });
 * ```
 */
export function placeCall(
  options: CallOptions,
  output: Output = consoleOutput,
): Promise<number> {
  return withOneShot(options, audioSpec(options), output, async (run) => {
    const { session } = run;
    const playMs = options.play && options.hangupAfterMs === undefined
      ? await wavMs(options.play)
      : undefined;
    await session.dial(options.target);
    const answered = await waitAnswered(
      session,
      options.ringTimeoutMs ?? DEFAULT_RING_TIMEOUT_MS,
      run.interrupted,
    );
    if (answered) {
      if (options.dtmf) {
        await delay(DTMF_SETTLE_MS, run.interrupted);
        if (session.calls.length > 0) await session.dtmf(options.dtmf);
      }
      const limit = options.hangupAfterMs ?? (playMs !== undefined ? playMs + 300 : undefined);
      await waitCallOver(session, limit, run.interrupted);
    }
    const recording = options.record ? await run.saveRecording(options.record) : undefined;
    const last = session.lastCall;
    const code = exitCodeOf(last);
    report(output, options.json, describeCall(last, options, recording), {
      outcome: last?.outcome ?? "failed",
      exit_code: code,
      ...(last ?? {}),
      ...(options.dtmf && last?.answered ? { dtmf_sent: options.dtmf } : {}),
      ...(recording ? { recording } : {}),
    });
    return code;
  });
}

/**
 * `ringo phone answer …`: answers `count` calls (default 1), each after
 * `afterMs`; resolves with the exit code (0, or 130 when interrupted).
 */
export function answerCalls(
  options: AnswerOptions,
  output: Output = consoleOutput,
): Promise<number> {
  return withOneShot(options, audioSpec(options), output, async (run) => {
    const { session } = run;
    const count = options.count ?? 1;
    output.err(
      `ringo: waiting for calls to ${session.aor}${count ? ` (${count})` : ""}; Ctrl-C ends`,
    );
    for (let n = 1; count === 0 || n <= count; n++) {
      const rang = await session.waitFor("ringing", {
        timeoutMs: 2 ** 31 - 1,
        signal: run.interrupted,
      })
        .then(() => true, () => false);
      if (!rang) break;
      if (options.afterMs) await delay(options.afterMs, run.interrupted);
      if (run.interrupted.aborted) break;
      const call = await session.accept().catch(() => undefined);
      if (call) {
        await session.waitFor("established", { timeoutMs: 10_000, signal: run.interrupted }).catch(
          () => {},
        );
        await waitCallOver(session, options.hangupAfterMs, run.interrupted);
      } else {
        await session.waitFor("idle", { timeoutMs: 10_000 }).catch(() => {});
      }
      const path = options.record ? numbered(options.record, n, count) : undefined;
      const recording = path && session.lastCall?.answered
        ? await run.saveRecording(path)
        : undefined;
      const last = session.lastCall;
      report(output, options.json, describeCall(last, {}, recording), {
        ...(last ?? {}),
        ...(recording ? { recording } : {}),
      });
      if (run.interrupted.aborted) break;
    }
    return run.interrupted.aborted ? 130 : 0;
  });
}

/**
 * `ringo phone message <target> <text>`: sends one SIP MESSAGE; exit code
 * 0 when delivered, else as {@link CALL_EXIT_CODES} tells the answer.
 */
export function sendOneMessage(
  options: Identity & { target: string; text: string; json?: boolean },
  output: Output = consoleOutput,
): Promise<number> {
  return withOneShot(options, undefined, output, async (run) => {
    const sent = await run.session.message(options.target, options.text);
    const code = sent.status_code === undefined
      ? CALL_EXIT_CODES.no_answer
      : sent.status_code < 300
      ? 0
      : exitCodeForStatus(sent.status_code);
    const answer = sent.status_code === undefined
      ? "no final answer"
      : `${sent.status_code} ${sent.reason ?? ""}`.trim();
    report(
      output,
      options.json,
      `${code === 0 ? "delivered to" : "not delivered to"} ${sent.to} (${answer})`,
      {
        ...sent,
        delivered: code === 0,
        exit_code: code,
      },
    );
    return code;
  });
}

/**
 * The exit code of a call's outcome.
 *
 * @example
 * ```ts
 * exitCodeOf({ outcome: "busy", status_code: 486 } as LastCallView); // 3
 * ```
 */
export function exitCodeOf(
  last: Pick<LastCallView, "outcome" | "status_code"> | undefined,
): number {
  if (!last) return CALL_EXIT_CODES.failed;
  switch (last.outcome) {
    case "answered":
    case "deflected":
      return CALL_EXIT_CODES.answered;
    case "busy":
      return CALL_EXIT_CODES.busy;
    case "rejected":
      return CALL_EXIT_CODES.declined;
    case "no_answer":
    case "missed":
      return CALL_EXIT_CODES.no_answer;
    default:
      return last.status_code ? exitCodeForStatus(last.status_code) : CALL_EXIT_CODES.failed;
  }
}

/** The exit code a SIP failure status stands for. */
export function exitCodeForStatus(code: number): number {
  if (code === 486 || code === 600) return CALL_EXIT_CODES.busy;
  if (code === 603 || code === 403) return CALL_EXIT_CODES.declined;
  if (code === 404 || code === 484 || code === 604) return CALL_EXIT_CODES.not_found;
  if (code === 408 || code === 480 || code === 487) return CALL_EXIT_CODES.no_answer;
  return CALL_EXIT_CODES.failed;
}

/**
 * An account given as `sip:user@host[:port]` (or `user@host`), as a
 * throwaway profile that registers when it has a password.
 *
 * @throws {ProfileError} not a SIP address.
 */
export function profileFromUri(uri: string, hasPassword: boolean): Profile {
  const match = /^(?:sips?:)?([^@\s;<>"]+)@([^\s;<>"@]+)$/.exec(uri.trim());
  if (!match) {
    throw new ProfileError(
      `--as ${JSON.stringify(uri)}: expected an account like sip:alice@pbx.example.com`,
    );
  }
  return {
    name: `${match[1]}@${match[2]}`,
    dir: Deno.cwd(),
    file: "(--as)",
    settings: {
      username: match[1],
      domain: match[2],
      regint: hasPassword ? 3600 : 0,
      notify: false,
    },
  };
}

/** A throwaway session and what it owns. */
class OneShot {
  readonly session: PhoneSession;
  readonly interrupted: AbortSignal;
  readonly #abort: AbortController;
  readonly #history?: HistoryStore;
  readonly #log: SessionLog;
  readonly #recordDir: string;

  private constructor(init: {
    session: PhoneSession;
    abort: AbortController;
    history?: HistoryStore;
    log: SessionLog;
    recordDir: string;
  }) {
    this.session = init.session;
    this.#abort = init.abort;
    this.interrupted = init.abort.signal;
    this.#history = init.history;
    this.#log = init.log;
    this.#recordDir = init.recordDir;
  }

  /** Starts the session of `identity`, sending `audio` in its calls when given. */
  static async start(identity: Identity, audio?: AudioSpec): Promise<OneShot> {
    const env = identity.env ?? Deno.env.toObject();
    const paths = phonePaths(env);
    const { profile, password, hidden } = await resolveIdentity(identity, paths, env);
    const stored = identity.profile !== undefined;
    const config = stored
      ? (await loadGlobalConfig(paths.globalConfig, env)).config
      : defaultGlobalConfig();
    const contacts = await loadContacts(paths.contacts).catch(() => []);
    await ensurePrivateDir(paths.dataDir);
    const history = stored ? await HistoryStore.open(paths.historyDb) : undefined;
    const log = await SessionLog.open(paths.logsDir, profile.name, { echo: false });
    const recordDir = await Deno.makeTempDir({ prefix: "ringo-oneshot-" });
    const abort = new AbortController();
    onShutdownSignal(() => abort.abort());
    let session: PhoneSession | undefined;
    try {
      session = await PhoneSession.start({
        profile,
        config,
        headless: true,
        notify: false,
        contacts,
        history,
        log,
        password,
        hiddenVariables: hidden,
        env,
        recordDir,
      });
      // A file that is not a WAV fails here, before any call.
      if (audio) await session.agent.sendAudio(audio);
      return new OneShot({ session, abort, history, log, recordDir });
    } catch (error) {
      await session?.stop("could not start");
      onShutdownSignal(undefined);
      history?.close();
      await log.close();
      await Deno.remove(recordDir, { recursive: true }).catch(() => {});
      throw error;
    }
  }

  /** Copies what the last call received to `path`; returns it, or undefined when there was no audio. */
  async saveRecording(path: string): Promise<string | undefined> {
    const wav = await this.session.agent.recording();
    if (!wav) return undefined;
    await Deno.copyFile(wav, path);
    return path;
  }

  async close(): Promise<void> {
    await this.session.stop(this.#abort.signal.aborted ? "interrupted" : "done");
    onShutdownSignal(undefined);
    this.#history?.close();
    await this.#log.close();
    await Deno.remove(this.#recordDir, { recursive: true }).catch(() => {});
  }
}

async function resolveIdentity(
  identity: Identity,
  paths: ReturnType<typeof phonePaths>,
  env: Record<string, string | undefined>,
): Promise<{ profile: Profile; password?: string; hidden: string[] }> {
  if (identity.profile !== undefined && identity.as !== undefined) {
    throw new ProfileError("give either --profile or --as, not both");
  }
  if (identity.as !== undefined) {
    let password: string | undefined;
    if (identity.passwordEnv !== undefined) {
      password = env[identity.passwordEnv];
      if (password === undefined || password === "") {
        throw new ProfileError(`--password-env ${identity.passwordEnv}: that variable is not set`);
      }
    }
    return {
      profile: profileFromUri(identity.as, password !== undefined),
      password,
      hidden: identity.passwordEnv ? [identity.passwordEnv] : [],
    };
  }
  if (identity.passwordEnv !== undefined) throw new ProfileError("--password-env goes with --as");
  if (identity.profile === undefined) {
    throw new ProfileError("which account? give --profile NAME or --as sip:user@host", {
      hint: "ringo phone list shows the profiles",
    });
  }
  return { profile: await new ProfileStore(paths).load(identity.profile), hidden: [] };
}

/** True once answered; false when the call ended first, nobody answered in time, or Ctrl-C. */
async function waitAnswered(
  session: PhoneSession,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<boolean> {
  try {
    await session.waitFor("established", { timeoutMs, signal });
    return true;
  } catch {
    if (session.calls.length > 0) {
      await session.hangup().catch(() => {});
      await session.waitFor("idle", { timeoutMs: 5000 }).catch(() => {});
    }
    return false;
  }
}

/** Waits until the call is over: the peer hung up, `limitMs` passed (then hangs up), or Ctrl-C. */
async function waitCallOver(
  session: PhoneSession,
  limitMs: number | undefined,
  signal: AbortSignal,
): Promise<void> {
  const local = new AbortController();
  const timer = limitMs === undefined ? undefined : setTimeout(() => local.abort(), limitMs);
  try {
    await session.waitFor("idle", {
      timeoutMs: 2 ** 31 - 1,
      signal: AbortSignal.any([signal, local.signal]),
    });
  } catch {
    if (session.calls.length > 0) {
      await session.hangup().catch(() => {});
      await session.waitFor("idle", { timeoutMs: 5000 }).catch(() => {});
    }
  } finally {
    clearTimeout(timer);
  }
}

function audioSpec(options: { play?: string; tone?: number }): AudioSpec | undefined {
  if (options.play !== undefined && options.tone !== undefined) {
    throw new ProfileError("give either --play or --tone, not both");
  }
  if (options.play !== undefined) return { kind: "file", path: options.play };
  if (options.tone !== undefined) return { kind: "tone", hz: options.tone };
  return undefined;
}

async function wavMs(path: string): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw new ProfileError(`--play ${path}: ${(error as Error).message.split(":")[0]}`);
  }
  const format = parseWavHeader(bytes);
  const frameBytes = format.channelCount * format.bitsPerSample / 8;
  const dataBytes = format.declaredDataBytes || bytes.length - format.dataOffset;
  return Math.round(1000 * dataBytes / frameBytes / format.sampleRate);
}

function describeCall(
  last: LastCallView | undefined,
  options: { dtmf?: string },
  recording: string | undefined,
): string {
  if (!last) return "no call was placed";
  const peer = last.contact ? `${last.contact} (${last.peer})` : last.peer;
  if (!last.answered) return `${last.outcome.replace("_", " ")}: ${peer} (${last.reason})`;
  const parts = [`answered: ${peer}, ${last.duration_secs} s`];
  if (options.dtmf) parts.push(`sent DTMF ${options.dtmf}`);
  if (recording) parts.push(`recorded ${recording}`);
  parts.push(`ended: ${last.reason}`);
  return parts.join("; ");
}

function report(
  output: Output,
  json: boolean | undefined,
  text: string,
  data: Record<string, unknown>,
): void {
  if (json) output.out(JSON.stringify(data));
  else output.out(text);
}

/**
 * Starts a one-shot session for `identity`, runs `body` on it and closes
 * it again; resolves with `body`'s exit code, or a failure's (said in one
 * sentence, as JSON with `json`).
 */
async function withOneShot(
  identity: Identity & { json?: boolean },
  audio: AudioSpec | undefined,
  output: Output,
  body: (run: OneShot) => Promise<number>,
): Promise<number> {
  let run: OneShot | undefined;
  try {
    run = await OneShot.start(identity, audio);
    return await body(run);
  } catch (error) {
    return fail(error, output, identity.json);
  } finally {
    await run?.close();
  }
}

function fail(error: unknown, output: Output, json?: boolean): number {
  reportFailure(error, output, json);
  return error instanceof RegistrationError
    ? CALL_EXIT_CODES.registration_failed
    : CALL_EXIT_CODES.error;
}

function numbered(path: string, n: number, count: number): string {
  if (count === 1) return path;
  return path.replace(/(\.wav)?$/i, (ext) => `-${n}${ext || ".wav"}`);
}
