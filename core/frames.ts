/**
 * Decoding of ctrl_tcp frames (the JSON inside each netstring) into typed
 * values, validated with zod at the wire. Unknown fields and unknown event
 * types are tolerated and kept in `raw`.
 *
 * @module
 */
import { z } from "zod";
import { CtrlTcpError } from "./errors.ts";

const rtcpDirection = z.object({
  sent: z.number().optional(),
  lost: z.number().optional(),
  jit: z.number().optional(),
}).loose();

const rtcpStatsSchema = z.object({
  tx: rtcpDirection.optional(),
  rx: rtcpDirection.optional(),
  rtt: z.number().optional(),
}).loose();

const eventSchema = z.object({
  event: z.literal(true),
  type: z.string(),
  class: z.string().optional(),
  accountaor: z.string().optional(),
  direction: z.string().optional(),
  peeruri: z.string().optional(),
  peerdisplayname: z.string().optional(),
  id: z.string().optional(),
  param: z.string().optional(),
  rtcp_stats: rtcpStatsSchema.optional(),
  audiodir: z.string().optional(),
  remoteaudiodir: z.string().optional(),
  localaudiodir: z.string().optional(),
}).loose();

const responseSchema = z.object({
  response: z.literal(true),
  ok: z.boolean(),
  data: z.string().optional(),
  token: z.string().optional(),
}).loose();

const messageSchema = z.object({
  message: z.literal(true),
}).loose();

/** RTCP statistics carried by a `CALL_RTCP` event. */
export type RtcpStats = z.infer<typeof rtcpStatsSchema>;

/** An asynchronous event from baresip (`{"event":true,...}`). */
export interface BaresipEvent {
  /** Event type, e.g. `CALL_INCOMING`, `REGISTER_OK`; unknown types are kept. */
  type: string;
  /** Event class, e.g. `call`, `register`, `other`. */
  class?: string;
  /** The account the event belongs to. */
  accountAor?: string;
  /** `incoming` or `outgoing` for call events. */
  direction?: "incoming" | "outgoing";
  /** The remote party's URI for call events. */
  peerUri?: string;
  /** The remote party's display name, where the baresip version sends it. */
  peerDisplayName?: string;
  /** baresip's call id (the SIP Call-ID for incoming calls). */
  callId?: string;
  /** The free-text parameter: a close reason, a DTMF digit, an SDP role… */
  param?: string;
  /** RTCP statistics of `CALL_RTCP` events. */
  rtcp?: RtcpStats;
  /**
   * The call's negotiated audio direction (`sendrecv`, `sendonly`,
   * `recvonly`, `inactive`), in call events of baresip ≥ 3.x.
   */
  audioDir?: string;
  /** The audio direction the peer's SDP asked for, in call events of baresip ≥ 3.x. */
  remoteAudioDir?: string;
  /** The audio direction this agent's own SDP offers, in call events of baresip ≥ 3.x. */
  localAudioDir?: string;
  /** The whole decoded JSON object, including fields ringo does not know. */
  raw: Record<string, unknown>;
}

/** A command's answer (`{"response":true,...}`). */
export interface BaresipResponse {
  ok: boolean;
  data: string;
  token?: string;
}

/** One frame from ctrl_tcp. */
export type CtrlFrame =
  | { kind: "event"; event: BaresipEvent }
  | { kind: "response"; response: BaresipResponse }
  | { kind: "message"; message: Record<string, unknown> };

/**
 * Decodes one frame's JSON text.
 *
 * @throws {CtrlTcpError} when the text is not JSON or not one of the three
 * frame kinds.
 * @example
 * ```ts
 * decodeFrame('{"response":true,"ok":true,"data":"","token":"7"}');
 * // { kind: "response", response: { ok: true, data: "", token: "7" } }
 * ```
 */
export function decodeFrame(text: string): CtrlFrame {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CtrlTcpError(`ctrl_tcp sent a frame that is not JSON: ${preview(text)}`);
  }
  if (typeof json !== "object" || json === null) {
    throw new CtrlTcpError(`ctrl_tcp sent a frame that is not a JSON object: ${preview(text)}`);
  }
  const record = json as Record<string, unknown>;
  if (record.event === true) {
    const parsed = eventSchema.safeParse(record);
    if (!parsed.success) throw invalid("event", parsed.error, text);
    const e = parsed.data;
    return {
      kind: "event",
      event: {
        type: e.type,
        class: e.class,
        accountAor: e.accountaor,
        direction: e.direction === "incoming" || e.direction === "outgoing"
          ? e.direction
          : undefined,
        peerUri: e.peeruri,
        peerDisplayName: e.peerdisplayname,
        callId: e.id,
        param: e.param,
        rtcp: e.rtcp_stats,
        audioDir: e.audiodir,
        remoteAudioDir: e.remoteaudiodir,
        localAudioDir: e.localaudiodir,
        raw: record,
      },
    };
  }
  if (record.response === true) {
    const parsed = responseSchema.safeParse(record);
    if (!parsed.success) throw invalid("response", parsed.error, text);
    const r = parsed.data;
    return { kind: "response", response: { ok: r.ok, data: r.data ?? "", token: r.token } };
  }
  if (record.message === true) {
    const parsed = messageSchema.safeParse(record);
    if (!parsed.success) throw invalid("message", parsed.error, text);
    return { kind: "message", message: record };
  }
  throw new CtrlTcpError(
    `ctrl_tcp sent a frame that is neither an event, a response nor a message: ${preview(text)}`,
  );
}

function invalid(kind: string, error: z.ZodError, text: string): CtrlTcpError {
  const issue = error.issues[0];
  const where = issue?.path.join(".") || "(root)";
  return new CtrlTcpError(
    `ctrl_tcp sent an invalid ${kind} frame: ${where}: ${issue?.message} in ${preview(text)}`,
  );
}

function preview(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}
