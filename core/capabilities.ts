/**
 * What each baresip version can do, so that a verb the running version lacks
 * fails with a sentence that names the version instead of failing silently.
 *
 * The table is keyed by the first version that has a feature; where a
 * feature maps to a ctrl_tcp command, the commands the running baresip lists
 * in `help` are checked too, so a build without a module is caught as well.
 *
 * @module
 */
import { CapabilityError } from "./errors.ts";
import { atLeast, formatVersion, type Version, version } from "./version.ts";

/** Features whose availability depends on the baresip version. */
export type Feature =
  | "attended-transfer"
  | "reject-with-code"
  | "custom-headers"
  | "dtmf-info"
  | "audio-after-hold"
  | "dtmf-auto"
  | "message-frames"
  | "catchall";

interface FeatureSpec {
  /** What the user asked for, as a noun phrase. */
  description: string;
  /** First baresip version known to have it. */
  since: Version;
  /** ctrl_tcp commands it needs, checked against `help` when known. */
  commands?: string[];
  /** The command must accept parameters (listed as `/name ..` in help). */
  commandTakesParams?: string;
}

const FEATURES: Record<Feature, FeatureSpec> = {
  // baresip#1718 (atransferstart/exec/abort, merged early 2022): not in 1.1.0's menu.
  "attended-transfer": {
    description: "attended transfer",
    since: version("2.0.0"),
    commands: ["atransferstart", "atransferexec", "atransferabort"],
  },
  "reject-with-code": {
    description: "rejecting a call with a chosen SIP status code",
    since: version("2.0.0"),
    commandTakesParams: "hangup",
  },
  "custom-headers": {
    description: "custom SIP headers on outgoing INVITEs",
    since: version("2.0.0"),
    commands: ["uaaddheader", "uarmheader"],
  },
  // baresip#1258 (merged 2021-03-10, released in 1.1.0): `dtmfmode=info`.
  "dtmf-info": {
    description: 'DTMF via SIP INFO (dtmf_mode "info")',
    since: version("1.1.0"),
  },
  // baresip#1583 (merged 2021-08-25, after 1.1.0): `dtmfmode=auto`.
  "dtmf-auto": {
    description: 'DTMF mode "auto" (SIP INFO when the peer has no telephone-event)',
    since: version("2.0.0"),
  },
  // baresip#1496: a hold flushed the decode-side audio filters (sndfile's
  // received-audio dump among them) and nothing rebuilt them; fixed by #1498.
  "audio-after-hold": {
    description: "received audio after a hold in the same call",
    since: version("2.0.0"),
  },
  // 1.0.0's ctrl_tcp has no message listener (no message_listen import);
  // 1.1.0's sends {"message":true,...} frames. Older ones: read the SIP trace.
  "message-frames": {
    description: "received SIP MESSAGEs over ctrl_tcp",
    since: version("1.1.0"),
  },
  // baresip#2925 (3.11.0): the account parameter `catchall=yes`.
  "catchall": {
    description: "catch-all accounts (answering calls to any user at this agent)",
    since: version("3.11.0"),
  },
};

/** The command list parsed from baresip's `help` output. */
export interface CommandList {
  /** Long command names. */
  names: Set<string>;
  /** Names of commands that take parameters. */
  withParams: Set<string>;
}

/**
 * Parses the text of baresip's `help` command into the long command names
 * and which of them take parameters (`/dial ..`).
 *
 * @example
 * ```ts
 * parseHelp("  /accept   a   Accept incoming call\n  /dial ..  d ..  Dial").names.has("dial"); // true
 * ```
 */
export function parseHelp(text: string): CommandList {
  const names = new Set<string>();
  const withParams = new Set<string>();
  for (const line of text.split("\n")) {
    const match = /^\s*\/([a-z0-9_]+)(\s+\.\.)?/i.exec(line);
    if (!match) continue;
    names.add(match[1]);
    if (match[2]) withParams.add(match[1]);
  }
  return { names, withParams };
}

/**
 * The features of one running baresip: its version plus, when known, the
 * commands it lists.
 *
 * @example
 * ```ts
 * const caps = new Capabilities(version("1.0.0"));
 * caps.has("attended-transfer"); // false
 * caps.require("attended-transfer"); // throws: attended transfer needs baresip ≥ 2.0.0 …
 * ```
 */
export class Capabilities {
  constructor(readonly version: Version, readonly commands?: CommandList) {}

  /** True when this baresip supports `feature`. */
  has(feature: Feature): boolean {
    return this.missingReason(feature) === undefined;
  }

  /** Throws a {@link CapabilityError} naming the version when `feature` is missing. */
  require(feature: Feature): void {
    const reason = this.missingReason(feature);
    if (reason) {
      throw new CapabilityError(reason, {
        hint: `install baresip ${formatVersion(FEATURES[feature].since)} or newer, ` +
          "or point RINGO_BARESIP at one",
      });
    }
  }

  /** The sentence explaining why `feature` is missing, or undefined. */
  missingReason(feature: Feature): string | undefined {
    const spec = FEATURES[feature];
    const running = `baresip ${formatVersion(this.version)}`;
    if (!atLeast(this.version, spec.since)) {
      return `${spec.description} needs baresip ≥ ${
        formatVersion(spec.since)
      } (this is ${running})`;
    }
    if (!this.commands) return undefined;
    const missing = (spec.commands ?? []).filter((c) => !this.commands!.names.has(c));
    if (missing.length > 0) {
      return `${spec.description} needs the ctrl_tcp command${missing.length > 1 ? "s" : ""} ` +
        `${missing.map((c) => `'${c}'`).join(", ")}, which ${running} does not list`;
    }
    const takes = spec.commandTakesParams;
    if (takes && !this.commands.withParams.has(takes)) {
      return `${spec.description} needs '${takes}' to take parameters, which it does not in ${running}`;
    }
    return undefined;
  }

  /** Every feature with whether it is available: for `--version` style reports. */
  summary(): Record<Feature, boolean> {
    const out = {} as Record<Feature, boolean>;
    for (const feature of Object.keys(FEATURES) as Feature[]) out[feature] = this.has(feature);
    return out;
  }
}
