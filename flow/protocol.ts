/**
 * The messages between the runner (the privileged host, which owns the
 * baresip agents) and a scenario file's sandboxed Worker, and the agent
 * state the host pushes to it. Plain data only: everything here crosses
 * `postMessage`.
 *
 * The conversation for one file:
 * 1. host → `init` (file, mode); the worker imports the file;
 * 2. worker → `listed` (list mode), `ready` (run mode, a file with
 *    `scenario()` calls), `done` (run mode, a plain script: the import was
 *    the scenario) or `load-error`;
 * 3. host → `run` per selected scenario; worker → `done` each time;
 * 4. meanwhile worker → `call` (an agent verb, `agent()` itself, `loadEnv`)
 *    and host → `reply`; host → `agent` whenever an agent's state changes,
 *    always before the `reply` that follows the change; worker → `event`
 *    (assertions and log lines); host → `abort` on Ctrl-C.
 *
 * This module has no imports outside `flow/`, so the scenario side of
 * ringo (`flow/api/`) type-checks with nothing but `@ringo/flow` mapped.
 *
 * @module
 */
import type { NetEvent } from "./net/wire.ts";
import type { AssertionEvent, LogEvent, MetricEvent } from "./report/events.ts";

/**
 * What a scenario may import besides files it may read and `node:`
 * built-ins: the module URLs of ringo itself (`@ringo/flow`), and the
 * `npm:`/`jsr:` packages and hosts `--allow-import` names.
 */
export interface ImportPolicy {
  /** URL prefixes of ringo's own modules. */
  ringo: string[];
  /** Granted specifier prefixes (`npm:zod`, `jsr:@std/assert`) and hosts (`esm.sh`); `true` for any. */
  granted: string[] | true;
}

/**
 * How long a scenario's teardown may run after its body ended or timed out.
 * The worker aborts the teardown then; the host's backstop allows no more.
 */
export const TEARDOWN_LIMIT_MS = 10_000;

/** Call states, with the engine's string values. */
export const State = {
  Idle: "idle",
  Calling: "calling",
  Ringing: "ringing",
  Established: "established",
} as const;
/** One of {@link State}'s values. */
export type State = typeof State[keyof typeof State];

/** The remote party of a call. */
export interface PeerView {
  uri: string;
  number: string;
  name?: string;
}

/** RTCP figures of a call, as baresip reports them. */
export interface RtcpView {
  tx?: { sent?: number; lost?: number; jit?: number };
  rx?: { sent?: number; lost?: number; jit?: number };
  rtt?: number;
}

/** One call of an agent. */
export interface CallView {
  id?: string;
  direction: "incoming" | "outgoing";
  state: Exclude<State, "idle">;
  peer: PeerView;
  /** This agent holds the call. */
  held: boolean;
  /** The peer holds the call (its re-INVITE offered sendonly or inactive); baresip 1.0.0 never says. */
  remoteHeld?: boolean;
  muted: boolean;
  startedAt: number;
  establishedAt?: number;
  rtcp?: RtcpView;
}

/**
 * Why a call ended, the same on every baresip version: core/dialect.ts's
 * `CallEndCause`, repeated because the scenario side may not load core/
 * (flow/sandbox/agents.ts checks at compile time that the two agree).
 */
export type CallEndCause =
  | "bye"
  | "cancel"
  | "rejected"
  | "busy"
  | "not-found"
  | "timeout"
  | "rtp-timeout"
  | "transfer"
  | "error";

/** How a call ended. */
export interface CloseView {
  /** baresip's own words. */
  reason: string;
  statusCode?: number;
  cause: CallEndCause;
  /** Which side ended it, where known. */
  by?: "local" | "remote";
  callId?: string;
  peer?: PeerView;
}

/** A call that has ended. */
export interface EndedCallView {
  id?: string;
  direction: "incoming" | "outgoing";
  peer: PeerView;
  startedAt: number;
  establishedAt?: number;
  /** Seconds from established to close; absent for a call never established. */
  durationS?: number;
  close: CloseView;
}

/** What an agent sends: `tone(hz)`, `file(path)` or `silent()` in scenarios. */
export type AudioSource =
  | { kind: "tone"; hz: number }
  | { kind: "file"; path: string }
  | { kind: "silence" };

/** Call quality from RTCP, with the MOS of a simplified G.107 E-model. */
export interface QualityView {
  /** Mean opinion score, 1–4.5. */
  mos: number;
  /** Round-trip time in ms. */
  rtt: number;
  /** Jitter of the received audio in ms. */
  jitter: number;
  /** Lost share of the received packets, in percent. */
  packetLoss: number;
}

/** One SIP MESSAGE an agent received. */
export interface MessageView {
  /** The sender's URI. */
  from: string;
  /** The sender's display name, when the message said it. */
  fromName?: string;
  /** `text/plain` for texts. */
  contentType: string;
  body: string;
  /** When it arrived (ms since the epoch). */
  at: number;
}

/** How an agent answers new incoming calls, set by `respondIncoming()` / `deflect()`. */
export type IncomingView =
  | { kind: "respond"; code: number; reason?: string }
  | { kind: "deflect"; target: string };

/** Everything the host knows about one agent, pushed on every change. */
export interface AgentView {
  registration: {
    state: "unregistered" | "registering" | "registered" | "failed";
    statusCode?: number;
    reason?: string;
  };
  calls: CallView[];
  lastClose?: CloseView;
  /** The agent's ended calls, oldest first (the engine keeps the last 100). */
  ended: EndedCallView[];
  dtmfReceived: string;
  messageWaiting?: { waiting: boolean; newMessages?: number; oldMessages?: number };
  /** False once the agent's baresip process has ended. */
  alive: boolean;
  /**
   * The headers of the INVITE received for the current or last incoming
   * call, in order, compact names expanded (`f` → `From`).
   */
  invite?: { callId: string; headers: Array<[string, string]> };
  /** Quality of the current call (or the last one), once an RTCP report counted packets. */
  quality?: QualityView;
  /** What the agent sends, as the scenario last asked (`sendAudio`); absent: silence. */
  sending?: AudioSource;
  /** The SIP MESSAGEs the agent received, oldest first; absent: none yet. */
  messages?: MessageView[];
  /** What the agent does with new incoming calls; absent: they ring. */
  incoming?: IncomingView;
  /**
   * When the host saw the change this view shows, in milliseconds since the
   * epoch with sub-millisecond precision (`performance.timeOrigin + performance.now()`).
   */
  changedAt: number;
}

/** What `agent()` learns once the host started the agent. */
export interface AgentInfo {
  handle: number;
  name: string;
  aor: string;
  contactUri: string;
  loopback: boolean;
  baresipVersion: string;
  view: AgentView;
}

/** An error as it crosses the boundary. */
export interface WireError {
  name: string;
  message: string;
  hint?: string;
  stack?: string;
}

/** Where in a scenario file something went wrong. */
export interface WireLocation {
  file: string;
  line: number;
  column?: number;
}

/** A failure as the worker reports it. */
export interface WireFailure {
  message: string;
  stack?: string;
  location?: WireLocation;
}

/** A scenario as declared in a file. */
export interface DeclaredScenario {
  name: string;
  tags: string[];
  skip?: boolean | string;
  only?: boolean;
  /** Its own timeout in milliseconds, from the `timeout` option. */
  timeoutMs?: number;
  /** It may run beside the file's other scenarios (`concurrent` option, or `concurrent()`). */
  concurrent?: boolean;
}

/** The methods a worker may call on the host. */
export type HostMethod =
  | "agent.start"
  | "agent.verb"
  | "env.load"
  /** HTTP, mock servers and WebSockets: performed by the host (flow/net/). */
  | "net.http"
  | "net.mock.start"
  | "net.mock.route"
  | "net.mock.reply"
  | "net.mock.stop"
  | "net.mock.ws.send"
  | "net.mock.ws.close"
  | "net.ws.open"
  | "net.ws.send"
  | "net.ws.close";

/** Host → worker. */
export type HostMessage =
  | {
    type: "init";
    /** The scenario module's URL. */
    url: string;
    /** The file as reports show it. */
    file: string;
    mode: "list" | "run";
    /** Set in run mode for a plain script: the import itself is this scenario. */
    implicit?: { id: string; timeoutMs: number };
    /** What the sandbox lets the scenario import beyond its folders (see imports.ts). */
    imports: ImportPolicy;
    /** Shared memory for synchronous `env()` lookups (see flow/api/runtime.ts). */
    envChannel: SharedArrayBuffer;
  }
  | { type: "run"; id: string; index: number; timeoutMs: number }
  | { type: "abort"; id: string; reason: string }
  /** The relay's first message to a heap-limited scenario thread (see sandbox/relay.ts). */
  | { type: "warm" }
  | { type: "reply"; callId: number; ok: true; value: unknown }
  | { type: "reply"; callId: number; ok: false; error: WireError }
  | { type: "agent"; handle: number; view: AgentView }
  /** A mock server's request or a WebSocket's message, pushed as it happens. */
  | { type: "net"; owner: string; event: NetEvent };

/** Worker → host. */
export type WorkerMessage =
  | { type: "listed"; plain: boolean; scenarios: DeclaredScenario[] }
  | { type: "ready"; scenarios: DeclaredScenario[] }
  | { type: "load-error"; failure: WireFailure }
  | {
    type: "done";
    id: string;
    status: "passed" | "failed" | "skipped";
    failure?: WireFailure;
    reason?: string;
  }
  | { type: "call"; callId: number; scenarioId: string; method: HostMethod; params: unknown[] }
  /** The scenario's body is over and its teardown starts (the host owns its time limit). */
  | { type: "teardown"; id: string }
  | { type: "env"; name: string }
  /**
   * An `expect(...)` result, a log line, a measured value: sent as the
   * report events they become. Those with `agent` set (an agent's own
   * lines and, with `--metrics`, its call figures) come from the host.
   */
  | AssertionEvent
  | LogEvent
  | MetricEvent
  /**
   * Sent by the sandbox's relay (relay.ts), not by scenario code: the
   * scenario's thread ended on its own — it hit its memory limit, called
   * `close()`/`Deno.exit()`, or died of an error nobody caught.
   */
  | { type: "exited"; reason: "memory" | "exit" | "error"; message: string };

/** The name of a plain script's one scenario: its file name without the extension. */
export function implicitScenarioName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.[cm]?[jt]sx?$/, "");
}
