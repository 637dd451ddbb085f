/**
 * Netstring framing (`<length>:<payload>,`) as used by baresip's ctrl_tcp.
 *
 * @module
 */
import { NetstringError } from "./errors.ts";

const COLON = 0x3a;
const COMMA = 0x2c;
const ZERO = 0x30;
const NINE = 0x39;
const MAX_LENGTH_DIGITS = 10;

/** Default largest payload accepted: 4 MiB (a `help` answer is a few KiB). */
export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;

const encoder = new TextEncoder();

/**
 * Encodes one payload as a netstring.
 *
 * @example
 * ```ts
 * new TextDecoder().decode(encodeNetstring('{"a":1}')); // '7:{"a":1},'
 * ```
 */
export function encodeNetstring(payload: string | Uint8Array): Uint8Array {
  const body = typeof payload === "string" ? encoder.encode(payload) : payload;
  const head = encoder.encode(`${body.length}:`);
  const out = new Uint8Array(head.length + body.length + 1);
  out.set(head, 0);
  out.set(body, head.length);
  out[out.length - 1] = COMMA;
  return out;
}

/**
 * An incremental netstring decoder: feed it chunks as they arrive from a
 * socket, split or merged at any byte, and it returns the complete payloads.
 * After a malformed byte it throws {@link NetstringError} and stays broken,
 * because the stream can no longer be trusted.
 *
 * @example
 * ```ts
 * const parser = new NetstringParser();
 * parser.push(new TextEncoder().encode("3:ab")); // []
 * parser.push(new TextEncoder().encode("c,1:x,")); // [bytes "abc", bytes "x"]
 * ```
 */
export class NetstringParser {
  readonly #maxFrameBytes: number;
  #buffer: Uint8Array = new Uint8Array(0);
  #failure?: NetstringError;

  constructor(options: { maxFrameBytes?: number } = {}) {
    this.#maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** Bytes received but not yet part of a complete frame. */
  get pendingBytes(): number {
    return this.#buffer.length;
  }

  /** Appends a chunk and returns every payload it completes, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#failure) throw this.#failure;
    this.#buffer = this.#buffer.length === 0 ? chunk.slice() : concat(this.#buffer, chunk);
    const frames: Uint8Array[] = [];
    let offset = 0;
    try {
      while (offset < this.#buffer.length) {
        const frame = this.#readFrame(offset);
        if (!frame) break;
        frames.push(frame.payload);
        offset = frame.next;
      }
    } catch (error) {
      this.#failure = error as NetstringError;
      throw error;
    }
    this.#buffer = this.#buffer.subarray(offset);
    return frames;
  }

  #readFrame(start: number): { payload: Uint8Array; next: number } | undefined {
    const buf = this.#buffer;
    let length = 0;
    let i = start;
    for (; i < buf.length && buf[i] !== COLON; i++) {
      const byte = buf[i];
      if (byte < ZERO || byte > NINE) {
        throw new NetstringError(
          `malformed netstring: expected a digit or ':' in the length, found ${describeByte(byte)}`,
        );
      }
      if (i - start >= MAX_LENGTH_DIGITS) {
        throw new NetstringError("malformed netstring: the length has more than 10 digits");
      }
      length = length * 10 + (byte - ZERO);
      if (length > this.#maxFrameBytes) {
        throw new NetstringError(
          `netstring frame too large: ${length}+ bytes, the limit is ${this.#maxFrameBytes}`,
        );
      }
    }
    if (i >= buf.length) return undefined; // length not complete yet
    if (i === start) throw new NetstringError("malformed netstring: empty length before ':'");
    const bodyStart = i + 1;
    const end = bodyStart + length;
    if (buf.length <= end) return undefined; // body or trailing comma not here yet
    if (buf[end] !== COMMA) {
      throw new NetstringError(
        `malformed netstring: expected ',' after ${length} bytes, found ${describeByte(buf[end])}`,
      );
    }
    return { payload: buf.slice(bodyStart, end), next: end + 1 };
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function describeByte(byte: number): string {
  return byte >= 0x20 && byte < 0x7f
    ? `'${String.fromCharCode(byte)}'`
    : `byte 0x${byte.toString(16).padStart(2, "0")}`;
}
