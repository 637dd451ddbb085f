/**
 * Which sound system a session uses: the one `[baresip] audio_driver`
 * names, else the first found of PipeWire, PulseAudio and ALSA on Linux
 * (CoreAudio on macOS) for which baresip has a module; the virtual audio
 * when the session is headless or nothing is found — with a sentence that
 * says which and why.
 *
 * @module
 */
import { join } from "node:path";
import type { AgentConfigExtras } from "../core/config_overrides.ts";
import type { GlobalConfig } from "./global_config.ts";

/** The choice, and the sentence the session logs about it. */
export interface AudioChoice {
  audio?: NonNullable<AgentConfigExtras["audio"]>;
  description: string;
}

/** What {@link chooseAudio} looks at. */
export interface AudioProbe {
  headless: boolean;
  baresip: GlobalConfig["baresip"];
  /** baresip's module folder. */
  modulePath: string;
  env?: Record<string, string | undefined>;
  os?: typeof Deno.build.os;
}

/**
 * Chooses the audio of a session.
 *
 * @example
 * ```ts
 * chooseAudio({ headless: true, baresip: {}, modulePath: "/usr/lib/baresip/modules" });
 * // { description: "virtual audio (headless session)" }
 * ```
 */
export function chooseAudio(probe: AudioProbe): AudioChoice {
  if (probe.headless) return { description: "virtual audio (headless session)" };
  const env = probe.env ?? Deno.env.toObject();
  const os = probe.os ?? Deno.build.os;
  const devices = (driver: string) => ({
    driver,
    player: probe.baresip.audio_player_device,
    source: probe.baresip.audio_source_device,
    alert: probe.baresip.audio_alert_device,
  });
  const wanted = probe.baresip.audio_driver;
  if (wanted) {
    if (!hasModule(probe.modulePath, wanted)) {
      return {
        description:
          `virtual audio: audio_driver = "${wanted}" in ringo.toml, but baresip has no ${wanted} module in ${probe.modulePath}`,
      };
    }
    return { audio: devices(wanted), description: `${wanted} audio (audio_driver in ringo.toml)` };
  }
  for (const [driver, present] of candidates(os, env)) {
    if (present() && hasModule(probe.modulePath, driver)) {
      return { audio: devices(driver), description: `${driver} audio (detected)` };
    }
  }
  return {
    description: "virtual audio: no sound system with a baresip module was found " +
      "(set [baresip] audio_driver in ringo.toml to choose one)",
  };
}

function candidates(
  os: typeof Deno.build.os,
  env: Record<string, string | undefined>,
): Array<[string, () => boolean]> {
  if (os === "darwin") return [["coreaudio", () => true]];
  const runtime = env.XDG_RUNTIME_DIR ?? "";
  return [
    ["pipewire", () => runtime !== "" && exists(join(runtime, "pipewire-0"))],
    [
      "pulse",
      () => !!env.PULSE_SERVER || (runtime !== "" && exists(join(runtime, "pulse", "native"))),
    ],
    ["alsa", () => hasAlsaCard()],
  ];
}

function hasAlsaCard(): boolean {
  try {
    return !/no soundcards/i.test(Deno.readTextFileSync("/proc/asound/cards")) &&
      Deno.readTextFileSync("/proc/asound/cards").trim() !== "";
  } catch {
    return false;
  }
}

function hasModule(dir: string, name: string): boolean {
  return exists(join(dir, `${name}.so`));
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
