/**
 * What a phone session changes in an agent's headless config (see
 * config.ts): real audio devices instead of the virtual `aubridge`, the
 * TLS CA, codec modules, and the user's own `[baresip.extra]` lines,
 * applied last so that they win.
 *
 * @module
 */

/** Extra configuration of an agent (a phone session's `[baresip]` table, resolved). */
export interface AgentConfigExtras {
  /**
   * A sound system instead of the virtual audio: the baresip module
   * (`pulse`, `pipewire`, `alsa`, `coreaudio`) and its devices (default
   * `default`, the system's default device).
   */
  audio?: { driver: string; player?: string; source?: string; alert?: string };
  /** baresip's module folder, instead of the detected one. */
  modulePath?: string;
  /** CA file and folder for SIP over TLS (`sip_cafile`, `sip_capath`). */
  sipCafile?: string;
  sipCapath?: string;
  /** Lines appended last, in order; each replaces any earlier line with its key. */
  extra?: Array<[string, string]>;
}

/** Keys that baresip reads more than once (every line counts). */
const REPEATED_KEYS = new Set(["module", "module_tmp", "module_app"]);

/** Audio codec names (lower case, without rate) → the baresip module that provides them. */
const CODEC_MODULES: Record<string, string> = {
  pcmu: "g711",
  pcma: "g711",
  g722: "g722",
  opus: "opus",
  l16: "l16",
  gsm: "gsm",
  g726: "g726",
  "g726-32": "g726",
  amr: "amr",
  codec2: "codec2",
};

/**
 * The default outgoing audio of an agent with real devices: the driver's
 * capture device (`pulse,default`); undefined with the virtual audio.
 *
 * @example
 * ```ts
 * audioSourceOf({ audio: { driver: "pulse" } }); // "pulse,default"
 * ```
 */
export function audioSourceOf(extras: AgentConfigExtras | undefined): string | undefined {
  const audio = extras?.audio;
  return audio ? `${audio.driver},${audio.source || "default"}` : undefined;
}

/**
 * The config lines `extras` sets, in the order they apply: modules first,
 * then devices and TLS, then the user's extra lines.
 *
 * @example
 * ```ts
 * extrasLines({ audio: { driver: "pulse", player: "null" } });
 * // [["module", "pulse.so"], ["audio_player", "pulse,null"], ["audio_alert", "pulse,null"]]
 * ```
 */
export function extrasLines(extras: AgentConfigExtras | undefined): Array<[string, string]> {
  if (!extras) return [];
  const lines: Array<[string, string]> = [];
  const audio = extras.audio;
  if (audio) {
    lines.push(["module", `${audio.driver}.so`]);
    lines.push(["audio_player", `${audio.driver},${audio.player || "default"}`]);
    lines.push(["audio_alert", `${audio.driver},${audio.alert || audio.player || "default"}`]);
  }
  if (extras.sipCafile) lines.push(["sip_cafile", extras.sipCafile]);
  if (extras.sipCapath !== undefined) lines.push(["sip_capath", extras.sipCapath]);
  lines.push(...(extras.extra ?? []));
  return lines;
}

/**
 * The modules that provide `codecs` (names as in `audio_codecs`, with or
 * without `/rate/channels`), without repeats; unknown names give none.
 *
 * @example
 * ```ts
 * codecModules(["opus/48000/2", "PCMU", "PCMA"]); // ["opus", "g711"]
 * ```
 */
export function codecModules(codecs: readonly string[]): string[] {
  const modules = codecs.map((c) => CODEC_MODULES[c.split("/")[0].toLowerCase()])
    .filter((m): m is string => m !== undefined);
  return [...new Set(modules)];
}

/** The codecs {@link offeredCodecs} can list, spelled as SDP names them, in a sensible default order. */
const OFFERABLE_CODECS = ["opus", "G722", "PCMU", "PCMA", "L16", "GSM", "G726-32", "AMR", "codec2"];

/**
 * The audio codecs a baresip module folder can offer: those whose module
 * (`opus.so`, `g722.so`…) is there (the profile form's codec list).
 *
 * @example
 * ```ts
 * offeredCodecs("/usr/lib/baresip/modules"); // ["opus", "G722", "PCMU", "PCMA", "L16", …]
 * ```
 */
export function offeredCodecs(modulePath: string): string[] {
  return OFFERABLE_CODECS.filter((codec) => {
    try {
      return Deno.statSync(`${modulePath}/${CODEC_MODULES[codec.toLowerCase()]}.so`).isFile;
    } catch {
      return false;
    }
  });
}

/**
 * Applies `lines` to a config file's text: a key baresip reads once
 * replaces the earlier line with that key (last value wins); `module`
 * lines are added unless the same module is already loaded.
 *
 * @example
 * ```ts
 * applyConfigOverrides("audio_player\taubridge,x\nmodule\tg711.so\n", [["audio_player", "pulse,default"], ["module", "pulse.so"]]);
 * // "audio_player\tpulse,default\nmodule\tg711.so\nmodule\tpulse.so\n"
 * ```
 */
export function applyConfigOverrides(text: string, lines: ReadonlyArray<[string, string]>): string {
  const out = text.split("\n").filter((l) => l !== "").map((line) => {
    const tab = line.search(/\s/);
    return tab < 0
      ? [line, ""] as [string, string]
      : [line.slice(0, tab), line.slice(tab).trim()] as [
        string,
        string,
      ];
  });
  for (const [key, value] of lines) {
    checkLine(key, value);
    if (REPEATED_KEYS.has(key)) {
      if (!out.some(([k, v]) => k === key && v === value)) insertModule(out, key, value);
      continue;
    }
    const at = out.findIndex(([k]) => k === key);
    if (at < 0) {
      out.push([key, value]);
      continue;
    }
    out[at] = [key, value];
    // baresip reads the first line of a key: drop any later one.
    for (let i = out.length - 1; i > at; i--) if (out[i][0] === key) out.splice(i, 1);
  }
  return out.map(([k, v]) => `${k}\t${v}`).join("\n") + "\n";
}

/** Modules go after the last `module` line, before the `module_app` lines. */
function insertModule(out: Array<[string, string]>, key: string, value: string): void {
  if (key !== "module") {
    out.push([key, value]);
    return;
  }
  const lastModule = out.findLastIndex(([k]) => k === "module");
  out.splice(lastModule >= 0 ? lastModule + 1 : out.length, 0, [key, value]);
}

function checkLine(key: string, value: string): void {
  if (!/^[A-Za-z0-9_]+$/.test(key)) {
    throw new RangeError(
      `invalid baresip config key ${JSON.stringify(key)}: expected letters, digits and _`,
    );
  }
  if (/[\r\n]/.test(value)) {
    throw new RangeError(`baresip config value of ${key} cannot contain line breaks`);
  }
}
