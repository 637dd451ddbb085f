/**
 * `ringo doctor`'s checks of the SIP peers ringo's examples and tests run
 * against: kamailio (the local registrar of `examples/pbx` and
 * `tests/pbx/`) and SIPp (a scripted peer for interop tests). Both are
 * optional: scenarios against a real PBX need neither.
 *
 * @module
 */
import { findExecutable, pathDirs } from "../core/executables.ts";
import type { Platform } from "../core/mod.ts";
import type { Check } from "./report.ts";

interface Peer {
  name: string;
  command: string;
  args: string[];
  /** Finds the version in the command's output. */
  version: RegExp;
  purpose: string;
  packages: Partial<Record<Platform, string>>;
}

const PEERS: Peer[] = [
  {
    name: "kamailio",
    command: "kamailio",
    args: ["-v"],
    version: /kamailio\s+(\d+\.\d+\.\d+)/i,
    purpose: "a local registrar for examples/pbx and the test suite (tests/pbx/)",
    packages: {
      debian: "sudo apt-get install kamailio kamailio-utils-modules",
      arch: "sudo pacman -S kamailio",
      fedora: "sudo dnf install kamailio",
      alpine: "sudo apk add kamailio",
      macos: "brew install kamailio",
    },
  },
  {
    name: "sipp",
    command: "sipp",
    args: ["-v"],
    version: /SIPp\s+v?(\d+\.\d+(?:\.\d+)?)/i,
    purpose: "a scripted SIP peer for interop tests",
    packages: {
      debian: "sudo apt-get install sip-tester",
      arch: "sudo pacman -S sipp",
      fedora: "sudo dnf install sipp",
      alpine: "sudo apk add sipp",
      macos: "brew install sipp",
    },
  },
];

/** Folders searched besides PATH: kamailio lives in sbin, which a user's PATH may lack. */
const SBIN = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

/**
 * One check per peer: its version and path, or `absent` with the command
 * that installs it on `platform`. Searched on `env.PATH`, then in `sbin`.
 *
 * @example
 * ```ts
 * const [kamailio] = await peerChecks(Deno.env.toObject(), "debian");
 * ```
 */
export async function peerChecks(
  env: Record<string, string | undefined>,
  platform: Platform,
  sbin: string[] = SBIN,
): Promise<Check[]> {
  const dirs = [...pathDirs(env), ...sbin];
  return await Promise.all(PEERS.map((peer) => checkPeer(peer, dirs, platform)));
}

async function checkPeer(peer: Peer, dirs: string[], platform: Platform): Promise<Check> {
  const path = findExecutable(peer.command, dirs);
  const install = peer.packages[platform];
  if (!path) {
    return {
      name: peer.name,
      status: "absent",
      summary: `not installed (optional: ${peer.purpose})`,
      ...(install ? { fix: install } : {}),
    };
  }
  let text = "";
  try {
    const output = await new Deno.Command(path, {
      args: peer.args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  } catch (error) {
    return {
      name: peer.name,
      status: "warn",
      summary: `${path} does not run: ${(error as Error).message}`,
      ...(install ? { fix: `reinstall it: ${install}` } : {}),
    };
  }
  const found = peer.version.exec(text)?.[1];
  return {
    name: peer.name,
    status: "ok",
    summary: `${found ?? "version unknown"} (${path}): ${peer.purpose}`,
  };
}
