/**
 * `--pcap`: the SIP signalling of scenarios as pcap files, built from the
 * agents' SIP traces (no packet capture privileges needed).
 *
 * A message between two agents of the same scenario is in both agents'
 * traces; the capture keeps it once (the sender's copy, stamped with the
 * earlier of the two times). The traces are merged by time, each agent's
 * order kept, and no message before the one it answers. Messages from
 * elsewhere (a PBX, a SIP peer) are kept as each agent received them.
 *
 * @module
 */
import { dirname, join } from "node:path";
import {
  endpointText,
  PcapEncoder,
  pcapHeader,
  type SipMessage,
  sipPackets,
} from "../../core/mod.ts";
import { scenarioFolder } from "../slug.ts";

/**
 * The messages of one scenario's agents as one capture: every message an
 * agent sent, plus every message an agent received that no agent of the
 * scenario sent, ordered by time.
 *
 * @example
 * ```ts
 * const packets = captureMessages({ A: a.sipMessages, B: b.sipMessages });
 * ```
 */
export function captureMessages(
  byAgent: Record<string, readonly SipMessage[]>,
): SipMessage[] {
  const traces = Object.values(byAgent).map((messages) => [...messages]);
  // Each received message that an agent of the scenario sent: its sender's copy.
  const twinOf = new Map<SipMessage, SipMessage>();
  const unclaimed = new Map<string, SipMessage[]>();
  for (const m of traces.flat()) {
    if (m.direction === "sent") {
      unclaimed.set(wireKey(m), [...(unclaimed.get(wireKey(m)) ?? []), m]);
    }
  }
  const earliest = new Map<SipMessage, number>();
  for (const m of traces.flat()) {
    if (m.direction !== "received") continue;
    const twin = unclaimed.get(wireKey(m))?.shift();
    if (!twin) continue;
    twinOf.set(m, twin);
    earliest.set(twin, Math.min(twin.timestamp, m.timestamp));
  }
  // Merge the traces by time, keeping each agent's own order, and a received
  // copy never ahead of its sending (one agent may read the 200 and send the
  // ACK in the same millisecond that the other sent the 200).
  const emitted = new Set<SipMessage>();
  const heads = traces.map(() => 0);
  const out: SipMessage[] = [];
  let last = -Infinity;
  for (;;) {
    let pick = -1;
    let pickReady = false;
    for (let agent = 0; agent < traces.length; agent++) {
      const m = traces[agent][heads[agent]];
      if (!m) continue;
      const twin = twinOf.get(m);
      const ready = !twin || emitted.has(twin);
      const best = pick >= 0 ? traces[pick][heads[pick]] : undefined;
      if (!best || (ready && !pickReady) || (ready === pickReady && m.timestamp < best.timestamp)) {
        pick = agent;
        pickReady = ready;
      }
    }
    if (pick < 0) return out;
    const m = traces[pick][heads[pick]++];
    if (twinOf.has(m)) continue; // the sender's copy stands for it
    emitted.add(m);
    last = Math.max(last, earliest.get(m) ?? m.timestamp);
    out.push({ ...m, timestamp: last });
  }
}

/** Where captures go: one file for the run, or a folder with one file per scenario. */
export interface PcapTarget {
  path: string;
  /** One file per scenario below `path` (`<file>/<scenario>.pcap`). */
  perScenario: boolean;
}

/**
 * `--pcap PATH`: a folder when PATH ends with `/` or is an existing
 * folder, else one file for the whole run.
 *
 * @example
 * ```ts
 * await pcapTarget("reports/"); // { path: "reports/", perScenario: true }
 * ```
 */
export async function pcapTarget(path: string): Promise<PcapTarget> {
  if (/[\\/]$/.test(path)) return { path, perScenario: true };
  try {
    return { path, perScenario: (await Deno.stat(path)).isDirectory };
  } catch {
    return { path, perScenario: false };
  }
}

/**
 * Writes each scenario's capture as it ends: appended to the run's file, or
 * into its own file in the folder.
 *
 * @example
 * ```ts
 * const sink = new PcapSink(await pcapTarget("sip.pcap"));
 * await sink.add("call.ts", "A calls B", { A: a.sipMessages, B: b.sipMessages });
 * ```
 */
export class PcapSink {
  readonly #target: PcapTarget;
  readonly #encoder = new PcapEncoder();
  #started = false;

  constructor(target: PcapTarget) {
    this.#target = target;
  }

  /** Creates the run's file (empty capture) so it exists even when no message is seen. */
  async open(): Promise<void> {
    if (this.#target.perScenario) {
      await Deno.mkdir(this.#target.path, { recursive: true });
      return;
    }
    await Deno.mkdir(dirname(this.#target.path), { recursive: true });
    await Deno.writeFile(this.#target.path, pcapHeader());
    this.#started = true;
  }

  /** Writes one scenario's messages; returns the file written. */
  async add(
    file: string,
    scenario: string,
    byAgent: Record<string, readonly SipMessage[]>,
  ): Promise<string> {
    const messages = captureMessages(byAgent);
    if (this.#target.perScenario) {
      const path = join(this.#target.path, `${scenarioFolder(file, scenario)}.pcap`);
      await Deno.mkdir(dirname(path), { recursive: true });
      const records = new PcapEncoder().records(sipPackets(messages));
      await Deno.writeFile(path, join2(pcapHeader(), records));
      return path;
    }
    if (!this.#started) await this.open();
    await Deno.writeFile(this.#target.path, this.#encoder.records(sipPackets(messages)), {
      append: true,
    });
    return this.#target.path;
  }
}

/** What makes two trace entries the same packet on the wire. */
function wireKey(m: SipMessage): string {
  return `${m.transport} ${endpointText(m.source)} ${endpointText(m.destination)}\n${m.raw}`;
}

function join2(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
