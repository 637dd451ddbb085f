/**
 * Reading a WAV file while another process is still writing it (baresip's
 * `sndfile` dumps during a call): the header is read once, then each read
 * returns the samples appended since the last one.
 *
 * @module
 */
import { decodeSamples, parseWavHeader, WavError, type WavFormat } from "./wav.ts";
import { mixToMono } from "./resample.ts";

/**
 * A growing WAV file, read as mono samples.
 *
 * @example
 * ```ts
 * const tail = await WavTail.open(path, { fromEnd: true });
 * const fresh = await tail.read(); // samples written since open
 * tail.close();
 * ```
 */
export class WavTail {
  readonly path: string;
  readonly format: WavFormat;
  readonly #file: Deno.FsFile;
  #offset: number;
  #carry = new Uint8Array(0);

  private constructor(path: string, file: Deno.FsFile, format: WavFormat, offset: number) {
    this.path = path;
    this.#file = file;
    this.format = format;
    this.#offset = offset;
  }

  /**
   * Opens `path`; with `fromEnd` the first read returns only samples
   * written after this call.
   *
   * @throws {WavError} the file's header is not (yet) a complete WAV header.
   */
  static async open(path: string, options: { fromEnd?: boolean } = {}): Promise<WavTail> {
    const file = await Deno.open(path, { read: true });
    try {
      const head = new Uint8Array(4096);
      const n = (await file.read(head)) ?? 0;
      const format = parseWavHeader(head.subarray(0, n));
      const frame = format.bitsPerSample / 8 * format.channelCount;
      let offset = format.dataOffset;
      if (options.fromEnd) {
        const size = (await file.stat()).size;
        offset += Math.max(0, Math.floor((size - format.dataOffset) / frame) * frame);
      }
      return new WavTail(path, file, format, offset);
    } catch (error) {
      file.close();
      if (error instanceof WavError) throw error;
      throw new WavError(`cannot read ${path}: ${(error as Error).message}`);
    }
  }

  /** The sample rate of the file. */
  get sampleRate(): number {
    return this.format.sampleRate;
  }

  /** Samples (channels averaged) appended since the last read; empty when none. */
  async read(): Promise<Float32Array> {
    const size = (await this.#file.stat()).size;
    const available = size - this.#offset;
    if (available <= 0) return new Float32Array(0);
    const chunk = new Uint8Array(this.#carry.length + available);
    chunk.set(this.#carry);
    await this.#file.seek(this.#offset, Deno.SeekMode.Start);
    let filled = this.#carry.length;
    while (filled < chunk.length) {
      const n = await this.#file.read(chunk.subarray(filled));
      if (n === null || n === 0) break;
      filled += n;
    }
    this.#offset += filled - this.#carry.length;
    const frame = this.format.bitsPerSample / 8 * this.format.channelCount;
    const whole = filled - (filled % frame);
    this.#carry = chunk.slice(whole, filled);
    return mixToMono(decodeSamples(chunk.subarray(0, whole), this.format));
  }

  /** Closes the file. */
  close(): void {
    try {
      this.#file.close();
    } catch {
      // already closed
    }
  }
}
