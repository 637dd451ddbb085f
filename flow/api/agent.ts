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
  type EndedCallView,
  type IncomingView,
  type MessageView,
  type PeerView,
  type QualityView,
  State,
} from "../protocol.ts";
import { FlowError } from "./errors.ts";
// core/sip_headers.ts imports nothing, so the scenario side may share it.
import {
  headerRecord,
  headerRecordAll,
  headerValue,
  headerValues,
} from "../../core/sip_headers.ts";
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
  /**
   * Extra SIP headers on outgoing INVITEs (needs baresip ≥ 2.0.0): a record
   * (an array value sends the header once per element, in order) or
   * `[name, value]` pairs.
   */
  headers?:
    | Record<string, string | number | Array<string | number>>
    | Array<[string, string | number]>;
  /** Deflect every incoming call to this URI or number from the start (see {@link Agent.deflect}). */
  deflect_to?: string;
  /**
   * Data of the scenario's own about this agent (a role, a number, a test
   * account id): never sent anywhere, read back as {@link Agent.metadata}.
   */
  metadata?: Record<string, unknown>;
  /** Calls at once before the agent answers `486 Max Calls` (default 16). */
  max_calls?: number;
  /** Hold the established call when answering another (default false; 1.0.0 always holds). */
  auto_hold?: boolean;
  /** End a call that receives no RTP for this long (default `"30s"`; `0` never). */
  rtp_timeout?: Duration;
}

/**
 * The only "name" `new Agent(…)` takes: a sentence, so that the type check
 * of `new Agent("A", config)` says what to write instead.
 */
export type UseAgentFunction =
  "new Agent() does not start an agent: write `await agent(name, config)`";

/** What {@link Agent.info} returns: the agent in one plain object. */
export interface AgentDescription {
  name: string;
  aor: string;
  contactUri: string;
  loopback: boolean;
  baresipVersion: string;
  alive: boolean;
  registered: boolean;
  registration: AgentView["registration"];
  state: State;
  /** Of the current call: this agent holds it / the peer holds it / the microphone is muted. */
  held: boolean;
  remoteHeld: boolean;
  muted: boolean;
  peer?: PeerView;
  /** Why the last call ended, and its SIP status code (as {@link Agent.reason} / {@link Agent.statusCode}). */
  reason?: string;
  statusCode?: number;
  /** Live calls, then ended ones (each with its `close.cause`), oldest first. */
  calls: CallView[];
  ended: EndedCallView[];
  lastClose?: AgentView["lastClose"];
  dtmfReceived: string;
  /** `respondIncoming()` / `deflect()` in force. */
  incoming?: IncomingView;
  metadata: Readonly<Record<string, unknown>>;
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
  const { metadata, ...settings } = config ?? {};
  if (metadata !== undefined && (typeof metadata !== "object" || metadata === null)) {
    throw new FlowError(
      `agent("${name}"): metadata must be an object, got ${JSON.stringify(metadata)}`,
    );
  }
  let kept: Record<string, unknown>;
  try {
    kept = deepFreeze(structuredClone(metadata ?? {}));
  } catch (error) {
    throw new FlowError(
      `agent("${name}"): metadata must be plain data (no functions or class instances): ${
        (error as Error).message
      }`,
    );
  }
  const info = await rt.call("agent.start", [name, config ? settings : null]) as AgentInfo;
  rt.names.set(info.handle, info.name);
  rt.views.set(info.handle, info.view);
  return new Agent(rt, info, kept);
}

/**
 * One SIP user agent of a scenario. Getters are snapshots of the latest
 * state; verbs resolve when baresip accepted them (use `until` to wait for
 * their effect).
 */
export class Agent {
  readonly #rt: Runtime;
  readonly #info: AgentInfo;
  readonly #metadata: Readonly<Record<string, unknown>>;

  /**
   * Agents are made by {@link agent}: `await agent(name, config)`. This
   * signature exists so that `new Agent(name, config)` (ringo-flow's way)
   * fails the type check with that sentence; at run time it throws it.
   */
  constructor(name: UseAgentFunction, config?: AgentConfig);
  /** @internal Used by {@link agent}. */
  constructor(rt: Runtime, info: AgentInfo, metadata?: Readonly<Record<string, unknown>>);
  constructor(
    rt: Runtime | string,
    info?: AgentInfo | AgentConfig,
    metadata: Readonly<Record<string, unknown>> = {},
  ) {
    if (typeof (rt as Partial<Runtime>)?.requireRun !== "function" || typeof info !== "object") {
      const name = typeof rt === "string" ? JSON.stringify(rt) : "name";
      throw new FlowError(
        `new Agent(…) does not start an agent: use \`await agent(${name}, config)\``,
        {
          hint:
            "agents are started by the runner, so agent() is asynchronous; `ringo flow migrate` " +
            "rewrites ringo-flow scenarios this way",
        },
      );
    }
    this.#rt = rt as Runtime;
    this.#info = info as AgentInfo;
    this.#metadata = metadata;
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

  /** True while this agent holds the current call (its own `hold()`, or baresip's auto-hold). */
  get held(): boolean {
    return this.#read("held", this.#current?.held ?? false);
  }

  /**
   * True while the peer holds the current call: its re-INVITE offered
   * `sendonly` or `inactive`. baresip 1.0.0 does not report it (always false there).
   */
  get remoteHeld(): boolean {
    return this.#read("remoteHeld", this.#current?.remoteHeld ?? false);
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

  /** The agent's live calls (ringing, calling or established), oldest first; see {@link ended}. */
  get calls(): readonly CallView[] {
    return this.#read("calls", this.#view.calls);
  }

  /**
   * The agent's ended calls, oldest first (the last 100): each with its
   * `close` — `cause` (`bye`, `cancel`, `rejected`, `busy`, `not-found`,
   * `timeout`, `rtp-timeout`, `transfer`, `error`), `by`, `statusCode`,
   * `reason` — and `durationS` once it was established.
   */
  get ended(): readonly EndedCallView[] {
    return this.#read("ended", this.#view.ended);
  }

  /** The `metadata` given in the agent's config (`{}` without), frozen. */
  get metadata(): Readonly<Record<string, unknown>> {
    return this.#read("metadata", this.#metadata);
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

  /**
   * Every value of header `name` (case-insensitive, compact forms
   * understood) in the INVITE of the current or last incoming call, one
   * entry per header line, in order — values that contain commas stay
   * whole; `[]` when absent.
   */
  headerValues(name: string): string[] {
    return this.#read(
      `header ${name}`,
      headerValues(this.#view.invite?.headers ?? [], String(name)),
    );
  }

  /**
   * Every header of that INVITE with all its values: keyed by full name as
   * first spelled, one array entry per header line (see {@link headerValues}).
   */
  headersAll(): Record<string, string[]> {
    return this.#read("headers", headerRecordAll(this.#view.invite?.headers ?? []));
  }

  /** The agent in one plain object, for logs. */
  info(): AgentDescription {
    const view = this.#view;
    const current = view.calls.at(-1);
    return {
      name: this.name,
      aor: this.aor,
      contactUri: this.contactUri,
      loopback: this.loopback,
      baresipVersion: this.#info.baresipVersion,
      alive: view.alive,
      registered: view.registration.state === "registered",
      registration: view.registration,
      state: current?.state ?? State.Idle,
      held: current?.held ?? false,
      remoteHeld: current?.remoteHeld ?? false,
      muted: current?.muted ?? false,
      ...(current ? { peer: current.peer } : {}),
      ...(view.lastClose?.reason ? { reason: view.lastClose.reason } : {}),
      ...(view.lastClose?.statusCode !== undefined
        ? { statusCode: view.lastClose.statusCode }
        : {}),
      calls: view.calls,
      ended: view.ended,
      ...(view.lastClose ? { lastClose: view.lastClose } : {}),
      dtmfReceived: view.dtmfReceived,
      ...(view.incoming ? { incoming: view.incoming } : {}),
      metadata: this.#metadata,
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

  /**
   * Ends the current call. In `teardown` an agent without a call resolves
   * (so `teardown(() => a.hangup())` suits scenarios that already hung up);
   * elsewhere that is an error.
   */
  hangup(): Promise<void> {
    return this.#verb("hangup", { ifAny: this.#rt.inTeardown });
  }

  /**
   * From now on, answers every incoming INVITE with `code` and `reason`
   * instead of ringing (`respondIncoming(486)`, `respondIncoming(603,
   * "Decline")`); `respondIncoming(null)` lets calls ring again. baresip
   * has sent `180 Ringing` before the final response; codes other than 486
   * need baresip ≥ 3.19.0, and no baresip can add `headers` to it (an error
   * says so).
   *
   * @example
   * ```ts
   * await b.respondIncoming(486);
   * await a.dial(b);
   * await until(() => expect(a.statusCode).toBe(486));
   * ```
   */
  respondIncoming(
    code: number | null,
    reason?: string,
    headers?: Record<string, string | number | Array<string | number>>,
  ): Promise<void> {
    if (code !== null && (typeof code !== "number" || !Number.isInteger(code))) {
      return Promise.reject(
        new FlowError(
          `respondIncoming() needs a SIP status code or null, got ${JSON.stringify(code)}`,
        ),
      );
    }
    return this.#verb("respondIncoming", code, reason ?? null, headers ?? null);
  }

  /**
   * From now on, deflects every incoming call to `target` (an agent, a URI
   * or a number): it is answered and transferred at once (REFER), as
   * baresip cannot answer with a 302. The caller must accept REFER.
   */
  deflect(target: Agent | string): Promise<void> {
    return this.#verb("deflect", targetUri(target, "deflect"));
  }

  /** Stops deflecting: incoming calls ring again. */
  stopDeflect(): Promise<void> {
    return this.#verb("stopDeflect");
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

/** Freezes `value` and everything in it (metadata is the scenario's, shared by every read). */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
