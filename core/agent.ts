/**
 * An agent: one SIP user agent backed by one headless baresip process, with
 * an event-driven model of its registration and calls, and verbs that
 * resolve when baresip accepted them.
 *
 * @module
 */
import {
  accountAor,
  type AccountSettings,
  DEFAULT_REGINT,
  headerList,
  parseAccountSettings,
  renderAccountLine,
} from "./account.ts";
import {
  agentCallState,
  type AgentSnapshot,
  applyEvent,
  type CallSnapshot,
  type CallState,
  currentCall,
  dialFailed,
  dialStarted,
  initialSnapshot,
  registrationStarted,
  registrationStopped,
  updateCall,
  updateCurrentCall,
} from "./agent_state.ts";
import { AgentAudio, type CallAudio } from "./agent_audio.ts";
import { type CallQuality, callQuality } from "./audio/emodel.ts";
import type { ToneHeard } from "./audio/listen.ts";
import type { AudioSpec } from "./audio/source.ts";
import { type BaresipInstall, detectBaresip } from "./baresip.ts";
import type { Capabilities } from "./capabilities.ts";
import { Dialect } from "./dialect.ts";
import { type CallHandling, renderAgentConfig, SILENT_SOURCE } from "./config.ts";
import {
  type AgentConfigExtras,
  applyConfigOverrides,
  audioSourceOf,
  codecModules,
  extrasLines,
} from "./config_overrides.ts";
import { AgentMessages, type ReceivedMessage, type SentMessage } from "./agent_message.ts";
import { AgentError, BaresipError } from "./errors.ts";
import type { BaresipEvent } from "./frames.ts";
import { expandHeaderTemplates, uaAddHeaderParams } from "./headers_template.ts";
import type { LogBuffer } from "./log_buffer.ts";
import { type AgentPorts, releaseAgentPorts, reserveAgentPorts } from "./ports.ts";
import { BaresipProcess, describeExit, type ExitInfo } from "./process.ts";
import { maxCallsRefusal } from "./max_calls.ts";
import { tooManyOpenFiles } from "./open_files.ts";
import { agentDir } from "./run_dir.ts";
import { checkCommandParams, requireMessageBody, requireTarget } from "./sip_input.ts";
import type { SipMessage } from "./sip_trace.ts";
import { EventGate } from "./event_gate.ts";
import { isDeclineCode } from "./sip_status.ts";

/** Options of {@link Agent.start}. */
export interface AgentOptions {
  /** A name for messages and logs (`A`, `alice`). */
  name: string;
  /** The SIP account; without one the agent is a loopback agent on 127.0.0.1 with no registrar. */
  account?: AccountSettings;
  /** A loopback agent's own settings (no `account`): headers it sends, display name, DTMF mode… */
  loopbackSettings?: LoopbackSettings;
  /**
   * Register right after start with the account's regint (default: only on
   * `register()`). `start` resolves once the REGISTER is sent; `registered`
   * turns true on the registrar's answer.
   */
  registerOnStart?: boolean;
  /**
   * Run baresip with its SIP trace (`baresip -s`): the log shows every SIP
   * message, {@link Agent.sipMessages} keeps them and
   * {@link Agent.receivedInvite} finds the INVITE of an incoming call.
   */
  sipTrace?: boolean;
  /**
   * Keep each call's sent and received audio as WAV files in this folder
   * (`call1-b-sent.wav`, `call1-b-received.wav`), written when the agent
   * stops (and by {@link Agent.recording}).
   */
  recordDir?: string;
  /** The default outgoing audio as a baresip source; default silence (see SILENT_SOURCE). */
  audioSource?: string;
  /** Calls at once, auto-hold and the RTP timeout (defaults in core/config.ts). */
  calls?: CallHandling;
  /** Real audio devices, TLS CA, the user's extra config lines (phone sessions). */
  config?: AgentConfigExtras;
  /** Longest wait for baresip to be ready; default 10 s. */
  readyTimeoutMs?: number;
  /** Longest wait for a command's answer; default 10 s. */
  commandTimeoutMs?: number;
  /** Environment used to find baresip (`RINGO_BARESIP`, `PATH`); default the process's. */
  env?: Record<string, string | undefined>;
}

/** The account settings that apply to a loopback agent (no registrar). */
export type LoopbackSettings = Pick<
  AccountSettings,
  "display_name" | "dtmf_mode" | "media_enc" | "audio_codecs" | "headers"
>;

/** Options of {@link Agent.waitFor}. */
export interface WaitOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** What is awaited, for the timeout message (`A registered`). */
  description?: string;
}

const START_ATTEMPTS = 3;
/** How soon after a call was replaced its replacing INVITE must arrive to be answered at once. */
const REPLACEMENT_WINDOW_MS = 2000;
/** Received INVITEs kept per agent for `receivedInvite`. */
const MAX_KEPT_INVITES = 64;

/**
 * One SIP user agent. Read its state from the getters (synchronous
 * snapshots); listen to `change` (any state change), `event` (each raw
 * baresip event), `refused` (a call turned away at `max_calls`, detail a
 * `MaxCallsRefusal` of max_calls.ts) and `exit` (the process ended).
 *
 * @example
 * ```ts
 * await using a = await Agent.start({ name: "A" });
 * await using b = await Agent.start({ name: "B" });
 * await a.dial(b.contactUri);
 * await b.waitFor((s) => s.calls.length > 0, { description: "B rings" });
 * await b.accept();
 * ```
 */
export class Agent extends EventTarget implements AsyncDisposable {
  readonly name: string;
  readonly install: BaresipInstall;
  /** How to talk to this agent's baresip version. */
  readonly dialect: Dialect;
  readonly ports: AgentPorts;
  readonly account: AccountSettings;
  /** What this agent's baresip can do. */
  get capabilities(): Capabilities {
    return this.dialect.capabilities;
  }

  /** True when the agent has no registrar and is reached directly on 127.0.0.1. */
  readonly loopback: boolean;
  readonly #process: BaresipProcess;
  readonly #configDir: string;
  readonly #commandTimeoutMs: number;
  readonly #autoHold: boolean;
  readonly #audio: AgentAudio;
  readonly #messages: AgentMessages;
  #snapshot: AgentSnapshot = initialSnapshot();
  /** Received INVITEs (the first of each Call-ID), newest last, bounded. */
  readonly #invites = new Map<string, SipMessage>();
  #lastIncomingCallId?: string;
  /** baresip's events, each incoming call's held until its INVITE is traced. */
  readonly #events: EventGate;
  /** Custom header names added with `uaaddheader` for the last call, to remove before the next. */
  #addedHeaders: string[] = [];
  #stopped?: Promise<void>;
  /** The attended transfer in progress: the held first call and the consultation call. */
  #transfer?: { originalId?: string; consultId?: string };
  /** When a call of this agent was replaced (RFC 3891): the replacing INVITE follows. */
  #replacedAt?: number;

  private constructor(init: {
    options: AgentOptions;
    install: BaresipInstall;
    dialect: Dialect;
    ports: AgentPorts;
    account: AccountSettings;
    process: BaresipProcess;
    configDir: string;
  }) {
    super();
    this.name = init.options.name;
    this.install = init.install;
    this.dialect = init.dialect;
    this.ports = init.ports;
    this.account = init.account;
    this.loopback = init.options.account === undefined;
    this.#process = init.process;
    this.#configDir = init.configDir;
    this.#commandTimeoutMs = init.options.commandTimeoutMs ?? 10_000;
    this.#autoHold = init.options.calls?.autoHold ?? false;
    const sipTrace = init.options.sipTrace ?? false;
    this.#events = new EventGate(
      (event) => this.#onEvent(event),
      (callId) => !sipTrace || this.#invites.has(callId),
    );
    init.process.ctrl.addEventListener("event", (e) => {
      for (const event of this.dialect.expand((e as CustomEvent<BaresipEvent>).detail)) {
        this.#events.push(event);
      }
    });
    init.process.ctrl.addEventListener("message", (e) => {
      const frame = (e as CustomEvent<Record<string, unknown>>).detail;
      this.dispatchEvent(new CustomEvent("message", { detail: frame }));
      this.#messages.onFrame(frame);
    });
    init.process.exited.then((info) => this.#onExit(info));
    init.process.log.onSipMessage((m) => this.#onSipMessage(m));
    this.#audio = new AgentAudio({
      name: this.name,
      workDir: audioDir(init.configDir),
      recordDir: init.options.recordDir,
      defaultDevice: init.options.audioSource ?? audioSourceOf(init.options.config) ??
        SILENT_SOURCE,
      capabilities: init.dialect.capabilities,
      command: (name, params) => this.command(name, params),
      snapshot: () => this.#snapshot,
    });
    init.process.log.onLine((line) => {
      this.#audio.onLogLine(line);
      const refusal = maxCallsRefusal(this.name, line);
      if (refusal) this.dispatchEvent(new CustomEvent("refused", { detail: refusal }));
    });
    this.#messages = new AgentMessages({
      name: this.name,
      configDir: init.configDir,
      dialect: init.dialect,
      sipTrace: init.options.sipTrace ?? false,
      command: (name, params) => this.command(name, params),
      onSipMessage: (listener) => init.process.log.onSipMessage(listener),
      changed: () => this.dispatchEvent(new CustomEvent("change", { detail: this.#snapshot })),
    });
  }

  /**
   * Starts baresip for this agent and resolves once it is ready.
   *
   * @throws {BaresipError} baresip missing, or exited/hung before ready (with its log tail).
   * @throws {CapabilityError} the account asks for something this baresip cannot do.
   * @throws {AgentError} ringo's process is out of file descriptors (names the limit).
   */
  static async start(options: AgentOptions): Promise<Agent> {
    return await Agent.#start(options).catch((error) => {
      throw tooManyOpenFiles(error, `agent "${options.name}"`) ?? error;
    });
  }

  static async #start(options: AgentOptions): Promise<Agent> {
    const install = await detectBaresip(options.env);
    const dialect = Dialect.of(install);
    const given = options.account ? parseAccountSettings(options.account) : undefined;
    const local = !given && options.loopbackSettings
      ? parseAccountSettings({ ...LOOPBACK_PLACEHOLDER, ...options.loopbackSettings })
      : undefined;
    const settings = given ?? local;
    if (settings?.dtmf_mode === "info") dialect.capabilities.require("dtmf-info");
    if (settings?.dtmf_mode === "auto") dialect.capabilities.require("dtmf-auto");
    if (headerList(settings?.headers).length > 0) dialect.capabilities.require("custom-headers");
    if (given?.catchall) dialect.capabilities.require("catchall");

    for (let attempt = 1;; attempt++) {
      const ports = reserveAgentPorts();
      const configDir = await agentDir(options.name);
      await Deno.chmod(configDir, 0o700);
      const account = given ??
        { ...loopbackAccount(options.name, ports.sip), ...options.loopbackSettings };
      const loopback = !given || isLoopbackHost(given.domain);
      try {
        await writeAgentFiles(configDir, install, dialect, ports, account, loopback, options);
        const process = await BaresipProcess.start({
          install,
          name: options.name,
          configDir,
          ctrlPort: ports.ctrl,
          sipTrace: options.sipTrace,
          localSipPorts: [ports.sip, ports.sip + 1],
          readyTimeoutMs: options.readyTimeoutMs,
        });
        const agent = new Agent({
          options,
          install,
          dialect,
          ports,
          account,
          process,
          configDir,
        });
        // Registered only now that ringo listens: a REGISTER_OK sent while
        // baresip starts (before ctrl_tcp is connected) would be lost.
        // The password reaches baresip only over ctrl_tcp (uanew), never its accounts file.
        if (hasPassword(account) && !(options.registerOnStart && given)) {
          await agent.#replaceUserAgent(0).catch(async (error) => {
            await agent.stop();
            throw error;
          });
        }
        if (options.registerOnStart && given) {
          await agent.register().catch(async (error) => {
            await agent.stop();
            throw error;
          });
        }
        return agent;
      } catch (error) {
        releaseAgentPorts(ports);
        await Deno.remove(configDir, { recursive: true }).catch(() => {});
        const portClash = error instanceof BaresipError &&
          /address already in use/i.test(error.message);
        if (!portClash || attempt >= START_ATTEMPTS) throw error;
      }
    }
  }

  /** The agent's address of record, e.g. `sip:alice@pbx.example.com`. */
  get aor(): string {
    return accountAor(this.account);
  }

  /** The URI that reaches this agent directly (its AOR for loopback agents). */
  get contactUri(): string {
    return this.loopback ? this.aor : `sip:${this.account.username}@127.0.0.1:${this.ports.sip}`;
  }

  /** The whole current state as one immutable value. */
  get snapshot(): AgentSnapshot {
    return this.#snapshot;
  }

  /** The call state of the current call, or `idle`. */
  get state(): CallState {
    return agentCallState(this.#snapshot);
  }

  /** True once a REGISTER was answered 200 (and not since removed). */
  get registered(): boolean {
    return this.#snapshot.registration.state === "registered";
  }

  /** The baresip log (and SIP trace, if on). */
  get log(): LogBuffer {
    return this.#process.log;
  }

  /** The SIP messages of the trace so far, oldest first (empty without `sipTrace`). */
  get sipMessages(): readonly SipMessage[] {
    return this.#process.log.sipMessages();
  }

  /**
   * The INVITE this agent received for call `callId` (baresip's id of an
   * incoming call is its SIP Call-ID); by default the current or last
   * incoming call's. Needs `sipTrace`.
   */
  receivedInvite(callId = this.#incomingCallId()): SipMessage | undefined {
    return callId === undefined ? undefined : this.#invites.get(callId);
  }

  /** True while the baresip process runs. */
  get alive(): boolean {
    return this.#process.exitInfo === undefined;
  }

  /** How the process ended, once it has. */
  get exit(): ExitInfo | undefined {
    return this.#process.exitInfo;
  }

  /** The baresip process id. */
  get pid(): number {
    return this.#process.pid;
  }

  /** Registers with the account's registrar (REGISTER_OK then sets `registered`). */
  async register(regint = this.account.regint || DEFAULT_REGINT): Promise<void> {
    this.#requireRegistrar("register");
    // Recorded before sending: REGISTER_OK may beat the answer to 'uanew'.
    const before = this.#snapshot.registration;
    this.#update(registrationStarted(this.#snapshot));
    try {
      await this.#replaceUserAgent(regint);
    } catch (error) {
      this.#update({ ...this.#snapshot, registration: before });
      throw error;
    }
  }

  /** Removes the registration (REGISTER with expires 0). */
  async unregister(): Promise<void> {
    this.#requireRegistrar("unregister");
    this.#update(registrationStopped(this.#snapshot));
    await this.#replaceUserAgent(0);
  }

  /**
   * Places a call. `target` is a SIP URI, `user@host`, or a bare number
   * dialled in the agent's own domain.
   */
  async dial(target: string): Promise<void> {
    requireTarget("dial target", target);
    const uri = this.resolveTarget(target);
    // Recorded before sending: baresip's first events may beat its answer.
    this.#update(dialStarted(this.#snapshot, uri, Date.now()));
    try {
      await this.#setCallHeaders();
      await this.command("dial", uri);
    } catch (error) {
      this.#update(dialFailed(this.#snapshot, uri));
      throw error;
    }
  }

  /** Answers the ringing incoming call (the newest, or call `callId`). */
  async accept(callId?: string): Promise<void> {
    const call = this.#ringingCall("accept", callId);
    await this.command("accept", this.dialect.callParams(call.id));
    if (this.dialect.acceptHoldsOthers(this.#autoHold)) {
      for (const other of this.#snapshot.calls) {
        if (other.id === call.id || other.state !== "established" || other.held) continue;
        this.#update(updateCall(this.#snapshot, other, { held: true }));
      }
    }
  }

  /**
   * Declines the ringing incoming call (the newest, or call `callId`) with
   * `code` (486 Busy Here by default; others need baresip ≥ 3.19) and an
   * optional one-line reason.
   */
  async reject(code = 486, reason?: string, callId?: string): Promise<void> {
    if (!isDeclineCode(code)) {
      throw new AgentError(`cannot decline with ${code}: expected a final code from 400 to 699`);
    }
    const call = this.#ringingCall("reject", callId);
    const params = this.dialect.rejectParams(call.id, code, reason);
    await this.#ending(call, { code }, () => this.command("hangup", params));
  }

  /** Ends the current call, or the call `callId` (cancel, reject or BYE, as fits its state). */
  async hangup(callId?: string): Promise<void> {
    const call = this.#requireCall("hang up", undefined, callId);
    // Named by id where baresip can: 1.1.0's menu can lose track of its
    // current call (after a blind transfer) and answer a bare `hangup` with
    // "no active call".
    const params = this.dialect.hangupParams(call.id);
    await this.#ending(
      call,
      {},
      () => this.#onCall(call, params, () => this.command("hangup", params)),
    );
  }

  /** Puts the current call (or the call `callId`) on hold. */
  async hold(callId?: string): Promise<void> {
    const call = this.#requireCall("hold", "established", callId);
    // Resolves once the peer answered the re-INVITE, so that the next verb
    // (a resume, a transfer) does not cross it: 3.x/4.x drop a re-INVITE
    // sent while the previous one is still pending.
    const answered = this.#reinviteAnswered(
      call.id,
      "hold",
      (dir) => !/^(sendrecv|recvonly)$/.test(dir),
    );
    const params = this.dialect.callParams(call.id);
    await this.#onCall(call, params, () => this.command("hold", params)).catch((error) => {
      answered.cancel();
      throw error;
    });
    this.#audio.noteReinvite();
    const now = this.#snapshot.calls.find((c) => c === call || (c.id && c.id === call.id));
    if (now) this.#update(updateCall(this.#snapshot, now, { held: true }));
    await answered.promise;
  }

  /** Resumes the held current call (or the call `callId`). */
  resume(callId?: string): Promise<void> {
    return this.#resumeCall(this.#requireCall("resume", "established", callId));
  }

  /** Toggles the microphone mute of the current call. */
  async mute(): Promise<void> {
    const call = this.#requireCall("mute");
    const answer = await this.command("mute");
    const muted = /un-?muted/i.test(answer) ? false : /muted/i.test(answer) ? true : !call.muted;
    this.#update(updateCurrentCall(this.#snapshot, { muted }));
  }

  /** Sends DTMF digits (0-9 * # A-D) one by one, `gapMs` apart. */
  async sendDtmf(digits: string, gapMs = 150): Promise<void> {
    const bad = [...digits].find((d) => !/^[0-9*#A-Da-d]$/.test(d));
    if (bad !== undefined) {
      throw new AgentError(`invalid DTMF digit ${JSON.stringify(bad)}: expected 0-9, *, #, A-D`);
    }
    this.#requireCall("send DTMF", "established");
    for (const [i, digit] of [...digits.toUpperCase()].entries()) {
      if (i > 0) await new Promise((r) => setTimeout(r, gapMs));
      await this.command("sndcode", digit);
    }
  }

  /** Blind transfer of the current call (REFER) to `target`. */
  async transfer(target: string): Promise<void> {
    requireTarget("transfer target", target);
    this.#requireCall("transfer", "established");
    await this.command("transfer", this.resolveTarget(target));
  }

  /**
   * Starts an attended transfer: holds the current call and calls `target`
   * (the consultation call). Then {@link completeTransfer} connects the two
   * remote parties, or {@link abortTransfer} hangs up the consultation call
   * and resumes the first.
   */
  async attendedTransfer(target: string): Promise<void> {
    requireTarget("attended transfer target", target);
    this.capabilities.require("attended-transfer");
    const original = this.#requireCall("transfer", "established");
    if (this.#transfer) {
      throw new AgentError(`agent "${this.name}" already has an attended transfer in progress`, {
        hint: "complete or abort it first",
      });
    }
    const uri = this.resolveTarget(target);
    const before = new Set(this.#snapshot.calls.map((c) => c.id));
    const logMark = this.log.tail(1).at(-1);
    // baresip holds the first call as it dials the second. Waited for (as
    // hold() does): the answer to that re-INVITE makes the first call
    // baresip's current one again, which must not cross completeTransfer.
    const held = this.#reinviteAnswered(
      original.id,
      "hold of the attended transfer",
      (dir) => !/^(sendrecv|recvonly)$/.test(dir),
    );
    try {
      await this.command("atransferstart", uri);
    } catch (error) {
      held.cancel();
      throw error;
    }
    // baresip dials within the command, so the consultation call's first
    // event came before the command's answer on the same connection.
    const consult = this.#snapshot.calls.find((c) =>
      c.direction === "outgoing" && !before.has(c.id)
    );
    if (!consult) {
      held.cancel();
      const said = this.log.tail(20);
      const why = said.slice(said.lastIndexOf(logMark ?? "") + 1).find((l) => /replaces/i.test(l));
      throw new AgentError(
        `agent "${this.name}" could not start an attended transfer to ${uri}: ${
          why
            ? "its peer does not support Replaces (RFC 3891)"
            : "baresip placed no consultation call"
        }`,
        { hint: "use transfer() (blind) with this peer" },
      );
    }
    const first = this.#snapshot.calls.find((c) => c.id === original.id);
    if (first) this.#update(updateCall(this.#snapshot, first, { held: true }));
    this.#transfer = { originalId: original.id, consultId: consult.id };
    await held.promise;
  }

  /** Completes an attended transfer: the first call's peer is connected to the consultation call's. */
  async completeTransfer(): Promise<void> {
    this.capabilities.require("attended-transfer");
    const transfer = this.#requireTransfer("complete");
    // Marked before the command: the calls' close events may arrive in the
    // same read as its answer. Both end as the transfer's, not as drops.
    const mark = (transferred: boolean) => {
      for (const id of [transfer.originalId, transfer.consultId]) {
        const call = this.#snapshot.calls.find((c) => c.id === id);
        if (call) this.#update(updateCall(this.#snapshot, call, { transferred }));
      }
    };
    mark(true);
    try {
      // baresip replaces the first call with its current call, and a late
      // answer to the first call's hold re-INVITE makes that one current
      // again (menu: CALL_REMOTE_SDP "answer"): it would refer the first call
      // to itself. The consultation call is made current first.
      if (transfer.consultId) await this.command("callfind", transfer.consultId);
      await this.command("atransferexec");
    } catch (error) {
      mark(false);
      throw error;
    }
    this.#transfer = undefined;
  }

  /** Abandons an attended transfer: hangs up the consultation call and resumes the first. */
  async abortTransfer(): Promise<void> {
    this.capabilities.require("attended-transfer");
    const transfer = this.#requireTransfer("abort");
    // baresip's atransferabort only forgets the transfer; the calls are ringo's to mend.
    await this.command("atransferabort");
    this.#transfer = undefined;
    const consult = this.#snapshot.calls.find((c) => c.id === transfer.consultId);
    if (consult) {
      await this.#ending(
        consult,
        {},
        () => this.command("hangup", this.dialect.hangupParams(consult.id)),
      );
      await this.waitFor((s) => !s.calls.some((c) => c.id === consult.id), {
        description: "the consultation call to end",
        timeoutMs: this.#commandTimeoutMs,
      });
    }
    const original = this.#snapshot.calls.find((c) => c.id === transfer.originalId);
    if (original?.state === "established") await this.#resumeCall(original);
  }

  /**
   * Sends a SIP MESSAGE with `text` to `target` (a URI, `user@host`, or a
   * number in the agent's domain). With the SIP trace on it resolves with
   * the final answer (`statusCode` 200 when delivered).
   */
  message(target: string, text: string): Promise<SentMessage> {
    requireTarget("MESSAGE target", target);
    requireMessageBody(text);
    this.#requireAlive("message");
    return this.#messages.send(this.resolveTarget(target), text);
  }

  /** The SIP MESSAGEs received so far, oldest first. */
  get messages(): readonly ReceivedMessage[] {
    return this.#messages.received;
  }

  /** Sends a raw long command over ctrl_tcp and resolves with its answer. */
  async command(name: string, params?: string): Promise<string> {
    checkCommandParams(name, params);
    this.#requireAlive(name);
    try {
      return await this.#process.ctrl.command(name, params, { timeoutMs: this.#commandTimeoutMs });
    } catch (error) {
      if (!this.alive || this.#process.ctrl.isClosed) {
        await Promise.race([this.#process.exited, new Promise((r) => setTimeout(r, 200))]);
      }
      this.#requireAlive(name);
      throw new AgentError(`agent "${this.name}": ${(error as Error).message}`, { cause: error });
    }
  }

  /** A SIP URI for `target`: URIs pass through, `user@host` gets `sip:`, a number gets the agent's domain. */
  resolveTarget(target: string): string {
    const t = target.trim();
    if (/^(sips?|tel):/i.test(t)) return t;
    if (t.includes("@")) return `sip:${t}`;
    return `sip:${t}@${this.account.domain}`;
  }

  /**
   * Resolves with the snapshot once `predicate` holds, re-checking on every
   * change (never by polling); rejects on timeout, abort, or process exit.
   */
  waitFor(
    predicate: (s: AgentSnapshot) => boolean,
    options: WaitOptions = {},
  ): Promise<AgentSnapshot> {
    if (predicate(this.#snapshot)) return Promise.resolve(this.#snapshot);
    const what = options.description ?? "the expected state";
    return new Promise((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? 10_000;
      const timer = setTimeout(
        () =>
          done(
            new AgentError(
              `agent "${this.name}": timed out after ${timeoutMs} ms waiting for ${what} (state: ${this.state}, registration: ${this.#snapshot.registration.state})`,
            ),
          ),
        timeoutMs,
      );
      const onChange = () => {
        if (predicate(this.#snapshot)) done();
        else if (!this.alive) done(this.#deathError(`waiting for ${what}`));
      };
      const onAbort = () =>
        done(new AgentError(`agent "${this.name}": stopped waiting for ${what}`));
      this.addEventListener("change", onChange);
      options.signal?.addEventListener("abort", onAbort);
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.removeEventListener("change", onChange);
        options.signal?.removeEventListener("abort", onAbort);
        if (error) reject(error);
        else resolve(this.#snapshot);
      };
    });
  }

  /**
   * Switches what the agent sends: in the current call at once, and in its
   * later calls from their start. Files are converted to what baresip's
   * `aufile` reads and loop.
   */
  async sendAudio(spec: AudioSpec): Promise<void> {
    this.#requireAlive("ausrc");
    await this.#audio.send(spec);
  }

  /** What the agent sends (undefined: the default silence). */
  get sending(): AudioSpec | undefined {
    return this.#audio.sending;
  }

  /**
   * Resolves once the agent receives a `hz` tone in its current call (only
   * audio received from now on counts, and only what it receives, never what
   * it sends); rejects after `timeoutMs` with what it heard instead.
   */
  waitForTone(hz: number, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<
    ToneHeard
  > {
    return this.#audio.listen(hz, {
      timeoutMs: options.timeoutMs ?? 10_000,
      signal: options.signal,
    });
  }

  /** A WAV file of the received audio of the current or last call, or undefined before any. */
  recording(): Promise<string | undefined> {
    return this.#audio.recording();
  }

  /** The audio files of every call so far. */
  get callAudio(): readonly CallAudio[] {
    return this.#audio.calls;
  }

  /**
   * Quality of what the agent receives in its current call (or its last call
   * when it has none), from baresip's RTCP statistics; undefined until a
   * report counted packets.
   */
  get quality(): CallQuality | undefined {
    return qualityOf(this.#snapshot);
  }

  /** Stops baresip (quit, SIGTERM, SIGKILL) and removes the agent's folder. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      await this.#process.stop();
      await this.#audio.close();
      releaseAgentPorts(this.ports);
      await Deno.remove(this.#configDir, { recursive: true }).catch(() => {});
    })();
    return this.#stopped;
  }

  /** Same as {@link stop}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /** Kills baresip with `signal` at once (crash tests). */
  kill(signal: Deno.Signal = "SIGKILL"): void {
    this.#process.kill(signal);
  }

  #onEvent(event: BaresipEvent): void {
    if (event.type === "CALL_INCOMING" && event.callId) this.#lastIncomingCallId = event.callId;
    this.dispatchEvent(new CustomEvent("event", { detail: event }));
    const before = this.#snapshot;
    this.#update(applyEvent(this.#snapshot, event, Date.now()));
    this.#audio.onEvent(event, before);
    this.#answerReplacement(event);
  }

  /**
   * baresip closes a call that an INVITE with Replaces takes over and then
   * rings with the replacing call (in that order, within one handler). A
   * replacement is part of a transfer the user already accepted, so it is
   * answered at once (RFC 3891 §3).
   */
  #answerReplacement(event: BaresipEvent): void {
    if (event.type === "CALL_CLOSED" && / replaced$/.test(event.param ?? "")) {
      this.#replacedAt = Date.now();
      return;
    }
    if (event.type !== "CALL_INCOMING" || this.#replacedAt === undefined) return;
    const recent = Date.now() - this.#replacedAt < REPLACEMENT_WINDOW_MS;
    this.#replacedAt = undefined;
    if (!recent) return;
    const call = this.#snapshot.calls.find((c) => c.id === event.callId);
    if (call) this.#update(updateCall(this.#snapshot, call, { transferred: false }));
    this.command("accept", this.dialect.callParams(event.callId)).catch(() => {
      // the caller gave up meanwhile: its close event tells
    });
  }

  #onExit(info: ExitInfo): void {
    this.#events.flush();
    this.dispatchEvent(new CustomEvent("exit", { detail: info }));
    this.dispatchEvent(new CustomEvent("change", { detail: this.#snapshot }));
    void info;
  }

  #onSipMessage(message: SipMessage): void {
    this.dispatchEvent(new CustomEvent("sip", { detail: message }));
    const id = message.callId;
    if (message.direction !== "received" || message.method !== "INVITE" || !id) return;
    if (this.#invites.has(id)) return; // a re-INVITE or a retransmission
    this.#invites.set(id, message);
    if (this.#invites.size > MAX_KEPT_INVITES) {
      this.#invites.delete(this.#invites.keys().next().value!);
    }
    this.#events.traceAdvanced();
    // Traced after CALL_INCOMING only if the gate gave up waiting: tell listeners now.
    this.dispatchEvent(new CustomEvent("change", { detail: this.#snapshot }));
  }

  #incomingCallId(): string | undefined {
    const incoming = this.#snapshot.calls.findLast((c) => c.direction === "incoming");
    return incoming?.id ?? this.#lastIncomingCallId;
  }

  /**
   * baresip ≥ 2.0: replaces the user agent's custom headers with this
   * call's (templates expanded, one fresh `${uuid}` per INVITE).
   */
  async #setCallHeaders(): Promise<void> {
    const headers = headerList(this.account.headers);
    if (headers.length === 0 && this.#addedHeaders.length === 0) return;
    this.capabilities.require("custom-headers");
    // `uarmheader` removes one header of that name in some versions, all in others.
    for (const name of this.#addedHeaders) await this.command("uarmheader", `${name} 0`);
    this.#addedHeaders = [];
    for (const [name, value] of expandHeaderTemplates(headers)) {
      await this.command("uaaddheader", uaAddHeaderParams(name, value));
      this.#addedHeaders.push(name);
    }
  }

  /**
   * Runs `verb` on `call`. Where its parameters name the call (`params`),
   * or the call is the newest, as it is; else (1.0.0's hold, resume and
   * hangup act on the menu's current call) the call is made current first
   * (`callfind`), and the newest made current again after.
   */
  async #onCall<T>(
    call: CallSnapshot,
    params: string | undefined,
    verb: () => Promise<T>,
  ): Promise<T> {
    const newest = currentCall(this.#snapshot);
    if (params !== undefined || call === newest || call.id === undefined) return await verb();
    await this.command("callfind", call.id);
    try {
      return await verb();
    } finally {
      if (newest?.id) await this.command("callfind", newest.id).catch(() => {});
    }
  }

  async #resumeCall(call: CallSnapshot): Promise<void> {
    const answered = this.#reinviteAnswered(
      call.id,
      "resume",
      (dir) => !/^(sendonly|inactive)$/.test(dir),
    );
    try {
      const params = this.dialect.callParams(call.id);
      await this.#onCall(call, params, () => this.command("resume", params));
    } catch (error) {
      if (!isStrayResumeError(error, this.#snapshot)) {
        answered.cancel();
        throw error;
      }
      // baresip 1.1.x (uag_hold_resume) also tries to hold "the other active
      // call", finds none and answers EINVAL, though it did resume this one:
      // its re-INVITE with a=sendrecv goes out. Nothing failed.
    }
    this.#audio.noteReinvite();
    const now = this.#snapshot.calls.find((c) => c.id === call.id) ?? currentCall(this.#snapshot);
    if (now) this.#update(updateCall(this.#snapshot, now, { held: false }));
    await answered.promise;
  }

  #requireTransfer(verb: string): { originalId?: string; consultId?: string } {
    if (!this.#transfer) {
      throw new AgentError(`agent "${this.name}" cannot ${verb} a transfer: none is in progress`, {
        hint: "start one with attendedTransfer(target)",
      });
    }
    return this.#transfer;
  }

  /**
   * Runs the command that ends `call`, with the call marked as ended by this
   * agent first (its CALL_CLOSED may beat the command's answer), and the mark
   * taken back when baresip refuses.
   */
  async #ending(call: CallSnapshot, ending: { code?: number }, send: () => Promise<unknown>) {
    this.#update(updateCall(this.#snapshot, call, { ending }));
    try {
      await send();
    } catch (error) {
      const now = this.#snapshot.calls.find((c) =>
        c.id === call.id && c.direction === call.direction
      );
      if (now) this.#update(updateCall(this.#snapshot, now, { ending: undefined }));
      throw error;
    }
  }

  /**
   * Waits for the peer's SDP answer to this agent's re-INVITE of call `id`
   * (a `CALL_REMOTE_SDP answer` event whose audio direction, where the
   * version reports one, passes `fits`: 1.1.0 also reports a stale answer
   * first). Registered before the command is sent, as the event may beat
   * the command's answer.
   */
  #reinviteAnswered(
    id: string | undefined,
    verb: string,
    fits: (audioDir: string) => boolean,
  ): { promise: Promise<void>; cancel(): void } {
    const timeoutMs = this.#commandTimeoutMs;
    let cancel = () => {};
    const promise = new Promise<void>((resolve, reject) => {
      const onEvent: EventListener = (e) => {
        const event = (e as CustomEvent<BaresipEvent>).detail;
        if (event.type === "CALL_CLOSED" && (!id || event.callId === id)) {
          return done(
            new AgentError(
              `agent "${this.name}": the call ended before the peer answered the ${verb}`,
            ),
          );
        }
        if (event.type !== "CALL_REMOTE_SDP" || event.param !== "answer") return;
        if (id && event.callId && event.callId !== id) return;
        if (event.audioDir && !fits(event.audioDir)) return;
        done();
      };
      const timer = setTimeout(
        () =>
          done(
            new AgentError(
              `agent "${this.name}": the peer did not answer the re-INVITE of the ${verb} within ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.removeEventListener("event", onEvent);
        if (error) reject(error);
        else resolve();
      };
      cancel = () => done();
      this.addEventListener("event", onEvent);
    });
    return { promise, cancel };
  }

  #update(next: AgentSnapshot): void {
    if (next === this.#snapshot) return;
    this.#snapshot = next;
    this.dispatchEvent(new CustomEvent("change", { detail: next }));
  }

  #deathError(doing: string): AgentError {
    const info = this.#process.exitInfo;
    const how = info ? describeExit(info) : "an unknown status";
    const stopping = this.#stopped ? " after it was stopped" : "";
    return new AgentError(
      `agent "${this.name}": its baresip process (pid ${this.pid}) died with ${how}${stopping} while ${doing}${this.#process.logTail()}`,
    );
  }

  #requireAlive(doing: string): void {
    if (!this.alive) throw this.#deathError(`sending '${doing}'`);
  }

  #requireCall(verb: string, state?: "established", callId?: string) {
    const call = callId === undefined
      ? currentCall(this.#snapshot)
      : this.#snapshot.calls.find((c) => c.id === callId);
    if (callId !== undefined && !call) {
      throw new AgentError(`agent "${this.name}" cannot ${verb}: it has no call ${callId}`);
    }
    if (!call || (state && call.state !== state)) {
      throw new AgentError(
        `agent "${this.name}" cannot ${verb}: it has no ${
          state ?? "active"
        } call (state: ${this.state})`,
      );
    }
    return call;
  }

  #ringingCall(verb: string, callId?: string): CallSnapshot {
    const call = callId === undefined
      ? currentCall(this.#snapshot)
      : this.#snapshot.calls.find((c) => c.id === callId);
    if (!call || call.direction !== "incoming" || call.state !== "ringing") {
      throw new AgentError(
        `agent "${this.name}" has no ringing incoming call${
          callId === undefined ? "" : ` ${callId}`
        } to ${verb} (state: ${this.state})`,
      );
    }
    return call;
  }

  #requireRegistrar(verb: string): void {
    if (this.loopback) {
      throw new AgentError(
        `agent "${this.name}" cannot ${verb}: it is a loopback agent with no registrar`,
        {
          hint: "give the agent a username, domain and password",
        },
      );
    }
  }

  async #replaceUserAgent(regint: number): Promise<void> {
    const line = renderAccountLine(this.account, { regint });
    await this.command("uadel", this.aor).catch(() => {});
    await this.command("uanew", line);
  }
}

function hasPassword(account: AccountSettings): boolean {
  return account.password !== undefined && account.password !== "";
}

/** Stands in for a loopback agent's user and domain while its settings are checked. */
const LOOPBACK_PLACEHOLDER = { username: "loopback", domain: "127.0.0.1" };

function loopbackAccount(name: string, sipPort: number): AccountSettings {
  return { username: sipUserPart(name), domain: `127.0.0.1:${sipPort}`, regint: 0 };
}

/**
 * An agent's name as the user part of its loopback URI: as written (SIP
 * user parts are case-sensitive), with every character outside RFC 3261's
 * unreserved set percent-encoded (`"front desk"` → `front%20desk`).
 *
 * @example
 * ```ts
 * sipUserPart("Alice"); // "Alice"
 * sipUserPart("front desk"); // "front%20desk"
 * ```
 */
export function sipUserPart(name: string): string {
  if (name === "") return "agent";
  return [...new TextEncoder().encode(name)].map((byte) => {
    const ch = String.fromCharCode(byte);
    return /[A-Za-z0-9\-_.!~*'()]/.test(ch)
      ? ch
      : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }).join("");
}

function isLoopbackHost(domain: string): boolean {
  const host = domain.replace(/^\[|\](:\d+)?$/g, "").replace(/:\d+$/, "");
  return host === "localhost" || host.startsWith("127.") || host === "::1";
}

/** A `resume` refused with EINVAL while the agent's only call is the held one (see Agent.resume). */
function isStrayResumeError(error: unknown, s: AgentSnapshot): boolean {
  return error instanceof AgentError && /Invalid argument/.test(error.message) &&
    s.calls.length === 1 && s.calls[0].held;
}

/** The folder of an agent's audio: sndfile's dumps and converted files to send. */
function audioDir(configDir: string): string {
  return `${configDir}/audio`;
}

/** Quality of the current call, or of the last one when there is none. */
export function qualityOf(s: AgentSnapshot): CallQuality | undefined {
  const call = currentCall(s);
  const stats = call ? call.rtcp : s.lastRtcp;
  return stats ? callQuality(stats) : undefined;
}

async function writeAgentFiles(
  dir: string,
  install: BaresipInstall,
  dialect: Dialect,
  ports: AgentPorts,
  account: AccountSettings,
  loopback: boolean,
  options: AgentOptions,
): Promise<void> {
  const modulePath = options.config?.modulePath ?? install.modulePath;
  const extraModules = [
    ...dialect.extraModules(),
    ...codecModules(account.audio_codecs ?? []).filter((m) => m !== "g711")
      .filter((m) => hasModule(modulePath, m)),
    ...(account.media_enc === "srtp" || account.media_enc?.startsWith("srtp-") ? ["srtp"] : []),
    ...(account.media_enc === "dtls_srtp" ? ["dtls_srtp"] : []),
    ...(account.stun_server ? ["stun"] : []),
    ...(account.mwi ? ["mwi"] : []),
  ];
  const config = renderAgentConfig({
    modulePath,
    sipPort: ports.sip,
    ctrlPort: ports.ctrl,
    loopback,
    audioDevice: `ringo-${ports.ctrl}`,
    audioSource: options.audioSource ?? audioSourceOf(options.config),
    recordDir: audioDir(dir),
    extraModules,
    calls: options.calls,
    versionLines: dialect.configLines(),
  });
  await Deno.mkdir(audioDir(dir), { mode: 0o700 });
  await Deno.writeTextFile(
    `${dir}/config`,
    applyConfigOverrides(config, extrasLines(options.config)),
    { mode: 0o600 },
  );
  // regint 0: baresip never registers by itself (see `registerOnStart` in Agent.start).
  // No password: Agent.start gives it over ctrl_tcp, so none is ever on disk.
  const onDisk = { ...account, password: undefined };
  await Deno.writeTextFile(`${dir}/accounts`, renderAccountLine(onDisk, { regint: 0 }) + "\n", {
    mode: 0o600,
  });
  await Deno.writeTextFile(`${dir}/contacts`, "", { mode: 0o600 });
}

function hasModule(modulePath: string, name: string): boolean {
  try {
    return Deno.statSync(`${modulePath}/${name}.so`).isFile;
  } catch {
    return false;
  }
}
