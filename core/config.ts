/**
 * The baresip `config` file of one headless agent: no sound devices, ctrl_tcp
 * on loopback, and everything pinned to loopback when asked.
 *
 * @module
 */

/** What a headless agent's config needs to know. */
export interface AgentConfigOptions {
  /** Folder of baresip's modules. */
  modulePath: string;
  /** SIP port (UDP and TCP); baresip also binds TLS on `sipPort + 1`. */
  sipPort: number;
  /** Port of ctrl_tcp, always bound on 127.0.0.1. */
  ctrlPort: number;
  /** Keep SIP, Contact and SDP on 127.0.0.1 (loopback agents and loopback PBXs). */
  loopback: boolean;
  /** Unique name of this agent's virtual audio device (aubridge). */
  audioDevice: string;
  /** The default outgoing audio, as a baresip source (`ausine,440`); default {@link SILENT_SOURCE}. */
  audioSource?: string;
  /** When set, `sndfile` dumps each call's sent and received audio here (agents always set it). */
  recordDir?: string;
  /** Extra modules to load (e.g. `srtp`, `stun`, `mwi`). */
  extraModules?: string[];
  /** How calls are handled; every field has a default. */
  calls?: CallHandling;
  /** Lines whose keys differ by baresip version (from the agent's dialect), appended last. */
  versionLines?: Array<[string, string]>;
}

/** How an agent handles its calls (baresip's `call_*` and `rtp_timeout` settings). */
export interface CallHandling {
  /** Calls at once before baresip answers `486 Max Calls`; default {@link DEFAULT_MAX_CALLS}. */
  maxCalls?: number;
  /** Put the established call on hold when another is answered; default false. */
  autoHold?: boolean;
  /** End a call after this many seconds without RTP (0: never); default {@link DEFAULT_RTP_TIMEOUT_S}. */
  rtpTimeoutS?: number;
}

/** Calls an agent takes at once by default. */
export const DEFAULT_MAX_CALLS = 16;

/**
 * Seconds without RTP after which a call ends (cause `rtp-timeout`):
 * agents always send RTP while a call sends audio, so a silent peer vanished.
 */
export const DEFAULT_RTP_TIMEOUT_S = 30;

/** Sample rate of the virtual audio: baresip 1.0.0's ausine works only at 48 kHz. */
export const AUDIO_SAMPLE_RATE = 48_000;

/** Channels of every agent's audio source: 1.0.0's ausine plays stereo only. */
export const SOURCE_CHANNELS = 2;

/**
 * The default outgoing audio: "silence" that still clocks RTP (so RFC 4733
 * DTMF keeps flowing). baresip 1.0.0's ausine refuses 0 Hz (10-20000 Hz), so
 * this is a 20 kHz sine, which the resampler's low-pass filter removes on the
 * way to the 8 kHz G.711 codec.
 */
export const SILENT_SOURCE = "ausine,20000";

/** Base modules of every agent, in load order. */
export const BASE_MODULES = ["g711", "ausine", "aufile", "aubridge"];

/**
 * Renders the `config` file.
 *
 * @example
 * ```ts
 * renderAgentConfig({ modulePath: "/usr/lib/baresip/modules", sipPort: 5070, ctrlPort: 4444, loopback: true, audioDevice: "ringo-a" });
 * ```
 */
export function renderAgentConfig(options: AgentConfigOptions): string {
  const listen = options.loopback ? "127.0.0.1" : "0.0.0.0";
  const modules = [
    ...BASE_MODULES,
    ...(options.recordDir ? ["sndfile"] : []),
    ...(options.extraModules ?? []),
  ];
  const lines: Array<[string, string | number]> = [
    ["poll_method", "epoll"],
    ["sip_listen", `${listen}:${options.sipPort}`],
    ...(options.loopback ? [["net_interface", "127.0.0.1"] as [string, string]] : []),
    ["call_local_timeout", 120],
    ["call_max_calls", options.calls?.maxCalls ?? DEFAULT_MAX_CALLS],
    // Read since 1.1.0; 1.0.0 ignores the key (it never holds the other call).
    ["call_hold_other_calls", options.calls?.autoHold ? "yes" : "no"],
    ["rtp_timeout", options.calls?.rtpTimeoutS ?? DEFAULT_RTP_TIMEOUT_S],
    ["audio_player", `aubridge,${options.audioDevice}`],
    ["audio_alert", `aubridge,${options.audioDevice}-alert`],
    ["audio_source", options.audioSource ?? SILENT_SOURCE],
    ["ausrc_srate", AUDIO_SAMPLE_RATE],
    ["auplay_srate", AUDIO_SAMPLE_RATE],
    ["ausrc_channels", SOURCE_CHANNELS],
    ["auplay_channels", 1],
    ["audio_level", "no"],
    ["rtp_ports", "10000-60000"],
    ["rtp_stats", "yes"],
    ["rtcp_mux", "no"],
    ["module_path", options.modulePath],
    ...modules.map((m) => ["module", `${m}.so`] as [string, string]),
    ["module_app", "account.so"],
    ["module_app", "menu.so"],
    ["module_app", "ctrl_tcp.so"],
    ["ctrl_tcp_listen", `127.0.0.1:${options.ctrlPort}`],
    ...(options.recordDir ? [["snd_path", options.recordDir] as [string, string]] : []),
    ...(options.versionLines ?? []),
  ];
  return lines.map(([key, value]) => `${key}\t${value}`).join("\n") + "\n";
}
