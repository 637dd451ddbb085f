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
import { dirname } from "node:path";
import { fallbackPath, insideFolder, outputSegments, reason } from "../output_paths.ts";
import {
  endpointText,
  PcapEncoder,
  pcapHeader,
  type SipMessage,
  sipPackets,
} from "../../core/mod.ts";

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
  #failure?: string;
  #fallback?: string;
  #kept = 0;

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

  /**
   * Writes one scenario's messages; returns the file written. A write that
   * fails (a full disk) does not stop the run: this scenario's capture and
   * the later ones go to a folder in the temp folder, and {@link failure}
   * says so.
   */
  async add(
    file: string,
    scenario: string,
    byAgent: Record<string, readonly SipMessage[]>,
  ): Promise<string | undefined> {
    const messages = captureMessages(byAgent);
    try {
      if (this.#failure === undefined) {
        return await this.#write(this.#target, file, scenario, messages);
      }
    } catch (error) {
      this.#fallback = fallbackPath(this.#target.path.replace(/[\\/]$/, "")) + "/";
      this.#failure = `cannot write the --pcap capture ${this.#target.path} (${reason(error)})`;
    }
    try {
      await Deno.mkdir(this.#fallback!, { recursive: true });
      const path = await this.#write(
        { path: this.#fallback!, perScenario: true },
        file,
        scenario,
        messages,
      );
      this.#kept++;
      return path;
    } catch {
      return undefined;
    }
  }

  /** Set once a write failed: what happened, and where the captures went instead. */
  get failure(): string | undefined {
    if (this.#failure === undefined) return undefined;
    return this.#kept > 0
      ? `${this.#failure}; the captures of ${this.#kept} scenario${
        this.#kept === 1 ? "" : "s"
      } are in ${this.#fallback} instead`
      : this.#failure;
  }

  async #write(
    target: PcapTarget,
    file: string,
    scenario: string,
    messages: SipMessage[],
  ): Promise<string> {
    if (target.perScenario) {
      const [fileFolder, name] = outputSegments(file, scenario);
      const path = insideFolder(target.path, [fileFolder, `${name}.pcap`]);
      await Deno.mkdir(dirname(path), { recursive: true });
      const records = new PcapEncoder().records(sipPackets(messages));
      await Deno.writeFile(path, join2(pcapHeader(), records));
      return path;
    }
    if (!this.#started) await this.open();
    await Deno.writeFile(target.path, this.#encoder.records(sipPackets(messages)), {
      append: true,
    });
    return target.path;
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
