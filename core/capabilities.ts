/**
 * What each baresip version can do, so that a verb the running version lacks
 * fails with a sentence that names the version instead of failing silently.
 *
 * The table is keyed by the first version that has a feature, each row
 * observed on real builds (Debian's 1.0.0, and 1.1.0, 3.14.0 and 4.10.0 built
 * by `.ci/build-baresip`): the test of each feature runs it on the baresip
 * under test and expects either success or this table's error. baresip's
 * `help` is not consulted: it lists in-call commands only while a
 * call exists and does not say which commands take parameters.
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
  | "dtmf-auto"
  | "audio-after-hold"
  | "catchall";

/** One row of the capability table. */
export interface FeatureSpec {
  /** What the user asked for, as a noun phrase (README's table shows it). */
  description: string;
  /** The API that needs it, as README's table names it. */
  api: string;
  /** First baresip version that has it. */
  since: Version;
  /** Why that version: the change that brought it. */
  origin: string;
}

/** The capability table: feature → first version, with the reason beside each row. */
export const FEATURES: Readonly<Record<Feature, FeatureSpec>> = {
  "attended-transfer": {
    description: "attended transfer",
    api: "`attendedTransfer`, `completeTransfer`, `abortTransfer`",
    since: version("2.0.0"),
    origin: "baresip#1718 (atransferstart/exec/abort); 1.1.0's menu has none of them",
  },
  "reject-with-code": {
    description: "declining a call with a code other than 486 Busy Here",
    api: "`reject(603)`, `respondIncoming(603)`",
    since: version("3.19.0"),
    origin: "baresip#3238 added scode=/reason= to hangup; before it hangup always sends 486",
  },
  "custom-headers": {
    description: "custom SIP headers on outgoing INVITEs",
    api: "`headers` in the agent config",
    since: version("2.0.0"),
    origin: "uaaddheader/uarmheader; 1.x has no way to add a header to an INVITE",
  },
  "dtmf-info": {
    description: 'DTMF via SIP INFO (dtmf_mode "info")',
    api: '`dtmf_mode: "info"`',
    since: version("1.1.0"),
    origin: "baresip#1258 (dtmfmode=info), released in 1.1.0",
  },
  "dtmf-auto": {
    description: 'DTMF mode "auto" (SIP INFO when the peer has no telephone-event)',
    api: '`dtmf_mode: "auto"`',
    since: version("2.0.0"),
    origin: "baresip#1583 (dtmfmode=auto), after 1.1.0",
  },
  "audio-after-hold": {
    description: "received audio after a hold in the same call",
    api: "`verifyAudio` after `hold()`/`resume()`",
    since: version("2.0.0"),
    origin: "baresip#1496: a hold flushed the decode-side filters for good; fixed by #1498",
  },
  catchall: {
    description: "catch-all accounts (answering calls to any user at this agent)",
    api: "`catchall = true` in a phone profile",
    since: version("3.11.0"),
    origin: "baresip#2925 (3.11.0) reads the catchall flag from the accounts file",
  },
};

/**
 * The features of one running baresip version.
 *
 * @example
 * ```ts
 * const caps = new Capabilities(version("1.0.0"));
 * caps.has("attended-transfer"); // false
 * caps.require("attended-transfer"); // throws: attended transfer needs baresip ≥ 2.0.0 …
 * ```
 */
export class Capabilities {
  constructor(readonly version: Version) {}

  /** True when this baresip supports `feature`. */
  has(feature: Feature): boolean {
    return this.missingReason(feature) === undefined;
  }

  /** Throws a {@link CapabilityError} naming the version when `feature` is missing. */
  require(feature: Feature): void {
    const reason = this.missingReason(feature);
    if (reason) {
      throw new CapabilityError(reason, {
        hint: `install baresip ${formatVersion(FEATURES[feature].since)} or newer ` +
          "(.ci/build-baresip builds 4.10.0), or point RINGO_BARESIP at one",
      });
    }
  }

  /** The sentence explaining why `feature` is missing, or undefined. */
  missingReason(feature: Feature): string | undefined {
    const spec = FEATURES[feature];
    const running = `baresip ${formatVersion(this.version)}`;
    if (atLeast(this.version, spec.since)) return undefined;
    return `${spec.description} needs baresip ≥ ${formatVersion(spec.since)} (this is ${running})`;
  }

  /** Every feature with whether it is available: for `--version`/doctor style reports. */
  summary(): Record<Feature, boolean> {
    const out = {} as Record<Feature, boolean>;
    for (const feature of Object.keys(FEATURES) as Feature[]) out[feature] = this.has(feature);
    return out;
  }
}
