import { join } from "node:path";
import { sipFields } from "../tshark.ts";
import { assertEquals } from "../assert.ts";
import {
  internetChecksum,
  PcapEncoder,
  pcapHeader,
  type SipMessage,
  sipPackets,
  SipTraceParser,
} from "../../core/mod.ts";

/** Real baresip 1.0.0 trace of a loopback call, caller side. */
const CALLER = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/sip_trace_1.0.0_caller.json", import.meta.url)),
) as string;

function callerMessages(): SipMessage[] {
  let t = 1_764_000_000_000.5;
  const parser = new SipTraceParser({ localPorts: [20769], now: () => (t += 10) });
  return parser.push(CALLER).flatMap((i) => (i.kind === "sip" ? [i.message] : []));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The pcap records of a file: [seconds, microseconds, frame]. */
function records(file: Uint8Array): Array<[number, number, Uint8Array]> {
  const v = new DataView(file.buffer, file.byteOffset);
  const out: Array<[number, number, Uint8Array]> = [];
  for (let at = 24; at < file.length;) {
    const length = v.getUint32(at + 8, true);
    out.push([
      v.getUint32(at, true),
      v.getUint32(at + 4, true),
      file.subarray(at + 16, at + 16 + length),
    ]);
    at += 16 + length;
  }
  return out;
}

Deno.test("pcap writer", async (t) => {
  await t.step("a classic pcap header: microseconds, Ethernet", () => {
    const v = new DataView(pcapHeader().buffer);
    assertEquals(v.getUint32(0, true), 0xa1b2c3d4);
    assertEquals([v.getUint16(4, true), v.getUint16(6, true)], [2, 4]);
    assertEquals(v.getUint32(20, true), 1);
  });

  await t.step("one frame per message with valid IPv4 and UDP checksums and real times", () => {
    const messages = callerMessages();
    const file = concat(pcapHeader(), new PcapEncoder().records(sipPackets(messages)));
    const frames = records(file);
    assertEquals(frames.length, 6);
    const [seconds, micros, frame] = frames[0];
    assertEquals(seconds * 1e6 + micros, Math.round(messages[0].timestamp * 1000));
    const ip = frame.subarray(14, 34);
    assertEquals(internetChecksum(ip), 0, "IPv4 header checksum");
    const udp = frame.subarray(34);
    const pseudo = new Uint8Array(12);
    pseudo.set(ip.subarray(12, 20));
    pseudo[9] = 17;
    new DataView(pseudo.buffer).setUint16(10, udp.length);
    assertEquals(internetChecksum(pseudo, udp), 0, "UDP checksum");
    assertEquals(new TextDecoder().decode(udp.subarray(8)), messages[0].raw);
  });

  await t.step("tshark decodes every message as SIP, over UDP, TCP and IPv6", async () => {
    const dir = await Deno.makeTempDir({ prefix: "ringo-pcap-" });
    try {
      const messages = callerMessages();
      const tcp = messages.slice(0, 2).map((m) => ({
        ...m,
        transport: "TCP",
        source: { ...m.source, port: m.source.port === 20769 ? 5060 : 40000 },
        destination: { ...m.destination, port: m.destination.port === 20769 ? 5060 : 40000 },
      }));
      const v6 = messages.slice(0, 1).map((m) => ({
        ...m,
        source: { host: "::1", port: m.source.port },
        destination: { host: "fe80::1:2", port: m.destination.port },
      }));
      const path = join(dir, "call.pcap");
      const encoder = new PcapEncoder();
      await Deno.writeFile(
        path,
        concat(pcapHeader(), encoder.records(sipPackets([...messages, ...tcp, ...v6]))),
      );
      const rows = await sipFields(path, ["sip.Method", "sip.Status-Code", "ip.src", "ipv6.dst"]);
      assertEquals(rows.map((r) => r.split("\t").slice(0, 2).join(" ").trim()), [
        "INVITE",
        "180",
        "200",
        "ACK",
        "BYE",
        "200",
        "INVITE",
        "180",
        "INVITE",
      ]);
      assertEquals(rows[0].split("\t")[2], "127.0.0.1");
      assertEquals(rows[8].split("\t")[3], "fe80::1:2");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});
