/**
 * The host's side of agents: starts core agents when a scenario asks,
 * performs their verbs, pushes every state change to the scenario, and
 * stops all of a scenario's agents when it ends (returning their logs).
 *
 * @module
 */
import { isAbsolute, join } from "node:path";
import {
  Agent as CoreAgent,
  AgentError,
  type AgentSnapshot,
  type BaresipEvent,
  type CallEndCause as CoreCallEndCause,
  type CallState,
  explainNetworkReason,
  formatVersion,
  fullHeaderName,
  IncomingCalls,
  type IncomingFailure,
  type MaxCallsRefusal,
  type SipMessage,
} from "../../core/mod.ts";
import {
  type AgentInfo,
  type AgentView,
  type AudioSource,
  type CallEndCause,
  type IncomingView,
  State,
} from "../protocol.ts";
import type { AgentReport } from "../report/events.ts";
import { type AgentEventLine, describeAgentEvent, describeMessage } from "./agent_events.ts";
import { insideFolder, uniqueSegment } from "../output_paths.ts";
import { type AgentMetric, AgentMetrics } from "./call_metrics.ts";
import { splitConfig } from "./agent_config.ts";

// The scenario API's State must stay the engine's CallState, and its causes the engine's.
const _sameStates: typeof CallState = State;
const _sameCauses: [CoreCallEndCause, CallEndCause] = ["bye", "bye"] as [
  CallEndCause,
  CoreCallEndCause,
];

/** Options of {@link AgentPool}. */
export interface AgentPoolOptions {
  /** Receives every agent's new state, for the scenario worker. */
  push(handle: number, view: AgentView): void;
  /** Dump each call's audio as WAV files under this folder (`--save-audio`). */
  saveAudioDir?: string;
  /** Keep each released scenario's SIP messages for {@link AgentPool.takeSipMessages} (`--pcap`, `--sip-messages`). */
  keepSip?: boolean;
  /** Receives each agent's notable events as report lines (see agent_events.ts). */
  onAgentEvent?(scenarioId: string, agent: string, line: AgentEventLine): void;
  /** Report each agent's figures (`--metrics`) to {@link onMetric} when its scenario ends. */
  metrics?: boolean;
  onMetric?(scenarioId: string, agent: string, metric: AgentMetric): void;
  /** Longest wait for a configured agent to register; default 10 s. */
  registerTimeoutMs?: number;
  /**
   * Makes a path a scenario gave (`file("prompt.wav")`) absolute, relative to
   * the scenario file, and throws when the sandbox may not read it; default:
   * paths must be absolute and are not checked.
   */
  resolveReadable?(path: string): string;
}

interface Owned {
  agent: CoreAgent;
  scenarioId: string;
  detach(): void;
  /** What the scenario last asked the agent to send, as it wrote it. */
  sending?: AudioSource;
  /** `respondIncoming()` / `deflect()`: what the agent does with new incoming calls. */
  incoming: IncomingCalls;
  /** With `--metrics`: the agent's figures. */
  metrics?: AgentMetrics;
  /** A path the scenario gave, made absolute; throws when the sandbox may not read it. */
  resolveReadable(path: string): string;
}

type Verb = (agent: CoreAgent, args: unknown[], owned: Owned) => Promise<unknown>;

const VERBS: Record<string, Verb> = {
  register: (a) => a.register(),
  unregister: (a) => a.unregister(),
  dial: (a, [target]) => a.dial(text(target, "dial target")),
  accept: (a) => a.accept(),
  reject: (a, [code]) => a.reject(code === undefined ? 486 : statusCode(code)),
  // In teardown a hangup of an agent without a call does nothing (`teardown(() => a.hangup())`).
  hangup: async (a, [options]) => {
    const lenient = (options as { ifAny?: unknown } | undefined)?.ifAny === true;
    if (lenient && a.snapshot.calls.length === 0) return;
    await a.hangup();
  },
  hold: (a) => a.hold(),
  resume: (a) => a.resume(),
  mute: (a) => a.mute(),
  dtmf: (a, [digits, gapMs]) =>
    a.sendDtmf(text(digits, "DTMF digits"), gapMs === undefined ? undefined : Number(gapMs)),
  transfer: (a, [target]) => a.transfer(text(target, "transfer target")),
  attendedTransfer: (a, [target]) => a.attendedTransfer(text(target, "transfer target")),
  completeTransfer: (a) => a.completeTransfer(),
  abortTransfer: (a) => a.abortTransfer(),
  sendAudio: async (a, [source], owned) => {
    const wanted = audioSource(source);
    const spec = wanted.kind === "file"
      ? { kind: "file" as const, path: owned.resolveReadable(wanted.path) }
      : wanted;
    await a.sendAudio(spec);
    owned.sending = wanted;
  },
  verifyAudio: async (a, [hz, timeoutMs]) => {
    const frequency = Number(hz);
    if (!Number.isFinite(frequency) || frequency <= 0) {
      throw new AgentError(`verifyAudio() needs a frequency in Hz, got ${JSON.stringify(hz)}`);
    }
    await a.waitForTone(frequency, { timeoutMs: Number(timeoutMs) || 10_000 });
  },
  recording: (a) => a.recording(),
  respondIncoming: (_a, [code, reason, headers], owned) => {
    if (code === null) owned.incoming.ring();
    else {
      owned.incoming.respond(
        Number(code),
        reason === undefined || reason === null ? undefined : text(reason, "reason phrase"),
        headers === undefined || headers === null ? undefined : headers as Record<string, unknown>,
      );
    }
    return Promise.resolve();
  },
  deflect: (_a, [target], owned) => {
    owned.incoming.deflect(text(target, "deflect target"));
    return Promise.resolve();
  },
  stopDeflect: (_a, _args, owned) => {
    if (owned.incoming.policy.kind === "deflect") owned.incoming.ring();
    return Promise.resolve();
  },
  message: async (a, [target, body]) => {
    const sent = await a.message(text(target, "message target"), text(body, "message text"));
    return { statusCode: sent.statusCode, reason: sent.reason };
  },
};

/**
 * The agents of one scenario worker, by handle.
 *
 * @example
 * ```ts
 * const pool = new AgentPool({ push: (handle, view) => worker.postMessage({ type: "agent", handle, view }) });
 * const info = await pool.start("s1", "A", null);
 * await pool.verb(info.handle, "dial", ["sip:b@127.0.0.1:5070"]);
 * const logs = await pool.release("s1"); // { A: "…baresip log…" }
 * ```
 */
export class AgentPool {
  readonly #options: AgentPoolOptions;
  readonly #owned = new Map<number, Owned>();
  readonly #sip = new Map<string, Record<string, SipMessage[]>>();
  readonly #reports = new Map<string, AgentReport[]>();
  #nextHandle = 1;
  #closed = false;

  constructor(options: AgentPoolOptions) {
    this.#options = options;
  }

  /** Starts agent `name` for scenario `scenarioId`; registers it first when its account has a registrar. */
  async start(
    scenarioId: string,
    name: string,
    config: Record<string, unknown> | null,
    folders: string[] = [scenarioId],
  ): Promise<AgentInfo> {
    const taken = [...this.#owned.values()].some((o) =>
      o.scenarioId === scenarioId && o.agent.name === name
    );
    if (taken) {
      throw new AgentError(`this scenario already has an agent named "${name}"`, {
        hint: "give each agent of a scenario its own name",
      });
    }
    const { account, loopbackSettings, calls, deflectTo } = splitConfig(name, config);
    const recordDir = this.#options.saveAudioDir
      ? insideFolder(this.#options.saveAudioDir, [
        ...folders,
        uniqueSegment(join(...folders), name),
      ])
      : undefined;
    if (recordDir) await Deno.mkdir(recordDir, { recursive: true });
    const registers = account !== undefined && account.regint !== 0;
    const agent = await CoreAgent.start({
      name,
      account,
      loopbackSettings,
      registerOnStart: registers,
      calls,
      recordDir,
      // Always on: header()/headers() read the received INVITE from the trace.
      sipTrace: true,
    });
    if (this.#closed) {
      // The run ended (Ctrl-C) while this agent was starting.
      await agent.stop();
      throw new AgentError(`agent "${name}" started after its scenario ended`);
    }
    const handle = this.#nextHandle++;
    const incoming = new IncomingCalls(agent);
    const metrics = this.#options.metrics ? new AgentMetrics(agent) : undefined;
    const owned: Owned = {
      agent,
      scenarioId,
      incoming,
      metrics,
      detach: () => {
        incoming.close();
        metrics?.close();
        agent.removeEventListener("change", onChange);
        agent.removeEventListener("event", onEvent);
        agent.removeEventListener("sip", onSip);
        agent.removeEventListener("refused", onRefused);
        incoming.removeEventListener("failure", onIncomingFailure);
      },
      resolveReadable: this.#options.resolveReadable ?? absoluteOnly,
    };
    let lastMessage = agent.messages.at(-1);
    const onChange = () => {
      this.#options.push(handle, viewOf(agent, owned));
      // A MESSAGE that arrived is a line of the report (it is answered 200 by baresip itself).
      const messages = agent.messages;
      if (messages.at(-1) === lastMessage) return;
      for (const message of messages.slice(messages.lastIndexOf(lastMessage!) + 1)) {
        this.#options.onAgentEvent?.(scenarioId, name, describeMessage(message));
      }
      lastMessage = messages.at(-1);
    };
    const onIncomingFailure: EventListener = (e) => {
      const failure = (e as CustomEvent<IncomingFailure>).detail;
      const what = failure.policy.kind === "deflect"
        ? `could not deflect call ${failure.callId} to ${failure.policy.target}`
        : `could not answer call ${failure.callId} with ${
          failure.policy.kind === "respond" ? failure.policy.code : "its response"
        }`;
      this.#options.onAgentEvent?.(scenarioId, name, {
        message: `${what}: ${failure.message}`,
        level: "warn",
      });
    };
    incoming.addEventListener("failure", onIncomingFailure);
    if (deflectTo !== undefined) {
      try {
        incoming.deflect(deflectTo);
      } catch (error) {
        incoming.close();
        await agent.stop();
        throw new AgentError(`agent "${name}": deflect_to: ${(error as Error).message}`);
      }
    }
    const onEvent: EventListener = (e) => {
      const line = describeAgentEvent((e as CustomEvent<BaresipEvent>).detail);
      if (line) this.#options.onAgentEvent?.(scenarioId, name, line);
    };
    let warnedUdp = false;
    const onSip: EventListener = (e) => {
      const line = udpSizeWarning((e as CustomEvent<SipMessage>).detail);
      if (line && !warnedUdp) {
        warnedUdp = true;
        this.#options.onAgentEvent?.(scenarioId, name, line);
      }
    };
    const onRefused: EventListener = (e) => {
      const refusal = (e as CustomEvent<MaxCallsRefusal>).detail;
      this.#options.onAgentEvent?.(scenarioId, name, { message: refusal.message, level: "warn" });
    };
    agent.addEventListener("change", onChange);
    agent.addEventListener("event", onEvent);
    agent.addEventListener("sip", onSip);
    agent.addEventListener("refused", onRefused);
    this.#owned.set(handle, owned);
    if (registers) await this.#awaitRegistration(agent);
    return {
      handle,
      name,
      aor: agent.aor,
      contactUri: agent.contactUri,
      loopback: agent.loopback,
      baresipVersion: formatVersion(agent.install.version),
      view: viewOf(agent, owned),
    };
  }

  /** Performs `verb` on the agent `handle` of scenario `scenarioId`. */
  async verb(scenarioId: string, handle: number, verb: string, args: unknown[]): Promise<unknown> {
    const owned = this.#owned.get(handle);
    if (!owned || owned.scenarioId !== scenarioId) {
      throw new AgentError(
        `this scenario has no agent #${handle} (it ended, or was never started)`,
      );
    }
    const perform = Object.hasOwn(VERBS, verb) ? VERBS[verb] : undefined;
    if (!perform) throw new AgentError(`agents have no verb "${verb}"`);
    const value = await perform(owned.agent, Array.isArray(args) ? args : [], owned);
    if (["sendAudio", "respondIncoming", "deflect", "stopDeflect"].includes(verb)) {
      this.#options.push(handle, viewOf(owned.agent, owned));
    }
    return value;
  }

  /** Stops every agent of `scenarioId` and returns their logs by agent name. */
  async release(scenarioId: string): Promise<Record<string, string>> {
    const mine = [...this.#owned].filter(([, o]) => o.scenarioId === scenarioId);
    if (mine.length > 0) this.#reports.set(scenarioId, mine.map(([, o]) => reportOf(o.agent)));
    for (const [handle, owned] of mine) {
      for (const metric of owned.metrics?.collect() ?? []) {
        this.#options.onMetric?.(scenarioId, owned.agent.name, metric);
      }
      owned.detach();
      this.#owned.delete(handle);
    }
    await Promise.all(mine.map(([, o]) => o.agent.stop()));
    if (this.#options.keepSip) {
      this.#sip.set(
        scenarioId,
        Object.fromEntries(mine.map(([, o]) => [o.agent.name, [...o.agent.sipMessages]])),
      );
    }
    return Object.fromEntries(mine.map(([, o]) => [o.agent.name, o.agent.log.text()]));
  }

  /** With `keepSip`: the SIP messages of `scenarioId`'s agents, by name, once released (then forgotten). */
  takeSipMessages(scenarioId: string): Record<string, SipMessage[]> | undefined {
    const sip = this.#sip.get(scenarioId);
    this.#sip.delete(scenarioId);
    return sip;
  }

  /** How the agents of `scenarioId` ended up, once released (then forgotten). */
  takeReports(scenarioId: string): AgentReport[] | undefined {
    const reports = this.#reports.get(scenarioId);
    this.#reports.delete(scenarioId);
    return reports;
  }

  /** Stops every agent of every scenario, and any agent still starting once it is up. */
  async releaseAll(): Promise<void> {
    this.#closed = true;
    const ids = new Set([...this.#owned.values()].map((o) => o.scenarioId));
    await Promise.all([...ids].map((id) => this.release(id)));
  }

  async #awaitRegistration(agent: CoreAgent): Promise<void> {
    const timeoutMs = this.#options.registerTimeoutMs ?? 10_000;
    // On failure the agent still belongs to the scenario, and is stopped with it.
    const s = await agent.waitFor(
      (s) => s.registration.state === "registered" || s.registration.state === "failed",
      { timeoutMs, description: `${agent.name} registered as ${agent.aor}` },
    );
    if (s.registration.state === "failed") {
      const reason = s.registration.reason ?? "no reason given";
      const explained = explainNetworkReason(reason, agent.account.outbound ?? agent.aor);
      throw new AgentError(
        `agent "${agent.name}" could not register as ${agent.aor}: ${explained}`,
        {
          hint: explained === reason
            ? "check the username, password and domain (env files, --env-file)"
            : "check the domain (and outbound proxy) for a typo, and that DNS answers for it",
        },
      );
    }
  }
}

/**
 * baresip (libre) reads a UDP datagram into an 8 KiB buffer: a bigger SIP
 * message sent to it over UDP is dropped without an answer or a trace line,
 * and many peers do the same above the path MTU.
 */
export const UDP_SIP_LIMIT = 8192;

/** A warning for a message this agent sent over UDP that receivers like baresip drop. */
export function udpSizeWarning(message: SipMessage): AgentEventLine | undefined {
  if (message.direction !== "sent" || message.transport !== "UDP") return undefined;
  const bytes = new TextEncoder().encode(message.raw).length;
  if (bytes <= UDP_SIP_LIMIT) return undefined;
  const what = message.method ?? "a SIP message";
  return {
    message: `sent ${what} of ${bytes} bytes over UDP: baresip and many peers drop UDP SIP ` +
      `messages over ${UDP_SIP_LIMIT} bytes without an answer; use transport: "tcp" for big messages`,
    level: "warn",
  };
}

/** An agent's state as the scenario sees it (with what the scenario set on it, when given). */
export function viewOf(
  agent: CoreAgent,
  owned?: Pick<Owned, "sending" | "incoming">,
): AgentView {
  const sending = owned?.sending;
  const incoming = incomingView(owned?.incoming);
  const s: AgentSnapshot = agent.snapshot;
  const quality = agent.quality;
  const registration = s.registration.reason
    ? { ...s.registration, reason: explainNetworkReason(s.registration.reason, agent.aor) }
    : s.registration;
  const lastClose = s.lastClose
    ? { ...s.lastClose, reason: explainNetworkReason(s.lastClose.reason, s.lastClose.peer?.uri) }
    : undefined;
  return {
    registration,
    calls: s.calls,
    ...(lastClose ? { lastClose } : {}),
    ended: s.ended,
    dtmfReceived: s.dtmfReceived,
    ...(s.messageWaiting ? { messageWaiting: s.messageWaiting } : {}),
    alive: agent.alive,
    changedAt: performance.timeOrigin + performance.now(),
    ...inviteOf(agent),
    ...(quality ? { quality } : {}),
    ...(sending ? { sending } : {}),
    ...(incoming ? { incoming } : {}),
    ...(agent.messages.length ? { messages: agent.messages.map((m) => ({ ...m })) } : {}),
  };
}

function incomingView(incoming: IncomingCalls | undefined): IncomingView | undefined {
  const policy = incoming?.policy;
  if (!policy || policy.kind === "ring") return undefined;
  return policy.kind === "respond"
    ? { kind: "respond", code: policy.code, ...(policy.reason ? { reason: policy.reason } : {}) }
    : { kind: "deflect", target: policy.target };
}

/** An agent's registration and call quality, for the report of its scenario. */
function reportOf(agent: CoreAgent): AgentReport {
  const quality = agent.quality;
  return {
    name: agent.name,
    aor: agent.aor,
    loopback: agent.loopback,
    registration: agent.snapshot.registration.state,
    ...(quality ? { quality } : {}),
  };
}

/** The received INVITE's headers (full names) of the agent's current or last incoming call. */
function inviteOf(agent: CoreAgent): Pick<AgentView, "invite"> {
  const invite = agent.receivedInvite();
  if (!invite?.callId) return {};
  const headers = invite.headers.map(([n, v]): [string, string] => [fullHeaderName(n), v]);
  return { invite: { callId: invite.callId, headers } };
}

function absoluteOnly(path: string): string {
  if (!isAbsolute(path)) {
    throw new AgentError(`expected an absolute path, got ${JSON.stringify(path)}`);
  }
  return path;
}

/** Checks an audio source that crossed from the scenario. */
function audioSource(value: unknown): AudioSource {
  const v = (value ?? {}) as Record<string, unknown>;
  if (v.kind === "tone" && typeof v.hz === "number") return { kind: "tone", hz: v.hz };
  if (v.kind === "file" && typeof v.path === "string" && v.path !== "") {
    return { kind: "file", path: v.path };
  }
  if (v.kind === "silence") return { kind: "silence" };
  throw new AgentError(
    `sendAudio() needs tone(hz), file(path) or silent(), got ${JSON.stringify(value)}`,
  );
}

function text(value: unknown, what: string): string {
  if (typeof value !== "string" || value === "") {
    throw new AgentError(`expected a ${what} as a string, got ${JSON.stringify(value)}`);
  }
  return value;
}

function statusCode(value: unknown): number {
  const code = Number(value);
  if (!Number.isInteger(code) || code < 400 || code > 699) {
    throw new AgentError(`reject() needs a SIP status code 400-699, got ${JSON.stringify(value)}`);
  }
  return code;
}
