/**
 * The one place that knows how baresip versions differ in what ringo sends
 * and reads: config lines, command parameters, and the wording of events.
 * `Agent` asks its dialect instead of comparing versions itself; what a
 * version cannot do at all is in `capabilities.ts`.
 *
 * Every rule here was observed on a real build (1.0.0 from Debian, 1.1.0,
 * 3.14.0 and 4.10.0 from `.ci/build-baresip`); the version each rule starts
 * with comes from baresip's changelog and source.
 *
 * @module
 */
import type { BaresipInstall } from "./baresip.ts";
import type { BaresipEvent } from "./frames.ts";
import { Capabilities } from "./capabilities.ts";
import { BaresipError } from "./errors.ts";
import { reasonPhrase } from "./sip_status.ts";
import { atLeast, formatVersion, type Version, version } from "./version.ts";

/** Since 2.0.0 audio is only resampled/converted by these modules (baresip#1705, #1634). */
const CONVERTER_MODULES = ["auresamp", "auconv"];
const CONVERTERS_SINCE = version("2.0.0");
/** `hangup <call-id>` (1.1.0's menu: "add optional parameter call-id to cmd_hangup"). */
const HANGUP_CALL_ID_SINCE = version("1.1.0");
/** The audio jitter buffer in milliseconds (`audio_jitter_buffer_ms`, baresip#3476 era); before it in frames. */
const JBUF_MS_SINCE = version("4.1.0");
/** `call_hold_other_calls` (baresip#1280): before it, answering a call always held the established one. */
const HOLD_OTHERS_OPTIONAL_SINCE = version("1.1.0");
/** ctrl_tcp's `{"message":true,…}` frames (1.1.0 registers a message listener; 1.0.0's ctrl_tcp has none). */
const MESSAGE_FRAMES_SINCE = version("1.1.0");
/** `hold`/`resume <call-id>`: read in 3.14.0 and 4.10.0's menu; older menus act on their current call. */
const CALL_ID_PARAMS_SINCE = version("3.14.0");

/**
 * How to talk to one baresip version.
 *
 * @example
 * ```ts
 * const dialect = Dialect.of(await detectBaresip());
 * dialect.rejectParams("abc@host", 603, "Decline"); // "abc@host scode=603 reason=Decline" on ≥ 3.19
 * ```
 */
export class Dialect {
  /** What this version can do. */
  readonly capabilities: Capabilities;

  private constructor(readonly version: Version, readonly modules: ReadonlySet<string>) {
    this.capabilities = new Capabilities(version);
  }

  /** The dialect of an installation. */
  static of(install: Pick<BaresipInstall, "version" | "modules">): Dialect {
    return new Dialect(install.version, install.modules);
  }

  /**
   * Modules to load besides the base ones: the audio converters where the
   * version needs them.
   *
   * @throws {BaresipError} when the module folder lacks a module this version needs.
   */
  extraModules(): string[] {
    if (!atLeast(this.version, CONVERTERS_SINCE)) return [];
    const missing = CONVERTER_MODULES.filter((m) => !this.modules.has(m));
    if (missing.length > 0) {
      throw new BaresipError(
        `baresip ${formatVersion(this.version)} converts audio only with the ${
          missing.join(" and ")
        } module${
          missing.length > 1 ? "s" : ""
        }, which its module folder lacks: calls would send no audio`,
        { hint: "build baresip with them (.ci/build-baresip does)" },
      );
    }
    return CONVERTER_MODULES;
  }

  /**
   * The events that `event` stands for in ringo's model. 3.x and later
   * report a peer's hold as `CALL_HOLD`/`CALL_RESUME`; 1.1.0 only says, in a
   * re-INVITE's `CALL_REMOTE_SDP offer`, the direction left to us
   * (`remoteaudiodir`, with no `audiodir`), so that becomes one of them.
   * 1.0.0 says nothing of it.
   */
  expand(event: BaresipEvent): BaresipEvent[] {
    const raw = event.raw;
    const dir = typeof raw.remoteaudiodir === "string" ? raw.remoteaudiodir : undefined;
    if (event.type !== "CALL_REMOTE_SDP" || event.param !== "offer" || !dir || "audiodir" in raw) {
      return [event];
    }
    const held = dir === "recvonly" || dir === "inactive";
    return [event, { ...event, type: held ? "CALL_HOLD" : "CALL_RESUME", param: "" }];
  }

  /**
   * Whether answering a call puts the established one on hold: as asked
   * (`autoHold`) from 1.1.0 on, always in 1.0.0, whose menu cannot be told
   * otherwise. (3.x/4.x also report it in their events; 1.x do not.)
   */
  acceptHoldsOthers(autoHold: boolean): boolean {
    return autoHold || !atLeast(this.version, HOLD_OTHERS_OPTIONAL_SINCE);
  }

  /**
   * Whether ctrl_tcp forwards received SIP MESSAGEs as frames; where it
   * does not (1.0.0), they are read from the SIP trace.
   */
  receivesMessageFrames(): boolean {
    return atLeast(this.version, MESSAGE_FRAMES_SINCE);
  }

  /** Parameters of `hold`/`resume` that name call `callId` where the version reads them. */
  callParams(callId: string | undefined): string | undefined {
    return callId && atLeast(this.version, CALL_ID_PARAMS_SINCE) ? callId : undefined;
  }

  /**
   * Config lines whose keys the version renamed: the audio jitter buffer,
   * kept small (1–10 packets) so audio arrives promptly. 4.x reads only
   * `audio_jitter_buffer_ms` and would otherwise buffer 100–200 ms.
   */
  configLines(): Array<[string, string]> {
    return atLeast(this.version, JBUF_MS_SINCE)
      ? [["audio_jitter_buffer_type", "fixed"], ["audio_jitter_buffer_ms", "20-200"]]
      : [["jitter_buffer_delay", "1-10"]];
  }

  /**
   * Why baresip cannot answer a new INVITE with `code` and `headers` at
   * once (a sticky response, see incoming_calls.ts), or undefined when it
   * can (then {@link rejectParams} sends it, and may still need a newer
   * version for codes other than 486). Observed on 1.0.0, 3.14.0 and
   * 4.10.0: every version sends `180 Ringing` as it accepts the INVITE,
   * before ctrl_tcp reports CALL_INCOMING, so the final response follows a
   * 180; `hangup` takes codes ≥ 400 only (4.x's menu: "Hangup scode must be
   * >= 400", and no Contact would go with a 3xx) and no headers for the
   * response (libre's `sipsess_reject` gets none from the menu).
   */
  immediateResponseLimit(code: number, headers?: Record<string, unknown>): string | undefined {
    if (!Number.isInteger(code) || code < 300 || code > 699) {
      return `an incoming call can be answered with a final code from 400 to 699, got ${code}`;
    }
    if (code < 400) {
      return `baresip cannot answer an INVITE with ${code} (a redirect): its hangup command ` +
        "takes codes from 400 up and adds no Contact; deflect(target) answers and transfers instead";
    }
    if (headers && Object.keys(headers).length > 0) {
      return "baresip cannot add headers to its final response to an INVITE (up to 4.10.0, " +
        "hangup takes only a status code and a reason phrase)";
    }
    return undefined;
  }

  /** Parameters of `hangup` that end exactly call `callId` (versions before 1.1.0 ignore them). */
  hangupParams(callId: string | undefined): string | undefined {
    return callId && atLeast(this.version, HANGUP_CALL_ID_SINCE) ? callId : undefined;
  }

  /**
   * Parameters of `hangup` that decline ringing call `callId` with `code`
   * (486 Busy Here is what every version sends without them). baresip reads
   * `reason=` up to the next space, so the words of a phrase are joined
   * with '-' (`480 Temporarily-Unavailable`).
   */
  rejectParams(callId: string | undefined, code: number, reason?: string): string | undefined {
    if (code === 486 && !reason) return this.hangupParams(callId);
    this.capabilities.require("reject-with-code");
    const phrase = (reason ?? reasonPhrase(code)).trim().split(/\s+/).join("-");
    return [callId, `scode=${code}`, `reason=${phrase}`].filter(Boolean).join(" ");
  }
}

/** Why a call ended, the same on every baresip version. */
export type CallEndCause =
  /** An established call ended by a BYE (`by` says which side sent it). */
  | "bye"
  /** A call ended before answer by its caller (`by: "local"`: this agent hung up its outgoing call). */
  | "cancel"
  /** Declined with a final response (the status code says which). */
  | "rejected"
  /** Declined as busy (486, 600). */
  | "busy"
  /** The callee does not exist (404, 604, 484, 410). */
  | "not-found"
  /** Nobody answered in time (408, or baresip's `call_local_timeout`). */
  | "timeout"
  /** An established call received no RTP for the agent's RTP timeout. */
  | "rtp-timeout"
  /** Handed on by a transfer: REFER sent or received, or replaced by a Replaces INVITE. */
  | "transfer"
  /** Anything else: a media or transport failure, a codec mismatch… */
  | "error";

/** What the reducer knows about a call when it closes. */
export interface CloseContext {
  direction: "incoming" | "outgoing";
  established: boolean;
  /** This agent asked for the end (and with which code, when declining). */
  ending?: { code?: number };
  transferred: boolean;
}

/**
 * Classifies a `CALL_CLOSED` reason. baresip's wording varies by version
 * (observed): a BYE received reads "Connection reset by peer" (1.x) or
 * "Connection reset by peer [104]" (3.x/4.x); one sent reads "Connection
 * reset by user" (1.x, 3.x) or "Rejected by user" (4.x); a declined call
 * reads "486 Rejected" (1.x) or "486 Busy Here"; a transfer "Call
 * transfered"; a Replaces "<call-id> replaced"; an RTP timeout "rtp stream
 * error"; `call_local_timeout` "Local timeout".
 *
 * @example
 * ```ts
 * classifyClose("Connection reset by peer [104]", { direction: "outgoing", established: true, transferred: false });
 * // { cause: "bye", by: "remote" }
 * ```
 */
export function classifyClose(
  reason: string,
  context: CloseContext,
): { cause: CallEndCause; by?: "local" | "remote"; statusCode?: number } {
  const received = /^\s*([1-6]\d\d)\b/.exec(reason);
  const statusCode = received ? Number(received[1]) : context.ending?.code;
  const withCode = statusCode !== undefined ? { statusCode } : {};
  if (context.transferred || /\btransfer+ed\b/i.test(reason) || / replaced$/.test(reason)) {
    return { cause: "transfer", ...withCode };
  }
  if (context.ending) {
    if (context.established) return { cause: "bye", by: "local" };
    if (context.direction === "outgoing") return { cause: "cancel", by: "local" };
    const code = context.ending.code ?? 486;
    return { cause: codeCause(code), by: "local", statusCode: code };
  }
  if (received) {
    const code = Number(received[1]);
    return { cause: code === 487 ? "cancel" : codeCause(code), by: "remote", statusCode: code };
  }
  if (/local timeout/i.test(reason)) return { cause: "timeout", by: "local" };
  if (/rtp stream error|rtp timeout/i.test(reason)) return { cause: "rtp-timeout", by: "local" };
  if (/timed out/i.test(reason)) {
    return { cause: context.established ? "rtp-timeout" : "timeout", by: "local" };
  }
  if (/connection reset by peer/i.test(reason)) {
    if (context.established) return { cause: "bye", by: "remote" };
    if (context.direction === "incoming") return { cause: "cancel", by: "remote" };
  }
  return { cause: "error", ...withCode };
}

function codeCause(code: number): CallEndCause {
  if (code === 486 || code === 600) return "busy";
  if ([404, 410, 484, 604].includes(code)) return "not-found";
  if (code === 408) return "timeout";
  return "rejected";
}
