/**
 * `ringo doctor`'s engine checks: which baresip ringo would use and where it
 * came from, how well its version serves ringo, its modules, whether a real
 * loopback agent starts on it, and its capability table.
 *
 * @module
 */
import {
  Agent,
  atLeast,
  type BaresipSource,
  baresipSupport,
  BASE_MODULES,
  Capabilities,
  describeError,
  describeSource,
  EVERY_FEATURE_SINCE,
  type Feature,
  FEATURES,
  findBaresipBinary,
  findModulePath,
  formatVersion,
  installHint,
  type Platform,
  readBaresipVersion,
  REQUIRED_MODULES,
  upgradeHint,
  type Version,
  version,
} from "../core/mod.ts";
import { isFile } from "./files.ts";
import type { Check } from "./report.ts";

/** Modules ringo loads only for some features: missing ones are warnings. */
const FEATURE_MODULES: Array<{ module: string; purpose: string; since?: Version }> = [
  { module: "sndfile", purpose: "received audio (verifyAudio, --save-audio)" },
  {
    module: "auresamp",
    purpose: "audio with 48 kHz sources on 8 kHz codecs",
    since: version("2.0.0"),
  },
  { module: "auconv", purpose: "audio sample format conversion", since: version("2.0.0") },
  { module: "srtp", purpose: 'media_enc "srtp"' },
  { module: "dtls_srtp", purpose: 'media_enc "dtls_srtp"' },
  { module: "stun", purpose: "stun_server" },
  { module: "mwi", purpose: "message-waiting indication (mwi)" },
];

/** What {@link engineChecks} found. */
export interface EngineFindings {
  checks: Check[];
  /** baresip's module folder, when one was found. */
  modulePath?: string;
}

/**
 * The engine checks, in order: `baresip`, then (when one was found and is
 * supported) `modules`, `engine` and `features`.
 *
 * @example
 * ```ts
 * const { checks } = await engineChecks(Deno.env.toObject(), "debian");
 * for (const check of checks) console.log(check.name, check.summary);
 * ```
 */
export async function engineChecks(
  env: Record<string, string | undefined>,
  platform: Platform,
): Promise<EngineFindings> {
  let found: { binary: string; source: BaresipSource };
  let foundVersion: Version;
  try {
    found = findBaresipBinary(env);
    foundVersion = await readBaresipVersion(found.binary);
  } catch (error) {
    return {
      checks: [{
        name: "baresip",
        status: "fail",
        summary: (error as Error).message,
        fix: installHint(platform),
      }],
    };
  }
  const where = `${found.binary}, ${describeSource(found.source)}`;
  const support = baresipSupport(foundVersion);
  const baresip: Check = {
    name: "baresip",
    status: support.level === "full" ? "ok" : support.level === "limited" ? "warn" : "fail",
    summary: `${formatVersion(foundVersion)} (${where})`,
    details: [
      support.level === "limited" && support.missing.length > 0
        ? `works with limits: ${support.missing.length} of ringo's features need a newer baresip ` +
          `(see features); ${formatVersion(EVERY_FEATURE_SINCE)} or newer has every feature`
        : support.sentence,
    ],
    ...(support.level === "limited" ? { fix: upgradeHint(platform) } : {}),
    ...(support.level === "unsupported" ? { fix: installHint(platform) } : {}),
  };
  if (support.level === "unsupported") return { checks: [baresip] };

  let modulePath: string;
  try {
    modulePath = findModulePath(found.binary, env.RINGO_BARESIP_MODULES);
  } catch (error) {
    return {
      checks: [baresip, {
        name: "modules",
        status: "fail",
        summary: (error as Error).message,
        fix: "set RINGO_BARESIP_MODULES to the folder that holds ctrl_tcp.so, or reinstall baresip",
      }],
    };
  }
  const modules = moduleCheck(modulePath, foundVersion);
  if (modules.status === "fail") return { checks: [baresip, modules], modulePath };
  const engine = await startAgent(env);
  const features = featureCheck(engine.capabilities ?? new Capabilities(foundVersion));
  return { checks: [baresip, modules, engine.check, features], modulePath };
}

function moduleCheck(modulePath: string, found: Version): Check {
  const required = [...new Set([...REQUIRED_MODULES, ...BASE_MODULES])];
  const has = (m: string) => isFile(`${modulePath}/${m}.so`);
  const missingRequired = required.filter((m) => !has(m));
  const wanted = FEATURE_MODULES.filter((m) => !m.since || atLeast(found, m.since));
  const missingWanted = wanted.filter((m) => !has(m.module));
  const details = [
    `required: ${required.map((m) => (has(m) ? m : `${m} (missing)`)).join(", ")}`,
    ...missingWanted.map((m) => `no ${m.module}.so: no ${m.purpose}`),
  ];
  if (missingRequired.length > 0) {
    return {
      name: "modules",
      status: "fail",
      summary: `${modulePath} lacks ${missingRequired.join(", ")}`,
      details,
      fix: "install a baresip build with these modules (ringo's .ci/build-baresip builds them all)",
    };
  }
  return {
    name: "modules",
    status: missingWanted.length > 0 ? "warn" : "ok",
    summary: modulePath,
    details,
    ...(missingWanted.length > 0
      ? { fix: "rebuild baresip with the missing modules (ringo's .ci/build-baresip has them)" }
      : {}),
  };
}

async function startAgent(
  env: Record<string, string | undefined>,
): Promise<{ check: Check; capabilities?: Capabilities }> {
  const started = performance.now();
  let agent: Agent;
  try {
    agent = await Agent.start({ name: "doctor", env });
  } catch (error) {
    return {
      check: {
        name: "engine",
        status: "fail",
        summary: "a loopback agent did not start",
        details: describeError(error).split("\n"),
        fix: "see the error above; `ringo flow run --logs` shows baresip's whole log",
      },
    };
  }
  const ms = Math.round(performance.now() - started);
  const capabilities = agent.capabilities;
  await agent.stop();
  return {
    check: {
      name: "engine",
      status: "ok",
      summary: `a loopback agent started and answered on ctrl_tcp in ${ms} ms`,
    },
    capabilities,
  };
}

function featureCheck(capabilities: Capabilities): Check {
  const summary = capabilities.summary();
  const features = Object.keys(summary) as Feature[];
  const missing = features.filter((f) => !summary[f]);
  return {
    name: "features",
    status: missing.length > 0 ? "warn" : "ok",
    summary: missing.length > 0
      ? `${features.length - missing.length} of ${features.length} available`
      : `all ${features.length} available`,
    details: features.map((f) =>
      summary[f] ? `✓ ${FEATURES[f].description}` : `✗ ${capabilities.missingReason(f)}`
    ),
  };
}
