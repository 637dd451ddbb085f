/**
 * `ringo phone start <profile>`: everything around one session — the
 * profile, `ringo.toml`, contacts, history and log; the control socket and
 * its registry entry (written only once the socket is bound); the stop on
 * SIGINT, SIGTERM, SIGHUP (a lost terminal) or `control shutdown`, after
 * which no baresip, socket or registry entry is left.
 *
 * @module
 */
import { describeError } from "../core/errors.ts";
import { onShutdownSignal, SIGNAL_EXIT_CODES } from "../core/shutdown.ts";
import { loadContacts } from "./contacts.ts";
import { ControlServer } from "./control/server.ts";
import { removeEntry, type SessionEntry, socketPathFor, writeEntry } from "./control/registry.ts";
import { loadGlobalConfig } from "./global_config.ts";
import { HistoryStore } from "./history.ts";
import { ensurePrivateDir, type PhonePaths, phonePaths } from "./paths.ts";
import { ProfileStore } from "./profile_store.ts";
import { PhoneSession } from "./session.ts";
import { SessionLog } from "./session_log.ts";

/** Options of {@link runSession}. */
export interface RunSessionOptions {
  profile: string;
  headless: boolean;
  /** False: no desktop notifications (`--no-notify`). */
  notify: boolean;
  env?: Record<string, string | undefined>;
  /** Where lines for the user go; default standard error. */
  say?(line: string): void;
  /** False: the session log is not echoed to standard error (the TUI draws on the terminal). Default true. */
  echoLog?: boolean;
}

/** Exit code of a session that ended because its engine failed. */
export const SESSION_FAILED = 1;

/**
 * Runs a session until it stops; resolves with the exit code (0 after
 * `control shutdown`, 130/143/129 after SIGINT/SIGTERM/SIGHUP, 1 when it
 * could not start or its baresip died).
 *
 * @example
 * ```ts
 * Deno.exit(await runSession({ profile: "work", headless: true, notify: false }));
 * ```
 */
export async function runSession(options: RunSessionOptions): Promise<number> {
  const say = options.say ?? ((line: string) => console.error(line));
  let hosted: HostedSession;
  try {
    hosted = await hostSession({ ...options, say });
  } catch (error) {
    say(`ringo: ${describeError(error)}`);
    return SESSION_FAILED;
  }
  const { session } = hosted;
  let signalled: Deno.Signal | undefined;
  const onSignal = (signal: Deno.Signal) => {
    if (signalled) {
      // A second signal: no more waiting.
      session.agent.kill();
      return;
    }
    signalled = signal;
    void session.stop(`${signal} received`);
  };
  onShutdownSignal(onSignal);
  const onHangup = () => onSignal("SIGHUP");
  try {
    Deno.addSignalListener("SIGHUP", onHangup);
  } catch {
    // no SIGHUP here
  }
  if (hosted.server) {
    say(
      `ringo: session "${session.profile.name}" (pid ${Deno.pid}) is up as ${session.aor}; ` +
        `drive it with: ringo control -t ${Deno.pid} status`,
    );
  }
  const reason = await session.stopped;
  await hosted.close(reason);
  onShutdownSignal(undefined);
  try {
    Deno.removeSignalListener("SIGHUP", onHangup);
  } catch {
    // no SIGHUP here
  }
  say(`ringo: session "${session.profile.name}" stopped (${reason})`);
  if (signalled) return signalled === "SIGHUP" ? 129 : SIGNAL_EXIT_CODES[signalled] ?? 1;
  return reason === "control shutdown" ? 0 : SESSION_FAILED;
}

/** A started session with what lives around it: its history, log, control socket and registry entry. */
export interface HostedSession {
  session: PhoneSession;
  history: HistoryStore;
  log: SessionLog;
  /** The control server (none when its socket could not be opened; the session is then stopping). */
  server: ControlServer | undefined;
  /**
   * Stops the session (if it still runs) and removes everything around it:
   * socket, registry entry, log and history handles. Safe to call twice.
   */
  close(reason?: string): Promise<void>;
}

/**
 * Starts a session of a profile and everything around it — the part of
 * `ringo phone start` that the headless runner and the TUI share. Signals
 * are the caller's. The log echoes to standard error unless `echoLog` is
 * false (the TUI owns the terminal).
 *
 * @throws {RingoError} the profile does not load, the password source
 * fails, baresip is missing, or registration is refused — with the reason.
 */
export async function hostSession(
  options: RunSessionOptions & { say(line: string): void },
): Promise<HostedSession> {
  const say = options.say;
  const env = options.env ?? Deno.env.toObject();
  const paths = phonePaths(env);
  const resources = await openResources(paths, options, say);
  const { log, history } = resources;
  let session: PhoneSession;
  try {
    session = await PhoneSession.start({
      profile: resources.profile,
      config: resources.config,
      headless: options.headless,
      notify: options.notify,
      contacts: resources.contacts,
      history,
      log,
      env,
    });
  } catch (error) {
    log.error(describeError(error));
    await log.close();
    history.close();
    throw error;
  }

  const socket = socketPathFor(paths.sessionsDir, session.profile.name, Deno.pid);
  const entry: SessionEntry = {
    pid: Deno.pid,
    profile: session.profile.name,
    aor: session.aor,
    socket,
    started_at: new Date(session.startedAt).toISOString(),
    headless: options.headless,
  };
  const cleanUpNow = () => {
    for (const path of [socket, socket.replace(/\.sock$/, ".json")]) {
      try {
        Deno.removeSync(path);
      } catch {
        // already gone
      }
    }
  };
  globalThis.addEventListener("unload", cleanUpNow);
  let server: ControlServer | undefined;
  try {
    server = await ControlServer.listen({ path: socket, session, log });
    await writeEntry(entry);
  } catch (error) {
    say(`ringo: cannot open the control socket ${socket}: ${(error as Error).message}`);
    await server?.close();
    server = undefined;
    await session.stop("the control socket failed");
  }
  let closing: Promise<void> | undefined;
  return {
    session,
    history,
    log,
    server,
    close(reason = "stopped") {
      closing ??= (async () => {
        await session.stop(reason);
        await server?.close();
        await removeEntry(entry);
        globalThis.removeEventListener("unload", cleanUpNow);
        await log.close();
        history.close();
      })();
      return closing;
    },
  };
}

async function openResources(
  paths: PhonePaths,
  options: RunSessionOptions,
  say: (line: string) => void,
) {
  const profile = await new ProfileStore(paths).load(options.profile);
  const loaded = await loadGlobalConfig(paths.globalConfig, options.env);
  for (const warning of loaded.warnings) say(`ringo: warning: ${warning}`);
  let contacts: Awaited<ReturnType<typeof loadContacts>> = [];
  try {
    contacts = await loadContacts(paths.contacts);
  } catch (error) {
    say(`ringo: warning: ${(error as Error).message}; running without contacts`);
  }
  await ensurePrivateDir(paths.dataDir);
  await ensurePrivateDir(paths.sessionsDir);
  const history = await HistoryStore.open(paths.historyDb);
  let log: SessionLog;
  try {
    log = await SessionLog.open(paths.logsDir, profile.name, { echo: options.echoLog ?? true });
  } catch (error) {
    history.close();
    throw error;
  }
  return { profile, config: loaded.config, contacts, history, log };
}
