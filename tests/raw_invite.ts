/**
 * A hand-written SIP INVITE (compact header names, an SDP offer) for tests
 * that play a foreign SIP peer towards a baresip agent over plain UDP.
 *
 * @module
 */

/**
 * The bytes of an INVITE to `target` from a peer on 127.0.0.1:`port`, with
 * `extra` headers after the standard ones.
 *
 * @example
 * ```ts
 * socket.send(rawInvite("sip:b@127.0.0.1:5070", 40000, "call-1", [["X-Test", "1"]]), 5070, "127.0.0.1");
 * ```
 */
export function rawInvite(
  target: string,
  port: number,
  callId: string,
  extra: Array<[string, string]>,
): Uint8Array {
  const sdp = [
    "v=0",
    `o=- 1 1 IN IP4 127.0.0.1`,
    "s=-",
    "c=IN IP4 127.0.0.1",
    "t=0 0",
    `m=audio ${port + 2} RTP/AVP 0`,
    "a=rtpmap:0 PCMU/8000",
    "a=sendrecv",
    "",
  ].join("\r\n");
  const lines = [
    `INVITE ${target} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-${crypto.randomUUID()};rport`,
    "Max-Forwards: 70",
    `f: <sip:raw@127.0.0.1:${port}>;tag=r1`,
    `t: <${target}>`,
    `i: ${callId}`,
    "CSeq: 1 INVITE",
    `m: <sip:raw@127.0.0.1:${port}>`,
    ...extra.map(([n, v]) => `${n}: ${v}`),
    "c: application/sdp",
    `l: ${new TextEncoder().encode(sdp).length}`,
    "",
    sdp,
  ];
  return new TextEncoder().encode(lines.join("\r\n"));
}
