/**
 * Agents as scenarios see them: `await agent("A", config?)` starts one (in
 * the runner, which owns the baresip process); verbs resolve once baresip
 * accepted them; getters read the state the runner last pushed, so they are
 * synchronous and `until` re-checks them on every change.
 *
 * @module
 */
import { parseDuration } from "../duration.ts";
import { noteRead } from "../expect.ts";
import {
  type AgentInfo,
  type AgentView,
  type AudioSource,
  type CallView,
  type MessageView,
  type PeerView,
  type QualityView,
  State,
} from "../protocol.ts";
import { FlowError } from "./errors.ts";
// core/sip_headers.ts imports nothing, so the scenario side may share it.
import { headerRecord, headerValue } from "../../core/sip_headers.ts";
import { type Runtime, runtime } from "./runtime.ts";

/** A duration: `"500ms"`, `"10s"`, `"2m"`, or a number of seconds. */
export type Duration = string | number;

/**
 * A SIP account for {@link agent}. Without one (or with a loopback domain)
 * the agent answers on 127.0.0.1 with no registrar.
 */
export interface AgentConfig {
  /** The account's user; without `username` and `domain` the agent is a loopback agent. */
  username?: string;
  /** Registrar / domain, `host` or `host:port`. */
  domain?: string;
  password?: string;
  display_name?: string;
  transport?: "udp" | "tcp" | "tls";
  /** Authentication user when it differs from `username`. */
  auth_user?: string;
  /** Outbound proxy URI. */
  outbound?: string;
  stun_server?: string;
  media_enc?: "srtp" | "srtp-mand" | "srtp-mandf" | "dtls_srtp" | "zrtp";
  /** Registration interval in seconds; `0` starts the agent unregistered (call `register()`). */
  regint?: number;
  /** Subscribe to message-waiting indications. */
  mwi?: boolean;
  dtmf_mode?: "rtpevent" | "info" | "auto";
  /** Extra SIP headers on outgoing INVITEs (needs baresip ≥ 2.0.0). */
  headers?: Record<string, string | number> | Array<[string, string | number]>;
  /** Calls at once before the agent answers `486 Max Calls` (default 16). */
  max_calls?: number;
  /** Hold the established call when answering another (default false; 1.0.0 always holds). */
  auto_hold?: boolean;
  /** End a call that receives no RTP for this long (default `"30s"`; `0` never). */
  rtp_timeout?: Duration;
}

/** What {@link Agent.info} returns: the agent in one plain object. */
export interface AgentDescription {
  name: string;
  aor: string;
  contactUri: string;
  loopback: boolean;
  baresipVersion: string;
  alive: boolean;
  registration: AgentView["registration"];
  state: State;
  calls: CallView[];
  lastClose?: AgentView["lastClose"];
  dtmfReceived: string;
  /** When the runner saw the latest change of this agent (ms since the epoch, sub-ms precision). */
  changedAt: number;
}

/**
 * Starts an agent for the running scenario. With a `config` that has a
 * registrar (and `regint` not 0) it registers first and resolves once it is
 * registered; a refused registration rejects with the registrar's answer.
 * The agent is stopped when the scenario ends, whatever happens.
 *
 * @example
 * ```ts
 * const a = await agent("A", { username: env("A_USER"), domain: env("SIP_DOMAIN"), password: env("A_PASS") });
 * const b = await agent("B"); // loopback agent, no PBX
 * await a.dial(b);
 * ```
 */
export async function agent(name: string, config?: AgentConfig): Promise<Agent> {
  const rt = runtime();
  if (typeof name !== "string" || name.trim() === "") {
    throw new FlowError(`agent() needs a name such as "A", got ${JSON.stringify(name)}`);
  }
  rt.requireRun("agent()");
  const info = await rt.call("agent.start", [name, config ?? null]) as AgentInfo;
  rt.names.set(info.handle, info.name);
  rt.views.set(info.handle, info.view);
  return new Agent(rt, info);
}

/**
 * One SIP user agent of a scenario. Getters are snapshots of the latest
 * state; verbs resolve when baresip accepted them (use `until` to wait for
 * their effect).
 */
export class Agent {
  readonly #rt: Runtime;
  readonly #info: AgentInfo;

  /** @internal Agents are made by {@link agent}. */
  constructor(rt: Runtime, info: AgentInfo) {
    this.#rt = rt;
    this.#info = info;
  }

  /** The name given to `agent()`. */
  get name(): string {
    return this.#info.name;
  }

  /** The address of record, e.g. `sip:alice@pbx.example.com` (`sip:A@127.0.0.1:20004` for a loopback agent named "A"). */
  get aor(): string {
    return this.#info.aor;
  }

  /** The URI that reaches this agent directly on 127.0.0.1. */
  get contactUri(): string {
    return this.#info.contactUri;
  }

  /** True for an agent with no registrar. */
  get loopback(): boolean {
    return this.#info.loopback;
  }

  /** True once the registrar answered 200 (and not since removed). */
  get registered(): boolean {
    return this.#read("registered", this.#view.registration.state === "registered");
  }

  /** Registration state with the registrar's status code and reason. */
  get registration(): AgentView["registration"] {
    return this.#read("registration", this.#view.registration);
  }

  /** The current call's state, or `idle`. */
  get state(): State {
    return this.#read("state", this.#current?.state ?? State.Idle);
  }

  /** True while the current call is on hold (put there by this agent). */
  get held(): boolean {
    return this.#read("held", this.#current?.held ?? false);
  }

  /** True while this agent's microphone is muted in the current call. */
  get muted(): boolean {
    return this.#read("muted", this.#current?.muted ?? false);
  }

  /** Why the last call ended: `Connection reset by user`, `486 Busy Here`… */
  get reason(): string | undefined {
    return this.#read("reason", this.#view.lastClose?.reason);
  }

  /** The SIP status code of the last call's end (486 after a decline), when there was one. */
  get statusCode(): number | undefined {
    return this.#read("statusCode", this.#view.lastClose?.statusCode);
  }

  /** Every call of the agent, oldest first. */
  get calls(): readonly CallView[] {
    return this.#read("calls", this.#view.calls);
  }

  /** The current call (the newest), if any. */
  get call(): CallView | undefined {
    return this.#read("call", this.#current);
  }

  /** The remote party of the current call. */
  get peer(): PeerView | undefined {
    return this.#read("peer", this.#current?.peer);
  }

  /** DTMF digits received so far, in order (`"123#"`). */
  get dtmfReceived(): string {
    return this.#read("dtmfReceived", this.#view.dtmfReceived);
  }

  /** The last message-waiting indication (accounts with `mwi: true`). */
  get messageWaiting(): AgentView["messageWaiting"] {
    return this.#read("messageWaiting", this.#view.messageWaiting);
  }

  /** What the agent sends (`sendAudio`): silence until told otherwise. */
  get sending(): AudioSource {
    return this.#read("sending", this.#view.sending ?? { kind: "silence" });
  }

  /**
   * Quality of what the agent receives in its current call (or its last one):
   * `{ mos, rtt, jitter, packetLoss }` from RTCP, MOS by a simplified ITU-T
   * G.107 E-model; undefined until an RTCP report counted packets (about 5 s
   * into a call).
   */
  get quality(): QualityView | undefined {
    return this.#read("quality", this.#view.quality);
  }

  /** The SIP MESSAGEs this agent received, oldest first: `{ from, contentType, body, at }`. */
  get messages(): readonly MessageView[] {
    return this.#read("messages", this.#view.messages ?? []);
  }

  /** False once the agent's baresip process has ended. */
  get alive(): boolean {
    return this.#read("alive", this.#view.alive);
  }

  /**
   * A header of the INVITE this agent received for its current (or last)
   * incoming call: the name is case-insensitive and may be a compact form
   * (`f`, `t`, `i`, `m`, …); a header that appears more than once gives its
   * values joined with `", "`. `undefined` when the INVITE had no such
   * header, or before an incoming call.
   *
   * @example
   * ```ts
   * // The INVITE's trace can come just after the ringing: wait on the header itself.
   * await until(() => expect(b.header("X-Customer-Id")).toBe("42"));
   * ```
   */
  header(name: string): string | undefined {
    return this.#read(
      `header ${name}`,
      headerValue(this.#view.invite?.headers ?? [], String(name)),
    );
  }

  /**
   * Every header of that INVITE (see {@link header}): keyed by full name
   * (`From`, not `f`) as first spelled, repeats joined with `", "`; `{}`
   * before an incoming call.
   */
  headers(): Record<string, string> {
    return this.#read("headers", headerRecord(this.#view.invite?.headers ?? []));
  }

  /** The agent in one plain object, for logs. */
  info(): AgentDescription {
    const view = this.#view;
    return {
      name: this.name,
      aor: this.aor,
      contactUri: this.contactUri,
      loopback: this.loopback,
      baresipVersion: this.#info.baresipVersion,
      alive: view.alive,
      registration: view.registration,
      state: view.calls.at(-1)?.state ?? State.Idle,
      calls: view.calls,
      ...(view.lastClose ? { lastClose: view.lastClose } : {}),
      dtmfReceived: view.dtmfReceived,
      changedAt: view.changedAt,
    };
  }

  /** Same as {@link info}, so `JSON.stringify(a)` and `log(a)` show the agent. */
  toJSON(): AgentDescription {
    return this.info();
  }

  /** Registers with the account's registrar (then `registered` turns true). */
  register(): Promise<void> {
    return this.#verb("register");
  }

  /** Removes the registration. */
  unregister(): Promise<void> {
    return this.#verb("unregister");
  }

  /**
   * Calls `target`: another agent, a SIP URI, `user@host`, or a bare number
   * dialled in this agent's own domain.
   */
  dial(target: Agent | string): Promise<void> {
    return this.#verb("dial", targetUri(target, "dial"));
  }

  /** Answers the ringing incoming call. */
  accept(): Promise<void> {
    return this.#verb("accept");
  }

  /** Declines the ringing incoming call with `code` (486 Busy Here by default; others need baresip ≥ 2.0.0). */
  reject(code = 486): Promise<void> {
    return this.#verb("reject", code);
  }

  /** Ends the current call. */
  hangup(): Promise<void> {
    return this.#verb("hangup");
  }

  /** Puts the current call on hold. */
  hold(): Promise<void> {
    return this.#verb("hold");
  }

  /** Resumes the held call. */
  resume(): Promise<void> {
    return this.#verb("resume");
  }

  /** Toggles the microphone mute of the current call. */
  mute(): Promise<void> {
    return this.#verb("mute");
  }

  /** Sends DTMF digits (0-9 * # A-D), `gap` apart (default 150ms). */
  dtmf(digits: string, gap?: Duration): Promise<void> {
    const gapMs = gap === undefined ? undefined : parseDuration(gap);
    return this.#verb("dtmf", String(digits), gapMs);
  }

  /**
   * Sends `source` from now on — `tone(hz)`, `file(path)` or `silent()` — in
   * the current call at once and in later calls from their start.
   */
  sendAudio(source: AudioSource): Promise<void> {
    return this.#verb("sendAudio", source);
  }

  /**
   * Resolves once this agent hears a `hz` tone in its current call (only
   * what it receives counts, never what it sends). Fails after `within`
   * (default: the scenario's default timeout) with what it heard instead:
   * the strongest frequencies and the level.
   */
  verifyAudio(hz: number, within?: Duration): Promise<void> {
    const ms = within === undefined ? this.#rt.defaultTimeoutMs : parseDuration(within);
    return this.#verb("verifyAudio", hz, ms);
  }

  /**
   * The path of a WAV file with what this agent received in its current (or
   * last) call so far; undefined before any call had audio. With
   * `--save-audio` it is in that folder and stays after the run.
   */
  async recording(): Promise<string | undefined> {
    this.#rt.requireRun(`${this.name}.recording()`);
    const path = await this.#rt.call("agent.verb", [this.#info.handle, "recording", []]);
    return typeof path === "string" ? path : undefined;
  }

  /**
   * Sends a SIP MESSAGE with `text` to `target` (an agent, a SIP URI or a
   * number) and resolves with the final answer: `statusCode` 200 when it
   * was delivered, 404/480/… when not (a refusal is not an error: check it).
   *
   * @example
   * ```ts
   * expect((await a.message(b, "hello")).statusCode).toBe(200);
   * await until(() => expect(b.messages.at(-1)?.body).toBe("hello"));
   * ```
   */
  async message(
    target: Agent | string,
    text: string,
  ): Promise<{ statusCode?: number; reason?: string }> {
    this.#rt.requireRun(`${this.name}.message()`);
    const answer = await this.#rt.call("agent.verb", [this.#info.handle, "message", [
      targetUri(target, "message"),
      String(text),
    ]]);
    return (answer ?? {}) as { statusCode?: number; reason?: string };
  }

  /** Blind transfer (REFER) of the current call to `target`. */
  transfer(target: Agent | string): Promise<void> {
    return this.#verb("transfer", targetUri(target, "transfer"));
  }

  /** Starts an attended transfer to `target` (needs baresip ≥ 2.0.0). */
  attendedTransfer(target: Agent | string): Promise<void> {
    return this.#verb("attendedTransfer", targetUri(target, "attendedTransfer"));
  }

  /** Completes an attended transfer. */
  completeTransfer(): Promise<void> {
    return this.#verb("completeTransfer");
  }

  /** Abandons an attended transfer. */
  abortTransfer(): Promise<void> {
    return this.#verb("abortTransfer");
  }

  get #view(): AgentView {
    const view = this.#rt.views.get(this.#info.handle);
    if (!view) throw new FlowError(`agent "${this.name}" is unknown to this scenario`);
    return view;
  }

  get #current(): CallView | undefined {
    return this.#view.calls.at(-1);
  }

  #read<T>(what: string, value: T): T {
    noteRead(`${this.name} ${what}`, value);
    return value;
  }

  async #verb(verb: string, ...args: unknown[]): Promise<void> {
    this.#rt.requireRun(`${this.name}.${verb}()`);
    await this.#rt.call("agent.verb", [this.#info.handle, verb, args]);
  }
}

/** The URI to call for a dial/transfer target. */
function targetUri(target: Agent | string, verb: string): string {
  if (typeof target === "object" && target !== null && typeof target.aor === "string") {
    return target.loopback ? target.contactUri : target.aor;
  }
  if (typeof target === "string" && target.trim() !== "") return target;
  throw new FlowError(
    `${verb}() needs an agent, a SIP URI or a number, got ${JSON.stringify(target)}`,
  );
}
