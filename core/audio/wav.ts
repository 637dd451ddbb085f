/**
 * WAV (RIFF/WAVE) files: parse any common PCM layout (8/16/24/32-bit
 * integer, 32/64-bit float, WAVE_FORMAT_EXTENSIBLE) into float samples, and
 * write 16-bit PCM. The parser tolerates the zero RIFF/data sizes of a file
 * that is still being written (baresip's `sndfile` dumps during a call).
 *
 * @module
 */

/** Decoded audio: one `Float32Array` per channel, samples in [-1, 1]. */
export interface PcmAudio {
  sampleRate: number;
  /** One array per channel, all of the same length. */
  channels: Float32Array[];
}

/** The layout of a WAV file's samples, from its `fmt ` chunk. */
export interface WavFormat {
  sampleRate: number;
  channelCount: number;
  bitsPerSample: number;
  /** `int` for PCM, `float` for IEEE float. */
  encoding: "int" | "float";
  /** Byte offset of the sample data. */
  dataOffset: number;
  /** Bytes of sample data the header announces; 0 or too large for a file still being written. */
  declaredDataBytes: number;
}

/** The file is not a WAV ringo can read; the message says what was found. */
export class WavError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WavError";
  }
}

const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;

/**
 * Reads the header of a WAV file: its format and where its samples start.
 *
 * @throws {WavError} not RIFF/WAVE, no `fmt `/`data` chunk, or an encoding other than PCM/float.
 * @example
 * ```ts
 * const format = parseWavHeader(await Deno.readFile("prompt.wav"));
 * format.sampleRate; // 8000
 * ```
 */
export function parseWavHeader(bytes: Uint8Array): WavFormat {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || ascii(bytes, 0, 4) !== "RIFF" || ascii(bytes, 8, 4) !== "WAVE") {
    throw new WavError("not a WAV file (no RIFF/WAVE header)");
  }
  let fmt: Omit<WavFormat, "dataOffset" | "declaredDataBytes"> | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = ascii(bytes, offset, 4);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === "fmt ") {
      if (body + 16 > bytes.length) break;
      let tag = view.getUint16(body, true);
      const channelCount = view.getUint16(body + 2, true);
      const sampleRate = view.getUint32(body + 4, true);
      const bitsPerSample = view.getUint16(body + 14, true);
      if (tag === EXTENSIBLE && size >= 40 && body + 26 <= bytes.length) {
        tag = view.getUint16(body + 24, true); // first two bytes of the sub-format GUID
      }
      if (tag !== PCM && tag !== IEEE_FLOAT) {
        throw new WavError(`unsupported WAV encoding (format tag ${tag}): use PCM or float`);
      }
      const encoding = tag === PCM ? "int" : "float";
      const valid = encoding === "int"
        ? [8, 16, 24, 32].includes(bitsPerSample)
        : [32, 64].includes(bitsPerSample);
      if (!valid || channelCount < 1 || sampleRate < 1) {
        throw new WavError(
          `unsupported WAV layout: ${bitsPerSample}-bit ${encoding}, ${channelCount} channels, ${sampleRate} Hz`,
        );
      }
      fmt = { sampleRate, channelCount, bitsPerSample, encoding };
    } else if (id === "data") {
      if (!fmt) throw new WavError("WAV file has its data before its format chunk");
      return { ...fmt, dataOffset: body, declaredDataBytes: size };
    }
    // A chunk of size 0 that is not `data` would loop forever on a live file; sizes are even-padded.
    offset = body + size + (size % 2);
  }
  throw new WavError(fmt ? "WAV file has no data chunk" : "WAV file has no format chunk");
}

/**
 * Decodes a whole WAV file. A data size of 0 or one past the end of the
 * file (a file still being written) means "up to the end of the file".
 *
 * @example
 * ```ts
 * const { sampleRate, channels } = decodeWav(await Deno.readFile("prompt.wav"));
 * ```
 */
export function decodeWav(bytes: Uint8Array): PcmAudio {
  const format = parseWavHeader(bytes);
  const available = bytes.length - format.dataOffset;
  const length = format.declaredDataBytes > 0 && format.declaredDataBytes <= available
    ? format.declaredDataBytes
    : available;
  return {
    sampleRate: format.sampleRate,
    channels: decodeSamples(bytes.subarray(format.dataOffset, format.dataOffset + length), format),
  };
}

/**
 * Decodes raw interleaved sample bytes of `format` into one array per
 * channel; a trailing partial frame is ignored.
 */
export function decodeSamples(
  data: Uint8Array,
  format: Pick<WavFormat, "channelCount" | "bitsPerSample" | "encoding">,
): Float32Array[] {
  const bytesPerSample = format.bitsPerSample / 8;
  const frameBytes = bytesPerSample * format.channelCount;
  const frames = Math.floor(data.length / frameBytes);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const channels = Array.from({ length: format.channelCount }, () => new Float32Array(frames));
  const read = sampleReader(view, format.bitsPerSample, format.encoding);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < format.channelCount; c++) {
      channels[c][i] = read((i * format.channelCount + c) * bytesPerSample);
    }
  }
  return channels;
}

/**
 * Encodes audio as a 16-bit PCM WAV file (samples clipped to [-1, 1]).
 *
 * @example
 * ```ts
 * const tone = Float32Array.from({ length: 8000 }, (_, i) => 0.5 * Math.sin(2 * Math.PI * 1000 * i / 8000));
 * await Deno.writeFile("tone.wav", encodeWav({ sampleRate: 8000, channels: [tone] }));
 * ```
 */
export function encodeWav(audio: PcmAudio): Uint8Array {
  const channelCount = audio.channels.length;
  const frames = audio.channels[0]?.length ?? 0;
  const dataBytes = frames * channelCount * 2;
  const bytes = new Uint8Array(44 + dataBytes);
  const view = new DataView(bytes.buffer);
  writeHeader(view, audio.sampleRate, channelCount, dataBytes);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channelCount; c++) {
      const s = Math.max(-1, Math.min(1, audio.channels[c][i]));
      view.setInt16(44 + (i * channelCount + c) * 2, Math.round(s * 32767), true);
    }
  }
  return bytes;
}

/**
 * Returns a copy of a WAV file whose RIFF and data sizes match its length:
 * a live `sndfile` dump (sizes 0) becomes a file every player opens.
 */
export function withFixedSizes(bytes: Uint8Array): Uint8Array {
  const format = parseWavHeader(bytes);
  const frameBytes = format.bitsPerSample / 8 * format.channelCount;
  const available = bytes.length - format.dataOffset;
  const dataBytes = available - (available % frameBytes);
  const out = bytes.slice(0, format.dataOffset + dataBytes);
  const view = new DataView(out.buffer);
  view.setUint32(4, out.length - 8, true);
  view.setUint32(format.dataOffset - 4, dataBytes, true);
  return out;
}

/**
 * Joins WAV files of one format into one (fixed sizes, the first file's
 * header): the segments of a call that baresip 4.x dumps into a new file
 * after each re-INVITE.
 *
 * @throws {WavError} when the files differ in rate, channels or sample format.
 * @example
 * ```ts
 * const whole = joinWavs([await Deno.readFile("part1.wav"), await Deno.readFile("part2.wav")]);
 * ```
 */
export function joinWavs(files: Uint8Array[]): Uint8Array {
  const parts = files.map((bytes) => ({
    bytes: withFixedSizes(bytes),
    format: parseWavHeader(bytes),
  }));
  const [first, ...rest] = parts;
  if (!first) throw new WavError("no WAV files to join");
  const key = (f: WavFormat) =>
    `${f.sampleRate}/${f.channelCount}/${f.bitsPerSample}/${f.encoding}`;
  const odd = rest.find((p) => key(p.format) !== key(first.format));
  if (odd) {
    throw new WavError(
      `cannot join WAVs of different formats (${key(first.format)} and ${key(odd.format)})`,
    );
  }
  const data = parts.map((p) => p.bytes.subarray(p.format.dataOffset));
  const total = data.reduce((n, d) => n + d.length, 0);
  const out = new Uint8Array(first.format.dataOffset + total);
  out.set(first.bytes.subarray(0, first.format.dataOffset));
  let at = first.format.dataOffset;
  for (const d of data) {
    out.set(d, at);
    at += d.length;
  }
  const view = new DataView(out.buffer);
  view.setUint32(4, out.length - 8, true);
  view.setUint32(first.format.dataOffset - 4, total, true);
  return out;
}

function writeHeader(view: DataView, rate: number, channelCount: number, dataBytes: number): void {
  const text = (at: number, s: string) =>
    [...s].forEach((ch, i) => view.setUint8(at + i, ch.charCodeAt(0)));
  text(0, "RIFF");
  view.setUint32(4, 36 + dataBytes, true);
  text(8, "WAVE");
  text(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, PCM, true);
  view.setUint16(22, channelCount, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * channelCount * 2, true);
  view.setUint16(32, channelCount * 2, true);
  view.setUint16(34, 16, true);
  text(36, "data");
  view.setUint32(40, dataBytes, true);
}

function sampleReader(
  view: DataView,
  bits: number,
  encoding: "int" | "float",
): (at: number) => number {
  if (encoding === "float") {
    return bits === 32 ? (at) => view.getFloat32(at, true) : (at) => view.getFloat64(at, true);
  }
  switch (bits) {
    case 8:
      return (at) => (view.getUint8(at) - 128) / 128;
    case 16:
      return (at) => view.getInt16(at, true) / 32768;
    case 24:
      return (at) => {
        const v = view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16);
        return v / 8388608;
      };
    default:
      return (at) => view.getInt32(at, true) / 2147483648;
  }
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}
