/**
 * A pcap (libpcap classic format) writer for SIP messages taken from a
 * trace: each message becomes one Ethernet frame with a synthesized IPv4 or
 * IPv6 header and a UDP datagram (or, for stream transports, one TCP
 * segment), with correct checksums, so Wireshark and tshark decode it as SIP.
 *
 * @module
 */
import type { Endpoint, SipMessage } from "./sip_trace.ts";

/** LINKTYPE_ETHERNET. */
const LINKTYPE_ETHERNET = 1;
const SNAPLEN = 262_144;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const PROTO_TCP = 6;
const PROTO_UDP = 17;

/** One packet to write: a payload between two endpoints at a time. */
export interface PcapPacket {
  /** Milliseconds since the epoch (fractions kept to the microsecond). */
  timestamp: number;
  /** `UDP`, or a stream transport (`TCP`, `TLS`, `WS`, `WSS`), written as TCP. */
  transport: string;
  source: Endpoint;
  destination: Endpoint;
  payload: Uint8Array;
}

/**
 * The 24-byte pcap file header (microsecond timestamps, Ethernet frames).
 *
 * @example
 * ```ts
 * await Deno.writeFile("sip.pcap", pcapHeader());
 * ```
 */
export function pcapHeader(): Uint8Array {
  const out = new Uint8Array(24);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setInt32(8, 0, true);
  v.setUint32(12, 0, true);
  v.setUint32(16, SNAPLEN, true);
  v.setUint32(20, LINKTYPE_ETHERNET, true);
  return out;
}

/**
 * Encodes packets as pcap records (no file header). TCP sequence numbers
 * run on per connection across calls of the same encoder.
 *
 * @example
 * ```ts
 * const encoder = new PcapEncoder();
 * const bytes = concat([pcapHeader(), encoder.records(sipPackets(messages))]);
 * ```
 */
export class PcapEncoder {
  readonly #sequence = new Map<string, number>();
  #ipId = 1;

  /** The records of `packets`, in the order given. */
  records(packets: Iterable<PcapPacket>): Uint8Array {
    const parts: Uint8Array[] = [];
    for (const packet of packets) parts.push(this.#record(packet));
    return concat(parts);
  }

  #record(p: PcapPacket): Uint8Array {
    const frame = this.#frame(p);
    const out = new Uint8Array(16 + frame.length);
    const v = new DataView(out.buffer);
    const micros = Math.round(p.timestamp * 1000);
    v.setUint32(0, Math.floor(micros / 1e6), true);
    v.setUint32(4, micros % 1e6, true);
    v.setUint32(8, frame.length, true);
    v.setUint32(12, frame.length, true);
    out.set(frame, 16);
    return out;
  }

  #frame(p: PcapPacket): Uint8Array {
    const src = ipBytes(p.source.host);
    const dst = ipBytes(p.destination.host);
    if (src.length !== dst.length) {
      throw new Error(
        `cannot mix IPv4 and IPv6 in one packet (${p.source.host} → ${p.destination.host})`,
      );
    }
    const udp = p.transport.toUpperCase() === "UDP";
    const transport = udp ? udpSegment(p, src, dst) : this.#tcpSegment(p, src, dst);
    const ip = src.length === 4
      ? ipv4Header(src, dst, udp ? PROTO_UDP : PROTO_TCP, transport.length, this.#ipId++ & 0xffff)
      : ipv6Header(src, dst, udp ? PROTO_UDP : PROTO_TCP, transport.length);
    const ethernet = new Uint8Array(14);
    ethernet.set([0, 0, 0, 0, 0, 2], 0);
    ethernet.set([0, 0, 0, 0, 0, 1], 6);
    new DataView(ethernet.buffer).setUint16(12, src.length === 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6);
    return concat([ethernet, ip, transport]);
  }

  #tcpSegment(p: PcapPacket, src: Uint8Array, dst: Uint8Array): Uint8Array {
    const flow = `${p.source.host}|${p.source.port}|${p.destination.host}|${p.destination.port}`;
    const back = `${p.destination.host}|${p.destination.port}|${p.source.host}|${p.source.port}`;
    const seq = this.#sequence.get(flow) ?? 1;
    this.#sequence.set(flow, (seq + p.payload.length) >>> 0);
    const ack = this.#sequence.get(back) ?? 1;
    const out = new Uint8Array(20 + p.payload.length);
    const v = new DataView(out.buffer);
    v.setUint16(0, p.source.port);
    v.setUint16(2, p.destination.port);
    v.setUint32(4, seq);
    v.setUint32(8, ack);
    v.setUint8(12, 5 << 4);
    v.setUint8(13, 0x18); // PSH, ACK
    v.setUint16(14, 65535);
    out.set(p.payload, 20);
    v.setUint16(16, transportChecksum(src, dst, PROTO_TCP, out));
    return out;
  }
}

/**
 * The packets of SIP messages: their raw text as the payload.
 *
 * @example
 * ```ts
 * new PcapEncoder().records(sipPackets(agent.sipMessages));
 * ```
 */
export function* sipPackets(messages: Iterable<SipMessage>): Generator<PcapPacket> {
  const encoder = new TextEncoder();
  for (const m of messages) {
    yield {
      timestamp: m.timestamp,
      transport: m.transport,
      source: m.source,
      destination: m.destination,
      payload: encoder.encode(m.raw),
    };
  }
}

/**
 * The Internet checksum (RFC 1071) of `bytes`.
 *
 * @example
 * ```ts
 * internetChecksum(new Uint8Array([0x45, 0x00])); // 0xbaff
 * ```
 */
export function internetChecksum(...chunks: Uint8Array[]): number {
  let sum = 0;
  for (const bytes of chunks) {
    for (let i = 0; i < bytes.length; i += 2) {
      sum += (bytes[i] << 8) | (i + 1 < bytes.length ? bytes[i + 1] : 0);
    }
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function udpSegment(p: PcapPacket, src: Uint8Array, dst: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + p.payload.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, p.source.port);
  v.setUint16(2, p.destination.port);
  v.setUint16(4, Math.min(out.length, 0xffff));
  out.set(p.payload, 8);
  const sum = transportChecksum(src, dst, PROTO_UDP, out);
  v.setUint16(6, sum === 0 ? 0xffff : sum);
  return out;
}

/** The UDP/TCP checksum over the pseudo-header of IPv4 or IPv6 and the segment. */
function transportChecksum(
  src: Uint8Array,
  dst: Uint8Array,
  protocol: number,
  segment: Uint8Array,
): number {
  const pseudo = new Uint8Array(src.length === 4 ? 12 : 40);
  const v = new DataView(pseudo.buffer);
  pseudo.set(src, 0);
  pseudo.set(dst, src.length);
  if (src.length === 4) {
    v.setUint8(9, protocol);
    v.setUint16(10, segment.length);
  } else {
    v.setUint32(32, segment.length);
    v.setUint8(39, protocol);
  }
  return internetChecksum(pseudo, segment);
}

function ipv4Header(
  src: Uint8Array,
  dst: Uint8Array,
  protocol: number,
  payloadLength: number,
  id: number,
): Uint8Array {
  const out = new Uint8Array(20);
  const v = new DataView(out.buffer);
  v.setUint8(0, 0x45);
  v.setUint16(2, Math.min(20 + payloadLength, 0xffff));
  v.setUint16(4, id);
  v.setUint16(6, 0x4000); // don't fragment
  v.setUint8(8, 64);
  v.setUint8(9, protocol);
  out.set(src, 12);
  out.set(dst, 16);
  v.setUint16(10, internetChecksum(out));
  return out;
}

function ipv6Header(
  src: Uint8Array,
  dst: Uint8Array,
  protocol: number,
  payloadLength: number,
): Uint8Array {
  const out = new Uint8Array(40);
  const v = new DataView(out.buffer);
  v.setUint32(0, 6 << 28);
  v.setUint16(4, Math.min(payloadLength, 0xffff));
  v.setUint8(6, protocol);
  v.setUint8(7, 64);
  out.set(src, 8);
  out.set(dst, 24);
  return out;
}

/** An IPv4 or IPv6 address as bytes; anything else (a host name) becomes 0.0.0.0. */
function ipBytes(host: string): Uint8Array {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) return new Uint8Array(v4.slice(1).map(Number));
  if (host.includes(":")) return ipv6Bytes(host.replace(/%.*$/, ""));
  return new Uint8Array(4);
}

function ipv6Bytes(host: string): Uint8Array {
  const out = new Uint8Array(16);
  let text = host;
  const tail: number[] = [];
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    tail.push((Number(v4[1]) << 8) | Number(v4[2]), (Number(v4[3]) << 8) | Number(v4[4]));
    text = text.slice(0, v4.index) + "0";
  }
  const [head, rest] = text.split("::");
  const groups = (
    s: string | undefined,
  ) => (s ? s.split(":").map((g) => parseInt(g, 16) || 0) : []);
  const left = groups(head);
  const right = groups(rest);
  if (v4) right.length ? right.splice(-1, 1, ...tail) : left.splice(-1, 1, ...tail);
  const all = rest === undefined
    ? left
    : [...left, ...new Array(Math.max(0, 8 - left.length - right.length)).fill(0), ...right];
  all.slice(0, 8).forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
