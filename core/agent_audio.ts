/**
 * The audio side of an agent: what it sends (tracked, and re-applied after
 * every stream change because baresip falls back to its default source),
 * what it received in each call (baresip's `sndfile` dumps, read live), and
 * the copies of both kept for people (`recordDir`).
 *
 * @module
 */
import { join } from "node:path";
import { type AgentSnapshot, currentCall } from "./agent_state.ts";
import { listenForTone, type ToneHeard, ToneNotHeardError } from "./audio/listen.ts";
import { type AudioSpec, type PreparedSource, prepareSource } from "./audio/source.ts";
import { joinWavs, withFixedSizes } from "./audio/wav.ts";
import type { Capabilities } from "./capabilities.ts";
import { AgentError } from "./errors.ts";
import type { BaresipEvent } from "./frames.ts";

/** The audio of one call, as baresip's `sndfile` dumps it. */
export interface CallAudio {
  /** 1 for the agent's first call with audio, and so on. */
  index: number;
  callId?: string;
  /** The peer's number (user part), for file names. */
  peer: string;
  /** What the agent encoded and sent (the newest segment). */
  sentPath?: string;
  /** What the agent received and decoded (the newest segment). */
  receivedPath?: string;
  /** Every segment of what it sent, oldest first: 4.x starts a new dump after each re-INVITE. */
  sentSegments: string[];
  /** Every segment of what it received, oldest first. */
  receivedSegments: string[];
  /** The call went through a re-INVITE (hold, resume) since its audio started. */
  reinvited: boolean;
}

/** What {@link AgentAudio} needs from its agent. */
export interface AgentAudioInit {
  name: string;
  /** Private folder for converted files and working copies. */
  workDir: string;
  /** Where people want the sent/received WAVs of every call. */
  recordDir?: string;
  /** The source baresip's config starts every call with. */
  defaultDevice: string;
  capabilities: Capabilities;
  command(name: string, params?: string): Promise<string>;
  snapshot(): AgentSnapshot;
}

const DUMP_LINE = /sndfile: dumping (encode|decode) audio to (\S+\.wav)/;

/** See the module documentation. */
export class AgentAudio {
  readonly #init: AgentAudioInit;
  readonly #calls: CallAudio[] = [];
  readonly #changes = new EventTarget();
  #wanted?: PreparedSource;
  #serial = 0;
  #restartTimer?: ReturnType<typeof setTimeout>;
  #closed = false;
  /** Ends every listener when the agent stops. */
  readonly #closing = new AbortController();

  constructor(init: AgentAudioInit) {
    this.#init = init;
  }

  /** The audio of every call so far, oldest first. */
  get calls(): readonly CallAudio[] {
    return this.#calls;
  }

  /** What the agent sends now (undefined: the default silence). */
  get sending(): AudioSpec | undefined {
    return this.#wanted?.spec;
  }

  /** Feeds one line of baresip's log (finds `sndfile`'s dump files). */
  onLogLine(line: string): void {
    const match = DUMP_LINE.exec(line);
    if (!match) return;
    const [, direction, path] = match;
    // 4.x prints the line twice: when it names the file (at each stream
    // update) and when the first frame opens it. Only an open file counts.
    if (!exists(path)) return;
    const call = currentCall(this.#init.snapshot());
    const segments = (a: CallAudio) => direction === "encode" ? a.sentSegments : a.receivedSegments;
    let audio = this.#calls.at(-1);
    const idsAgree = audio &&
      (audio.callId === undefined || call?.id === undefined || audio.callId === call.id);
    const firstOfCall = idsAgree && segments(audio!).length === 0;
    const laterOfCall = idsAgree && audio!.callId !== undefined && audio!.callId === call?.id;
    if (!audio || !(firstOfCall || laterOfCall)) {
      audio = {
        index: this.#calls.length + 1,
        callId: call?.id,
        peer: call?.peer.number ?? "unknown",
        reinvited: false,
        sentSegments: [],
        receivedSegments: [],
      };
      this.#calls.push(audio);
    }
    const n = segments(audio).length + 1;
    const kept = keepAside(
      path,
      `${this.#init.workDir}/call${audio.index}-${direction}${n > 1 ? `-${n}` : ""}.dump.wav`,
    );
    segments(audio).push(kept);
    if (direction === "encode") audio.sentPath = kept;
    else audio.receivedPath = kept;
    this.#changes.dispatchEvent(new Event("change"));
  }

  /** Feeds one baresip event: re-applies the wanted source after each stream change. */
  onEvent(event: BaresipEvent, before: AgentSnapshot): void {
    // While the call does not send (held by either side), 3.x/4.x have
    // stopped the audio source: a source set now would keep the next resume
    // from starting the TX thread, and nothing would be sent again.
    if (event.audioDir && !event.audioDir.includes("send")) return;
    const established = currentCall(this.#init.snapshot())?.state === "established";
    switch (event.type) {
      case "CALL_ESTABLISHED":
        void this.#apply();
        return;
      case "CALL_REMOTE_SDP":
      case "CALL_LOCAL_SDP": {
        const wasEstablished = currentCall(before)?.state === "established";
        if (!established || !wasEstablished) return;
        this.noteReinvite();
        void this.#apply();
        return;
      }
      case "CALL_CLOSED":
        if (this.#init.snapshot().calls.length === 0) clearTimeout(this.#restartTimer);
        return;
    }
  }

  /** Records that the current call's media was renegotiated (own hold/resume). */
  noteReinvite(): void {
    const audio = this.#calls.at(-1);
    const call = currentCall(this.#init.snapshot());
    if (audio && call && (audio.callId === undefined || audio.callId === call.id)) {
      audio.reinvited = true;
    }
  }

  /**
   * Sends `spec` from now on: in the current call at once, and in later
   * calls from their start.
   */
  async send(spec: AudioSpec): Promise<void> {
    let prepared: PreparedSource;
    try {
      prepared = await prepareSource(spec, this.#init.workDir, ++this.#serial);
    } catch (error) {
      throw new AgentError(
        `agent "${this.#init.name}" cannot send ${describeSpec(spec)}: ${(error as Error).message}`,
      );
    }
    this.#wanted = prepared;
    const call = currentCall(this.#init.snapshot());
    if (call?.state === "established") await this.#apply({ strict: true });
  }

  /**
   * Resolves once the current call's received audio carries `hz`; rejects
   * with what was heard instead after `timeoutMs`.
   */
  async listen(
    hz: number,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<ToneHeard> {
    const deadline = Date.now() + options.timeoutMs;
    const signal = options.signal
      ? AbortSignal.any([options.signal, this.#closing.signal])
      : this.#closing.signal;
    const audio = await this.#receivedAudio(deadline, signal);
    const name = this.#init.name;
    const within = `${(options.timeoutMs / 1000).toFixed(1)} s`;
    if (!audio?.receivedPath) {
      throw new AgentError(
        `agent "${name}" did not hear ${hz} Hz within ${within}: it had no call with audio`,
      );
    }
    try {
      return await listenForTone(() => audio.receivedPath!, hz, {
        timeoutMs: Math.max(0, deadline - Date.now()),
        signal,
      });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new AgentError(
          `agent "${name}" could not listen for ${hz} Hz: the received audio of its call is gone ` +
            `(${(error as Error).message})`,
          { cause: error },
        );
      }
      if (!(error instanceof ToneNotHeardError)) throw error;
      const caps = this.#init.capabilities;
      const lost = audio.reinvited && !caps.has("audio-after-hold")
        ? ` (note: ${caps.missingReason("audio-after-hold")}; older versions stop recording ` +
          "what they receive once a call was held, baresip#1496)"
        : "";
      throw new AgentError(
        `agent "${name}" did not hear ${hz} Hz within ${within}: ${
          error.message.replace(/^no \d+ Hz tone: /, "")
        }${lost}`,
      );
    }
  }

  /**
   * A WAV file of what the current (or last) call received so far, or
   * undefined before any call had audio. Written into `recordDir` when set.
   */
  async recording(): Promise<string | undefined> {
    const audio = this.#calls.at(-1);
    if (!audio?.receivedPath) return undefined;
    const dir = this.#init.recordDir ?? this.#init.workDir;
    const out = join(dir, fileName(audio, "received"));
    await copyJoined(audio.receivedSegments, out);
    return out;
  }

  /** Stops re-applying sources and copies every call's WAVs into `recordDir`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#restartTimer);
    this.#closing.abort(
      new AgentError(`agent "${this.#init.name}" stopped while listening for a tone`),
    );
    const dir = this.#init.recordDir;
    if (!dir) return;
    for (const audio of this.#calls) {
      if (audio.sentPath) await copyJoined(audio.sentSegments, join(dir, fileName(audio, "sent")));
      if (audio.receivedPath) {
        await copyJoined(audio.receivedSegments, join(dir, fileName(audio, "received")));
      }
    }
  }

  async #apply(options: { strict?: boolean } = {}): Promise<void> {
    clearTimeout(this.#restartTimer);
    const wanted = this.#wanted;
    if (!wanted || this.#closed) return;
    if (wanted.device === this.#init.defaultDevice && !options.strict) return;
    try {
      await this.#init.command("ausrc", wanted.device);
    } catch (error) {
      if (options.strict) throw error;
      return; // the call ended meanwhile; the next call applies it again
    }
    if (wanted.restartMs && wanted === this.#wanted) {
      this.#restartTimer = setTimeout(() => {
        if (currentCall(this.#init.snapshot())?.state === "established") void this.#apply();
      }, wanted.restartMs);
    }
  }

  /** The current call's audio once its received dump exists (or undefined at the deadline). */
  #receivedAudio(deadline: number, signal?: AbortSignal): Promise<CallAudio | undefined> {
    const find = () => {
      const call = currentCall(this.#init.snapshot());
      const audio = this.#calls.at(-1);
      if (!call) return audio; // no call now: the last call's audio
      if (call.state !== "established") return undefined;
      return audio?.receivedPath && (!audio.callId || !call.id || audio.callId === call.id)
        ? audio
        : undefined;
    };
    const found = find();
    if (found?.receivedPath) return Promise.resolve(found);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const done = (value?: CallAudio, error?: unknown) => {
        clearTimeout(timer);
        this.#changes.removeEventListener("change", onChange);
        signal?.removeEventListener("abort", onAbort);
        if (error) reject(error);
        else resolve(value);
      };
      const onChange = () => {
        const audio = find();
        if (audio?.receivedPath) done(audio);
      };
      const onAbort = () => done(undefined, signal!.reason);
      const timer = setTimeout(() => done(undefined), Math.max(0, deadline - Date.now()));
      this.#changes.addEventListener("change", onChange);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

/**
 * Renames a dump baresip has just opened to a name of ringo's (baresip keeps
 * writing through its open file). sndfile names dumps by the second, so a
 * second call starting within the same second would otherwise truncate the
 * first call's files. Where the file does not exist yet (a version that
 * opens it later) the original name is kept.
 */
function keepAside(path: string, to: string): string {
  try {
    Deno.renameSync(path, to);
    return to;
  } catch {
    return path;
  }
}

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** `call1-b-received.wav`: the call's number, the peer, and the direction. */
function fileName(audio: CallAudio, kind: "sent" | "received"): string {
  const peer = audio.peer.replace(/[^A-Za-z0-9+._-]+/g, "_") || "peer";
  return `call${audio.index}-${peer}-${kind}.wav`;
}

/** Writes the segments of one direction of a call as one WAV with fixed sizes. */
async function copyJoined(segments: string[], to: string): Promise<void> {
  const files: Uint8Array[] = [];
  for (const path of segments) {
    try {
      const bytes = await Deno.readFile(path);
      withFixedSizes(bytes); // throws for a dump with no header yet
      files.push(bytes);
    } catch {
      // A dump baresip never got to write a header into holds no audio to keep.
    }
  }
  if (files.length > 0) await Deno.writeFile(to, joinWavs(files), { mode: 0o644 });
}

function describeSpec(spec: AudioSpec): string {
  switch (spec.kind) {
    case "tone":
      return `tone(${spec.hz})`;
    case "file":
      return `file(${JSON.stringify(spec.path)})`;
    case "silence":
      return "silence";
  }
}
