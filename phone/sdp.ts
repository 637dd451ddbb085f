/**
 * The audio codec a call settled on, read from the SDP answer in the SIP
 * trace: the first payload type of the answer's `m=audio` line, named by
 * its `a=rtpmap` or, for static types, by RFC 3551.
 *
 * @module
 */
import type { SipMessage } from "../core/sip_trace.ts";

/** RFC 3551's static audio payload types. */
const STATIC_TYPES: Record<string, string> = {
  "0": "PCMU/8000",
  "3": "GSM/8000",
  "4": "G723/8000",
  "8": "PCMA/8000",
  "9": "G722/8000",
  "18": "G729/8000",
};

/**
 * The codec of an SDP body: `PCMU/8000`, `opus/48000/2`; undefined without an audio line.
 *
 * @example
 * ```ts
 * sdpCodec("v=0\r\nm=audio 4000 RTP/AVP 8 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"); // "PCMA/8000"
 * ```
 */
export function sdpCodec(sdp: string): string | undefined {
  const lines = sdp.split(/\r?\n/);
  const media = lines.find((l) => l.startsWith("m=audio "));
  if (!media) return undefined;
  const first = media.split(/\s+/)[3];
  if (first === undefined) return undefined;
  const rtpmap = lines.find((l) => l.startsWith(`a=rtpmap:${first} `));
  return rtpmap ? rtpmap.slice(`a=rtpmap:${first} `.length).trim() : STATIC_TYPES[first];
}

/**
 * The codec of call `callId` from the trace: the last answer with SDP
 * (a 2xx or 183 response) of that Call-ID.
 */
export function negotiatedCodec(
  messages: readonly SipMessage[],
  callId: string,
): string | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.callId !== callId || m.statusCode === undefined) continue;
    if ((m.statusCode >= 200 && m.statusCode < 300) || m.statusCode === 183) {
      const codec = m.body.includes("m=audio") ? sdpCodec(m.body) : undefined;
      if (codec) return codec;
    }
  }
  return undefined;
}
