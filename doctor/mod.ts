/**
 * `ringo doctor`: checks what ringo needs on this machine — baresip (version,
 * where it came from, modules, a real loopback agent, the capability table),
 * the SIP peers the examples and tests use (kamailio, SIPp), audio devices,
 * and ringo's own folders (control sockets, KV store) — and says what to fix,
 * with the command for this platform.
 *
 * @example
 * ```ts
 * import { doctorExitCode, formatReport, runDoctor } from "./doctor/mod.ts";
 * const report = await runDoctor({ version: "0.1.0" });
 * console.log(formatReport(report));
 * Deno.exit(doctorExitCode(report));
 * ```
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { detectPlatform, type Platform } from "../core/mod.ts";
import { engineChecks } from "./engine.ts";
import { peerChecks } from "./peers.ts";
import type { DoctorReport } from "./report.ts";
import { systemChecks } from "./system.ts";

export {
  type Check,
  type CheckStatus,
  doctorExitCode,
  type DoctorReport,
  formatReport,
} from "./report.ts";

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  /** ringo's version, for the report's first line. */
  version: string;
  /** The environment to check (`RINGO_BARESIP`, `PATH`, XDG folders); default the process's. */
  env?: Record<string, string | undefined>;
  /** Default: detected from the OS and `/etc/os-release`. */
  platform?: Platform;
}

/**
 * Runs every check; resolves with the report (see {@link formatReport} and
 * {@link doctorExitCode}). Starts, and stops, one loopback agent.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const env = options.env ?? Deno.env.toObject();
  const platform = options.platform ?? detectPlatform();
  const engine = await engineChecks(env, platform);
  return {
    ringo: options.version,
    runtime: `deno ${Deno.version.deno} (${Deno.build.os} ${Deno.build.arch})`,
    installation: describeInstallation(),
    platform,
    checks: [
      ...engine.checks,
      ...await peerChecks(env, platform),
      ...await systemChecks(env, platform, engine.modulePath),
    ],
  };
}

/**
 * How this ringo is installed, from where its files are: a checkout, a URL
 * (`deno install`/`deno run`), a compiled binary, or files elsewhere (the
 * container image's /opt/ringo).
 *
 * @example
 * ```ts
 * describeInstallation("https://example.com/ringo/v0.1.0/doctor/mod.ts");
 * // "from https://example.com/ringo/v0.1.0/"
 * ```
 */
export function describeInstallation(url: string = import.meta.url): string {
  const root = new URL("../", url);
  if (root.protocol !== "file:") return `from ${root.href}`;
  const path = fileURLToPath(root).replace(/\/$/, "");
  if (/\/deno-compile-[^/]+/.test(path)) return `a compiled binary (${Deno.execPath()})`;
  const isCheckout = [".git", ".ci"].some((name) => {
    try {
      Deno.statSync(`${path}/${name}`);
      return true;
    } catch {
      return false;
    }
  });
  return isCheckout ? `a checkout at ${path}` : `installed at ${path}`;
}
