/**
 * A phone session: one profile, one engine agent, registered, and the call
 * handling of a softphone on top — several calls with `auto_hold` (a new
 * call holds the active one; hanging up resumes the next held one),
 * deflection, catch-all, MWI, received messages, call quality, the last
 * closed call — with history, hooks and notifications. No terminal in
 * here: the control socket and the TUI both drive a session through the
 * command table (commands.ts) and read its events and {@link PhoneSession.status}.
 *
 * @module
 */
import { accountAor } from "../core/account.ts";
import { Agent } from "../core/agent.ts";
import type {
  AgentSnapshot,
  CallSnapshot,
  CloseInfo,
  MessageWaiting,
} from "../core/agent_state.ts";
import { detectBaresip } from "../core/baresip.ts";
import { Capabilities } from "../core/capabilities.ts";
import { IncomingCalls, type IncomingFailure } from "../core/incoming_calls.ts";
import { describeExit } from "../core/process.ts";
import { formatVersion } from "../core/version.ts";
import { type AudioChoice, chooseAudio } from "./audio_devices.ts";
import { type CallChange, callKey, diffCalls, type LocalAction } from "./call_tracker.ts";
import { type Contact, findContact } from "./contacts.ts";
import { ProfileError, RegistrationError, SessionError } from "./errors.ts";
import type { GlobalConfig } from "./global_config.ts";
import type { HistoryStore } from "./history.ts";
import { HookRunner } from "./hooks.ts";
import { findNotifier, type Notifier } from "./notify.ts";
import { resolvePassword } from "./password.ts";
import {
  accountSettings,
  type Profile,
  PROFILE_DEFAULTS,
  type PublicProfile,
  publicProfile,
} from "./profile.ts";
import { type SessionEvent, sessionEvent, type SessionEventType } from "./session_events.ts";
import type { SessionLog } from "./session_log.ts";
import { type HeaderView, renderHeaderViews } from "./templates.ts";
import {
  callView,
  compact,
  describeEnd,
  describePeer,
  hookCall,
  type LastCallView,
  type SessionCallView,
  type SessionStatus,
  sessionStatus,
} from "./session_view.ts";
import { type WaitCondition, waitForCondition } from "./session_wait.ts";

export type { LastCallView, SessionCallView, SessionStatus } from "./session_view.ts";
export { WAIT_CONDITIONS, type WaitCondition } from "./session_wait.ts";

/** What {@link PhoneSession.start} needs. */
export interface SessionOptions {
  profile: Profile;
  config: GlobalConfig;
  /** No sound devices: the virtual audio, as in CI. */
  headless: boolean;
  /** False turns desktop notifications off (`--no-notify`); the profile's `notify` too. */
  notify?: boolean;
  contacts?: readonly Contact[];
  /** Where calls and messages are recorded; none for throwaway sessions. */
  history?: HistoryStore;
  log: SessionLog;
  /** The password, when the caller already has it (`--password-env`); else the profile's source is read. */
  password?: string;
  /** Environment variables hooks never see (the one `--password-env` named). */
  hiddenVariables?: readonly string[];
  /** Environment for finding baresip, password commands and hooks; default the process's. */
  env?: Record<string, string | undefined>;
  /** Longest wait for the registrar's answer at start; default 15 s. */
  registerTimeoutMs?: number;
  /** Keep each call's audio as WAV files here (one-shot `--record`). */
  recordDir?: string;
}

interface Tracked {
  index: number;
  call: CallSnapshot;
  contact?: string;
  headerViews?: HeaderView[];
  local?: LocalAction;
  /** The `call_outgoing` hook waits for baresip to name the call (its `call_id`). */
  outgoingHookDue?: boolean;
}

const DEFAULT_REGISTER_TIMEOUT_MS = 15_000;
/** `wait ringing|established` right after a failed outgoing call reports that call (see #endedJustBefore). */
const RECENT_END_MS = 10_000;
/** How long a shutdown waits for calls to close and for running hooks. */
const STOP_GRACE_MS = 3000;

/**
 * A running phone session. Listen to `event` (each {@link SessionEvent})
 * and `change` (anything the status shows changed); `stopped` resolves
 * once the session has ended, for whatever reason.
 *
 * @example
 * ```ts
 * await using session = await PhoneSession.start({ profile, config, headless: true, log });
 * await session.dial("4711");
 * await session.waitFor("established", { timeoutMs: 30_000 });
 * await session.hangup();
 * ```
 */
export class PhoneSession extends EventTarget implements AsyncDisposable {
  readonly profile: Profile;
  readonly publicProfile: PublicProfile;
  readonly agent: Agent;
  readonly audio: AudioChoice;
  readonly headless: boolean;
  readonly startedAt = Date.now();
  /** Resolves once the session has stopped; with the reason. */
  readonly stopped: Promise<string>;
  readonly #options: SessionOptions;
  readonly #log: SessionLog;
  readonly #hooks: HookRunner;
  readonly #notifier?: Notifier;
  readonly #tracked = new Map<string, Tracked>();
  #nextIndex = 1;
  #last?: LastCallView;
  #snapshot: AgentSnapshot;
  #messagesSeen = 0;
  #stopping?: Promise<void>;
  #resolveStopped!: (reason: string) => void;
  #stopReason = "stopped";
  #transferPending = false;
  #contacts: readonly Contact[];
  /** With `deflect`: the engine's incoming-call policy, answering and transferring each new call. */
  #incoming?: IncomingCalls;
  /** Deflected calls not yet transferred (or failed), by call id. */
  readonly #deflecting = new Map<string, Tracked>();

  private constructor(init: {
    options: SessionOptions;
    agent: Agent;
    audio: AudioChoice;
    hooks: HookRunner;
    notifier?: Notifier;
  }) {
    super();
    this.#options = init.options;
    this.#contacts = init.options.contacts ?? [];
    this.profile = init.options.profile;
    this.publicProfile = publicProfile(init.options.profile);
    this.headless = init.options.headless;
    this.agent = init.agent;
    this.audio = init.audio;
    this.#log = init.options.log;
    this.#hooks = init.hooks;
    this.#notifier = init.notifier;
    this.#snapshot = init.agent.snapshot;
    this.stopped = new Promise((resolve) => (this.#resolveStopped = resolve));
    init.agent.addEventListener("change", () => this.#onChange());
    init.agent.addEventListener("exit", () => this.#onAgentExit());
  }

  /**
   * Starts the session: reads the password, starts baresip, registers and
   * waits for the registrar's answer (unless the profile's `regint` is 0).
   *
   * @throws {ProfileError} the password source failed.
   * @throws {SessionError} registration refused or unanswered (the agent is stopped again).
   * @throws {BaresipError|CapabilityError} baresip missing, or lacking what the profile asks.
   */
  static async start(options: SessionOptions): Promise<PhoneSession> {
    const { profile, log } = options;
    const env = options.env ?? Deno.env.toObject();
    const settings = profile.settings;
    const password = options.password ?? await resolvePassword(profile, env);
    log.addSecret(password);
    const install = await detectBaresip(env);
    const caps = new Capabilities(install.version);
    const baresip = options.config.baresip;
    const modulePath = baresip.module_path ?? install.modulePath;
    const audio = chooseAudio({ headless: options.headless, baresip, modulePath, env });
    const account = accountSettings(settings, password);
    // catch-all is on by default where baresip has it; asked for explicitly, it must be there.
    const catchall = settings.catchall ?? (PROFILE_DEFAULTS.catchall && caps.has("catchall"));
    if (catchall) account.catchall = true;
    if (settings.audio_codecs?.length) account.audio_codecs = settings.audio_codecs;
    const registers = (account.regint ?? 0) > 0;
    log.info(
      `starting profile "${profile.name}" as ${accountAor(account)} with baresip ${
        formatVersion(install.version)
      } (${install.binary}); ${audio.description}`,
    );
    const agent = await Agent.start({
      name: profile.name,
      account,
      registerOnStart: registers,
      sipTrace: true,
      recordDir: options.recordDir,
      env,
      // Answering a second call holds the first (baresip's call_hold_other_calls; 1.0.0 always does).
      calls: { autoHold: settings.auto_hold ?? PROFILE_DEFAULTS.auto_hold },
      config: {
        audio: audio.audio,
        modulePath: baresip.module_path,
        sipCafile: baresip.sip_cafile,
        sipCapath: baresip.sip_capath,
        extra: Object.entries(baresip.extra ?? {}),
      },
    });
    const hooks = new HookRunner({
      hooks: options.config.hooks,
      profile: publicProfile(profile),
      log,
      password,
      hiddenVariables: options.hiddenVariables,
      env,
    });
    const notify = options.notify !== false && (settings.notify ?? PROFILE_DEFAULTS.notify);
    const session = new PhoneSession({
      options,
      agent,
      audio,
      hooks,
      notifier: notify ? findNotifier(log, env) : undefined,
    });
    if (settings.deflect && settings.deflect_target) {
      try {
        session.#deflectIncoming(settings.deflect_target);
      } catch (error) {
        await session.stop("deflect_target refused");
        throw new ProfileError(
          `profile "${profile.name}": deflect_target: ${(error as Error).message}`,
          { hint: (error as ProfileError).hint, cause: error },
        );
      }
    }
    if (registers) {
      try {
        await session.#awaitRegistration(options.registerTimeoutMs ?? DEFAULT_REGISTER_TIMEOUT_MS);
      } catch (error) {
        await session.stop("registration failed");
        throw error;
      }
      log.info(`registered as ${agent.aor}`);
    }
    hooks.fire("profile_loaded", { profile: profile.name, aor: agent.aor });
    return session;
  }

  /** The account's address of record. */
  get aor(): string {
    return this.agent.aor;
  }

  /** The session's calls, oldest first. */
  get calls(): SessionCallView[] {
    return this.#snapshot.calls.map((c) => this.#view(c));
  }

  /** The last closed call, if any. */
  get lastCall(): LastCallView | undefined {
    return this.#last;
  }

  /** Everything `status` shows. */
  status(): SessionStatus {
    return sessionStatus({
      profile: this.profile.name,
      aor: this.aor,
      headless: this.headless,
      baresip: formatVersion(this.agent.install.version),
      audio: this.audio.description,
      startedAt: this.startedAt,
      snapshot: this.#snapshot,
      calls: this.calls,
      lastCall: this.#last,
      messages: this.agent.messages,
      contactOf: (uri) => this.#contactOf(uri),
      transferPending: this.#transferPending,
    });
  }

  /** Places a call; with `auto_hold` the active call is held first. Records the target in the dial history. */
  async dial(target: string): Promise<string> {
    const uri = this.agent.resolveTarget(target);
    await this.#holdActive();
    await this.agent.dial(target);
    await this.#options.history?.addDial(target.trim()).catch((e) => this.#log.warn(String(e)));
    return uri;
  }

  /** Answers the ringing incoming call; with `auto_hold` the active call is held first. */
  async accept(): Promise<SessionCallView> {
    const ringing = this.#snapshot.calls.findLast((c) =>
      c.direction === "incoming" && c.state === "ringing"
    );
    if (!ringing) throw new SessionError("there is no ringing incoming call to accept");
    // The engine holds the active call itself when auto_hold is on (see the `calls` option).
    await this.agent.accept();
    return this.#view(ringing);
  }

  /**
   * Ends a call: the newest one that is not on hold (a ringing incoming
   * call is rejected), else the newest.
   */
  async hangup(): Promise<SessionCallView> {
    const calls = this.#snapshot.calls;
    const call = calls.findLast((c) => !c.held) ?? calls.at(-1);
    if (!call) throw new SessionError("there is no call to hang up");
    const tracked = this.#tracked.get(callKey(call));
    if (tracked && call.direction === "incoming" && call.state === "ringing") {
      tracked.local = "rejected";
    }
    const view = this.#view(call);
    await this.agent.hangup(call.id);
    return view;
  }

  /** Holds the active call. */
  async hold(): Promise<SessionCallView> {
    const call = this.#active();
    if (!call) throw new SessionError("there is no active call to hold");
    await this.agent.hold(call.id);
    return this.#view(call);
  }

  /** Resumes the newest held call; with `auto_hold` the active call is held first. */
  async resume(): Promise<SessionCallView> {
    const held = this.#snapshot.calls.findLast((c) => c.held && c.state === "established");
    if (!held) throw new SessionError("there is no held call to resume");
    await this.#holdActive();
    await this.agent.resume(held.id);
    return this.#view(held);
  }

  /** Toggles the microphone mute of the current call; resolves with the new state. */
  async mute(): Promise<boolean> {
    await this.agent.mute();
    return this.agent.snapshot.calls.at(-1)?.muted ?? false;
  }

  /** Sends DTMF digits into the current call. */
  async dtmf(digits: string): Promise<void> {
    await this.agent.sendDtmf(digits);
  }

  /** Blind transfer of the current call. */
  async transfer(target: string): Promise<string> {
    const uri = this.agent.resolveTarget(target);
    await this.agent.transfer(target);
    return uri;
  }

  /** Starts an attended transfer (holds the call and calls `target`). */
  async attendedTransfer(target: string): Promise<string> {
    const uri = this.agent.resolveTarget(target);
    await this.agent.attendedTransfer(target);
    this.#transferPending = true;
    this.#change();
    return uri;
  }

  /** Completes the attended transfer. */
  async completeTransfer(): Promise<void> {
    await this.agent.completeTransfer();
    this.#transferPending = false;
    this.#change();
  }

  /** Abandons the attended transfer. */
  async abortTransfer(): Promise<void> {
    await this.agent.abortTransfer();
    this.#transferPending = false;
    this.#change();
  }

  /**
   * Makes call `index` the active one (the TUI's call switching): a held
   * call is resumed, the active one held first when `auto_hold` is on.
   */
  async switchTo(index: number): Promise<SessionCallView> {
    const tracked = [...this.#tracked.values()].find((t) => t.index === index);
    const call = tracked && this.#snapshot.calls.find((c) => callKey(c) === callKey(tracked.call));
    if (!call) throw new SessionError(`there is no call ${index}`);
    if (call.held && call.state === "established") {
      await this.#holdActive();
      await this.agent.resume(call.id);
    }
    return this.#view(call);
  }

  /** Names peers from `contacts` from now on (the contact book was edited, e.g. in the TUI). */
  setContacts(contacts: readonly Contact[]): void {
    this.#contacts = contacts;
    this.#change();
  }

  /** Sends a SIP MESSAGE; resolves with the final SIP answer. */
  async message(
    target: string,
    text: string,
  ): Promise<{ to: string; status_code?: number; reason?: string }> {
    const sent = await this.agent.message(target, text);
    await this.#options.history?.addMessage({
      id: crypto.randomUUID(),
      profile: this.profile.name,
      direction: "outgoing",
      peer: sent.to,
      contact: this.#contactOf(sent.to),
      body: text,
      at: sent.at,
      statusCode: sent.statusCode,
    }).catch((e) => this.#log.warn(String(e)));
    this.#emit(
      "message_sent",
      compact({
        to: sent.to,
        body: text,
        status_code: sent.statusCode,
        reason: sent.reason,
      }),
    );
    return compact({ to: sent.to, status_code: sent.statusCode, reason: sent.reason });
  }

  /**
   * Resolves once `condition` holds (at once when it does already); fails
   * after `timeoutMs`, when the session stops, when registration fails
   * while waiting for `registered`, and when the calls waited on end first.
   */
  waitFor(
    condition: WaitCondition,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<SessionStatus> {
    return waitForCondition(condition, {
      ...options,
      changes: this,
      snapshot: () => this.#snapshot,
      stopping: () => this.#stopping !== undefined,
      endedJustBefore: () => this.#endedJustBefore(condition),
      status: () => this.status(),
    });
  }

  /**
   * Stops the session: hangs up every call, removes the registration,
   * ends baresip, lets running hooks finish (briefly). Safe to call twice.
   */
  stop(reason = "stopped"): Promise<void> {
    this.#stopping ??= (async () => {
      this.#stopReason = reason;
      this.#log.info(`stopping: ${reason}`);
      this.#emit("shutdown", { reason });
      this.#change();
      if (this.agent.alive) {
        for (const call of [...this.#snapshot.calls].reverse()) {
          await this.agent.hangup(call.id).catch(() => {});
        }
        if (this.#snapshot.calls.length > 0) {
          await this.agent.waitFor((s) => s.calls.length === 0, { timeoutMs: STOP_GRACE_MS }).catch(
            () => {},
          );
        }
        if (!this.agent.loopback && this.#snapshot.registration.state === "registered") {
          await this.agent.unregister().catch(() => {});
        }
      }
      await this.agent.stop();
      this.#incoming?.close();
      // Calls baresip never reported closed (it died, or quit first).
      for (const tracked of [...this.#tracked.values()]) {
        this.#ended(tracked.call, { reason: `session ${reason}`, at: Date.now() });
      }
      await this.#hooks.settle(STOP_GRACE_MS);
      this.#resolveStopped(reason);
    })();
    return this.#stopping;
  }

  /** Same as {@link stop}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  async #awaitRegistration(timeoutMs: number): Promise<void> {
    const s = await this.agent.waitFor(
      (s) => s.registration.state === "registered" || s.registration.state === "failed",
      { timeoutMs, description: `the registrar's answer for ${this.aor}` },
    ).catch(() => undefined);
    if (!s) {
      throw new RegistrationError(
        `no answer from the registrar of ${this.aor} within ${timeoutMs / 1000} s`,
        {
          hint: `check that ${
            this.profile.settings.outbound ?? this.profile.settings.domain
          } is reachable (domain, outbound, transport)`,
        },
      );
    }
    if (s.registration.state === "failed") {
      const reason = s.registration.reason ?? "no reason given";
      const code = s.registration.statusCode;
      throw new RegistrationError(`could not register as ${this.aor}: ${reason}`, {
        hint: code === 401 || code === 403
          ? "check the username, auth_user and password of the profile"
          : code === 404
          ? "the registrar does not know this user: check username and domain"
          : "check the profile's domain, outbound proxy and transport",
      });
    }
  }

  #onChange(): void {
    const before = this.#snapshot;
    const after = this.agent.snapshot;
    this.#snapshot = after;
    // An attended transfer has two calls: once one of them is gone, it is over.
    if (before.calls.length >= 2 && after.calls.length < 2) this.#transferPending = false;
    if (before.registration.state !== after.registration.state) this.#onRegistration(after);
    for (const change of diffCalls(before, after)) this.#onCallChange(change);
    this.#refreshInvites();
    this.#fireDueOutgoingHooks();
    if (after.dtmfReceived.length > before.dtmfReceived.length) {
      this.#emit("dtmf_received", { digits: after.dtmfReceived.slice(before.dtmfReceived.length) });
    }
    if (after.messageWaiting && after.messageWaiting !== before.messageWaiting) {
      this.#onMessageWaiting(before.messageWaiting, after.messageWaiting);
    }
    const messages = this.agent.messages;
    while (this.#messagesSeen < messages.length) this.#onMessage(messages[this.#messagesSeen++]);
    this.#change();
  }

  #onRegistration(s: AgentSnapshot): void {
    const r = s.registration;
    const fields = compact({ aor: this.aor, status_code: r.statusCode, reason: r.reason });
    switch (r.state) {
      case "registered":
        this.#emit("registered", fields);
        return;
      case "registering":
        this.#emit("registering", fields);
        return;
      case "unregistered":
        this.#emit("unregistered", fields);
        return;
      case "failed":
        this.#log.warn(`registration of ${this.aor} failed: ${r.reason ?? "no reason given"}`);
        this.#emit("registration_failed", fields);
        this.#hooks.fire("registration_failed", fields);
        return;
    }
  }

  #onCallChange(change: CallChange): void {
    const { call } = change;
    const key = callKey(call);
    switch (change.kind) {
      case "started": {
        const tracked: Tracked = {
          index: this.#nextIndex++,
          call,
          contact: findContact(this.#contacts, call.peer.uri)?.name,
        };
        this.#tracked.set(key, tracked);
        const view = this.#view(call);
        const who = describePeer(view);
        if (call.direction === "incoming") {
          this.#log.info(`call ${view.index} from ${who}`);
          this.#emit("call_incoming", { call: view });
          this.#hooks.fire("call_incoming", hookCall(view));
          const policy = this.#incoming?.policy;
          if (policy?.kind === "deflect") {
            tracked.local = "deflected";
            if (call.id) this.#deflecting.set(call.id, tracked);
            this.#log.info(
              `deflecting call ${tracked.index} from ${call.peer.uri} to ${policy.target}`,
            );
          } else {
            void this.#notifier?.notify(`ringo: call from ${who}`, view.peer);
          }
        } else {
          this.#log.info(`call ${view.index} to ${who}`);
          this.#emit("call_outgoing", { call: view });
          tracked.outgoingHookDue = true;
        }
        return;
      }
      case "ringing":
        this.#touch(key, call);
        this.#emit("call_ringing", { call: this.#view(call) });
        return;
      case "established": {
        this.#touch(key, call);
        const view = this.#view(call);
        this.#log.info(`call ${view.index} with ${describePeer(view)} established`);
        this.#emit("call_established", { call: view });
        this.#hooks.fire("call_established", { ...hookCall(view), direction: view.direction });
        return;
      }
      case "held":
      case "resumed":
        this.#touch(key, call);
        this.#emit(change.kind === "held" ? "call_held" : "call_resumed", {
          call: this.#view(call),
        });
        return;
      case "ended":
        this.#ended(call, change.close);
        void this.#resumeNextHeld(call);
        return;
    }
  }

  #ended(
    call: CallSnapshot,
    close:
      | Pick<CloseInfo, "reason" | "statusCode" | "at" | "by"> & { cause?: CloseInfo["cause"] }
      | undefined,
  ): void {
    const key = callKey(call);
    const tracked = this.#tracked.get(key);
    if (!tracked) return;
    this.#tracked.delete(key);
    this.#fireDueOutgoingHooks(true);
    const { last, record, hookData } = describeEnd(call, close, tracked, this.profile.name);
    const view = this.#view(call, tracked);
    const { outcome, duration_secs: duration, reason } = last;
    this.#last = last;
    this.#log.info(
      `call ${tracked.index} with ${
        describePeer(view)
      } ended (${outcome}, ${duration} s): ${reason}`,
    );
    this.#options.history?.addCall(record).catch((e) =>
      this.#log.warn(`could not record the call: ${e}`)
    );
    this.#emit("call_ended", { call: view, last_call: this.#last });
    this.#hooks.fire("call_ended", hookData);
    if (outcome === "missed") {
      void this.#notifier?.notify(`ringo: missed call from ${describePeer(view)}`, view.peer);
    }
  }

  #onMessageWaiting(before: MessageWaiting | undefined, after: MessageWaiting): void {
    const fields = compact({
      waiting: after.waiting,
      new: after.newMessages,
      old: after.oldMessages,
    });
    this.#emit("voicemail", fields);
    this.#hooks.fire("voicemail", fields);
    const more = (after.newMessages ?? 0) > (before?.newMessages ?? 0) ||
      (after.waiting && !before?.waiting);
    if (more) {
      void this.#notifier?.notify(
        "ringo: voicemail",
        `${after.newMessages ?? "new"} new message(s) for ${this.aor}`,
      );
    }
  }

  #onMessage(
    message: { from: string; fromName?: string; body: string; contentType: string; at: number },
  ): void {
    const contact = this.#contactOf(message.from);
    const fields = compact({
      from: message.from,
      display_name: message.fromName,
      contact,
      content_type: message.contentType,
      body: message.body,
    });
    this.#log.info(`message from ${contact ?? message.from}: ${message.body}`);
    this.#emit("message_received", fields);
    this.#hooks.fire("message_received", fields);
    this.#options.history?.addMessage({
      id: crypto.randomUUID(),
      profile: this.profile.name,
      direction: "incoming",
      peer: message.from,
      contact,
      body: message.body,
      at: message.at,
    }).catch((e) => this.#log.warn(String(e)));
    void this.#notifier?.notify(`ringo: message from ${contact ?? message.from}`, message.body);
  }

  #onAgentExit(): void {
    if (this.#stopping) return;
    const exit = this.agent.exit;
    const how = exit ? describeExit(exit) : "an unknown status";
    this.#log.error(
      `baresip (pid ${this.agent.pid}) ended with ${how}: ${this.agent.log.tail(5).join(" | ")}`,
    );
    void this.stop(`baresip ended with ${how}`);
  }

  /**
   * Hands every incoming call on to `target` with the engine's incoming-call
   * policy (baresip cannot answer an INVITE with 302, so it answers and
   * transfers at once); says so in events and notifications, and hangs up
   * a call it could not transfer.
   *
   * @throws {AgentError} `target` is not a SIP URI or number.
   */
  #deflectIncoming(target: string): void {
    const incoming = new IncomingCalls(this.agent);
    this.#incoming = incoming;
    incoming.deflect(target);
    const uri = this.agent.resolveTarget(target);
    incoming.addEventListener("applied", (e) => {
      const { callId } = (e as CustomEvent<{ callId: string }>).detail;
      const tracked = this.#deflecting.get(callId);
      this.#deflecting.delete(callId);
      if (!tracked) return;
      this.#emit("call_deflected", { call: this.#view(tracked.call, tracked), to: uri });
      void this.#notifier?.notify(`ringo: call deflected to ${target}`, tracked.call.peer.uri);
    });
    incoming.addEventListener("failure", (e) => {
      const { callId, message } = (e as CustomEvent<IncomingFailure>).detail;
      const tracked = this.#deflecting.get(callId);
      this.#deflecting.delete(callId);
      this.#log.error(`could not deflect call ${tracked?.index ?? callId}: ${message}`);
      if (this.#snapshot.calls.some((c) => c.id === callId)) {
        void this.agent.hangup(callId).catch(() => {});
      }
    });
  }

  /** With `auto_hold`: holds every active call (before a new one becomes active). */
  async #holdActive(): Promise<void> {
    if (!(this.profile.settings.auto_hold ?? PROFILE_DEFAULTS.auto_hold)) return;
    for (const call of this.#snapshot.calls) {
      if (call.state === "established" && !call.held) await this.agent.hold(call.id);
    }
  }

  /** With `auto_hold`: when the active call ended and only held calls are left, resumes the newest. */
  async #resumeNextHeld(ended: CallSnapshot): Promise<void> {
    if (
      !(this.profile.settings.auto_hold ?? PROFILE_DEFAULTS.auto_hold) || ended.held ||
      this.#stopping
    ) return;
    const calls = this.#snapshot.calls;
    if (calls.some((c) => !c.held)) return;
    const next = calls.findLast((c) => c.held && c.state === "established");
    if (!next) return;
    try {
      await this.agent.resume(next.id);
      this.#log.info(`resumed call ${this.#tracked.get(callKey(next))?.index ?? "?"} (auto_hold)`);
    } catch (error) {
      this.#log.warn(`could not resume the held call: ${(error as Error).message}`);
    }
  }

  /**
   * `dial X && wait established` where the call to X ended between the two
   * commands: fail at once with how it ended instead of waiting for nothing.
   */
  #endedJustBefore(condition: WaitCondition): SessionError | undefined {
    const last = this.#last;
    if (condition !== "ringing" && condition !== "established") return undefined;
    if (
      this.#snapshot.calls.length > 0 || !last || last.direction !== "outgoing" || last.answered
    ) return undefined;
    const ago = Date.now() - Date.parse(last.ended_at);
    if (ago > RECENT_END_MS) return undefined;
    return new SessionError(
      `the last call (to ${last.peer}) ended ${
        (ago / 1000).toFixed(1)
      } s ago before it was ${condition}: ${last.reason}`,
    );
  }

  #active(): CallSnapshot | undefined {
    return this.#snapshot.calls.findLast((c) => c.state === "established" && !c.held);
  }

  /** Runs `call_outgoing` hooks once their call has its id (or, `ending`, before it closes without one). */
  #fireDueOutgoingHooks(ending = false): void {
    for (const [key, tracked] of this.#tracked) {
      if (!tracked.outgoingHookDue) continue;
      tracked.call = this.#snapshot.calls.find((c) => callKey(c) === key) ?? tracked.call;
      if (!tracked.call.id && !ending) continue;
      tracked.outgoingHookDue = false;
      this.#hooks.fire("call_outgoing", hookCall(this.#view(tracked.call, tracked)));
    }
  }

  /** Renders `header_display` views once the received INVITE is known (it may follow the ringing). */
  #refreshInvites(): void {
    const views = this.profile.settings.header_display;
    if (!views?.length) return;
    for (const tracked of this.#tracked.values()) {
      if (tracked.headerViews || tracked.call.direction !== "incoming" || !tracked.call.id) {
        continue;
      }
      const invite = this.agent.receivedInvite(tracked.call.id);
      if (invite) tracked.headerViews = renderHeaderViews(views, invite.headers);
    }
  }

  #touch(key: string, call: CallSnapshot): void {
    const tracked = this.#tracked.get(key);
    if (tracked) tracked.call = call;
  }

  #view(call: CallSnapshot, tracked = this.#tracked.get(callKey(call))): SessionCallView {
    if (tracked) tracked.call = call;
    return callView(call, tracked, this.agent.sipMessages);
  }

  #contactOf(uri: string): string | undefined {
    return findContact(this.#contacts, uri)?.name;
  }

  #emit(type: SessionEventType, fields: Record<string, unknown>): void {
    const event: SessionEvent = sessionEvent(type, this.profile.name, fields);
    this.dispatchEvent(new CustomEvent("event", { detail: event }));
  }

  #change(): void {
    this.dispatchEvent(new Event("change"));
  }

  /** The reason the session stopped (once it has). */
  get stopReason(): string {
    return this.#stopReason;
  }
}
