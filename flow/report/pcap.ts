/**
 * `--pcap`: the SIP signalling of scenarios as pcap files, built from the
 * agents' SIP traces (no packet capture privileges needed).
 *
 * A message between two agents of the same scenario is in both agents'
 * traces; the capture keeps it once (the sender's copy, stamped with the
 * earlier of the two times, so causes stay before effects). Messages from
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
  const sent = new Map<string, SipMessage[]>();
  const out: SipMessage[] = [];
  for (const messages of Object.values(byAgent)) {
    for (const m of messages) {
      if (m.direction !== "sent") continue;
      const copy = { ...m };
      out.push(copy);
      const key = wireKey(m);
      sent.set(key, [...(sent.get(key) ?? []), copy]);
    }
  }
  for (const messages of Object.values(byAgent)) {
    for (const m of messages) {
      if (m.direction !== "received") continue;
      const twin = sent.get(wireKey(m))?.shift();
      if (twin) twin.timestamp = Math.min(twin.timestamp, m.timestamp);
      else out.push(m);
    }
  }
  return out.map((m, i) => ({ m, i }))
    .sort((x, y) => x.m.timestamp - y.m.timestamp || x.i - y.i)
    .map(({ m }) => m);
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
      const path = join(this.#target.path, slug(file), `${slug(scenario)}.pcap`);
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

/** A file or scenario name as a path segment: `A calls B` → `A-calls-B`. */
function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "scenario";
}
