/**
 * `ringo doctor`'s checks of this machine: audio devices for the phone,
 * the folder of phone sessions' control sockets, and the folder of the KV
 * store (call history, archives) with the runtime's KV support.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { type Platform, ringoPaths } from "../core/mod.ts";
import { exists, isFile } from "./files.ts";
import type { Check } from "./report.ts";

/** baresip's audio-driver modules, the ones a softphone can use. */
const AUDIO_DRIVERS = [
  "pipewire",
  "pulse",
  "alsa",
  "jack",
  "portaudio",
  "coreaudio",
  "audiounit",
  "sndio",
  "oss",
];

/** Longest Unix socket path (sun_path less its NUL): 107 on Linux, 103 on macOS. */
const SOCKET_PATH_MAX = Deno.build.os === "darwin" ? 103 : 107;
/** Room a session's socket name takes in its folder: `/<profile>-<pid>.sock`, profile ≤ 32. */
const SOCKET_NAME_ROOM = 1 + 32 + 1 + 7 + 5;

/**
 * The machine checks: `audio`, `sessions`, `data`.
 *
 * @example
 * ```ts
 * const checks = await systemChecks(Deno.env.toObject(), "debian", "/usr/lib/baresip/modules");
 * ```
 */
export async function systemChecks(
  env: Record<string, string | undefined>,
  platform: Platform,
  modulePath: string | undefined,
): Promise<Check[]> {
  const paths = ringoPaths(env);
  return [
    audioCheck(env, platform, modulePath),
    await sessionsCheck(paths.sessionsDir),
    await dataCheck(paths.dataDir),
  ];
}

function audioCheck(
  env: Record<string, string | undefined>,
  platform: Platform,
  modulePath: string | undefined,
): Check {
  const drivers = modulePath ? AUDIO_DRIVERS.filter((m) => isFile(`${modulePath}/${m}.so`)) : [];
  const devices = audioDevices(env, platform);
  const details = [
    `baresip drivers: ${drivers.length > 0 ? drivers.join(", ") : "none"}`,
    `devices: ${devices.length > 0 ? devices.join("; ") : "none found"}`,
    "ringo flow needs neither (agents use virtual audio); ringo phone does for real calls",
  ];
  if (drivers.length > 0 && devices.length > 0) {
    return { name: "audio", status: "ok", summary: `${devices.length} found`, details };
  }
  return {
    name: "audio",
    status: "warn",
    summary: drivers.length === 0 ? "baresip has no audio-driver module" : "no sound device",
    details,
    fix: drivers.length === 0
      ? "for the phone, use a baresip with alsa, pulse or pipewire (ringo's .ci/build-baresip adds those whose -dev packages are installed)"
      : platform === "macos"
      ? "connect or enable an audio device"
      : "start a sound server (PipeWire or PulseAudio) or give ringo access to /dev/snd",
  };
}

/** Sound servers and cards this process can reach. */
function audioDevices(env: Record<string, string | undefined>, platform: Platform): string[] {
  if (platform === "macos") return ["Core Audio"];
  const found: string[] = [];
  const runtime = env.XDG_RUNTIME_DIR;
  if (env.PULSE_SERVER) found.push(`PulseAudio server ${env.PULSE_SERVER}`);
  else if (runtime && exists(join(runtime, "pulse", "native"))) {
    found.push(`PulseAudio server ${join(runtime, "pulse", "native")}`);
  }
  if (runtime && exists(join(runtime, "pipewire-0"))) {
    found.push(`PipeWire ${join(runtime, "pipewire-0")}`);
  }
  try {
    const cards = Deno.readTextFileSync("/proc/asound/cards")
      .split("\n")
      .map((line) => /^\s*\d+\s+\[[^\]]*\]:\s*(.+)$/.exec(line)?.[1].trim())
      .filter((name): name is string => Boolean(name));
    for (const card of cards) found.push(`ALSA card ${card}`);
  } catch {
    // no ALSA here (a container, macOS)
  }
  return found;
}

async function sessionsCheck(dir: string): Promise<Check> {
  const name = "sessions";
  const folder = await folderState(dir);
  const details = [`control sockets of phone sessions: ${dir}`];
  if (dir.length + SOCKET_NAME_ROOM > SOCKET_PATH_MAX) {
    return {
      name,
      status: "fail",
      summary: `${dir} is too long for Unix socket paths (${SOCKET_PATH_MAX} bytes at most)`,
      details,
      fix: "set XDG_RUNTIME_DIR to a shorter folder",
    };
  }
  return folderCheck(name, dir, folder, details, { private: true });
}

async function dataCheck(dir: string): Promise<Check> {
  const name = "data";
  const details = [`KV store (call history, run archives): ${dir}`];
  if (typeof Deno.openKv !== "function") {
    return {
      name,
      status: "fail",
      summary: "this ringo runs without Deno KV (--unstable-kv)",
      details,
      fix: "reinstall ringo with the flags docs/install.md gives",
    };
  }
  const folder = await folderState(dir);
  const check = folderCheck(name, dir, folder, details, { private: false });
  if (check.status !== "ok" || !folder.exists) return check;
  for (const entry of Deno.readDirSync(dir)) {
    if (!/\.kv(-shm|-wal)?$/.test(entry.name)) continue;
    const file = join(dir, entry.name);
    const owner = Deno.statSync(file).uid;
    if (owner !== null && owner !== Deno.uid() && Deno.uid() !== 0) {
      return {
        ...check,
        status: "fail",
        summary: `${file} belongs to uid ${owner}, not to you (uid ${Deno.uid()})`,
        fix: `sudo chown -R $(id -u):$(id -g) ${dir} (was ringo run with sudo?)`,
      };
    }
    details.push(`store file: ${entry.name}`);
  }
  return check;
}

interface FolderState {
  exists: boolean;
  /** The folder itself when it exists, else its nearest existing ancestor. */
  probed: string;
  isDirectory: boolean;
  writable: boolean;
  uid: number | null;
  mode: number | null;
}

async function folderState(dir: string): Promise<FolderState> {
  let probed = dir;
  let info: Deno.FileInfo | undefined;
  for (;;) {
    try {
      info = await Deno.stat(probed);
      break;
    } catch {
      const parent = dirname(probed);
      if (parent === probed) break;
      probed = parent;
    }
  }
  const isDirectory = info?.isDirectory ?? false;
  return {
    exists: probed === dir,
    probed,
    isDirectory,
    writable: isDirectory && await canWrite(probed),
    uid: info?.uid ?? null,
    mode: info?.mode ?? null,
  };
}

function folderCheck(
  name: string,
  dir: string,
  folder: FolderState,
  details: string[],
  options: { private: boolean },
): Check {
  if (folder.exists && !folder.isDirectory) {
    return {
      name,
      status: "fail",
      summary: `${dir} is not a folder`,
      details,
      fix: `remove ${dir}`,
    };
  }
  if (!folder.writable) {
    return {
      name,
      status: "fail",
      summary: folder.exists
        ? `${dir} is not writable by you`
        : `${dir} cannot be created: ${folder.probed} is not writable by you`,
      details,
      fix: folder.exists
        ? `sudo chown -R $(id -u):$(id -g) ${dir}`
        : "set XDG_RUNTIME_DIR / XDG_DATA_HOME to folders of your own",
    };
  }
  if (!folder.exists) {
    return { name, status: "ok", summary: `${dir} will be created when needed`, details };
  }
  const me = Deno.uid();
  if (folder.uid !== null && me !== null && folder.uid !== me) {
    return {
      name,
      status: "fail",
      summary: `${dir} belongs to uid ${folder.uid}, not to you (uid ${me})`,
      details,
      fix: `sudo chown -R $(id -u):$(id -g) ${dir}`,
    };
  }
  const mode = (folder.mode ?? 0) & 0o777;
  if (options.private && (mode & 0o077) !== 0) {
    return {
      name,
      status: "fail",
      summary: `${dir} is mode ${mode.toString(8)}: other users could reach your sessions`,
      details,
      fix: `chmod 700 ${dir}`,
    };
  }
  return { name, status: "ok", summary: `${dir} (mode ${mode.toString(8)})`, details };
}

/** Whether a file can be created in `dir` (tried, then removed: the mode bits miss read-only mounts). */
async function canWrite(dir: string): Promise<boolean> {
  try {
    const probe = await Deno.makeTempFile({ dir, prefix: ".ringo-doctor-" });
    await Deno.remove(probe);
    return true;
  } catch {
    return false;
  }
}
