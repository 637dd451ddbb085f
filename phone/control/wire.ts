/**
 * The control socket's wire: netstring-framed JSON (core/netstring.ts, the
 * project's one framing), one request per frame from the client, answered
 * by one response frame — after any number of event frames for `events`.
 *
 * ```
 * → {"id":1,"command":"dial","args":["4711"]}
 * ← {"id":1,"ok":true,"data":{"uri":"sip:4711@pbx"},"error":null,"text":"dialing sip:4711@pbx"}
 * → {"id":2,"command":"events","args":[]}
 * ← {"id":2,"event":{"type":"call_ringing",…}}          (until the client hangs up)
 * ```
 *
 * @module
 */
import { z } from "zod";
import { encodeNetstring } from "../../core/netstring.ts";
import type { SessionEvent } from "../session_events.ts";

/** The largest request frame a session accepts (a command line is a few hundred bytes). */
export const MAX_REQUEST_BYTES = 64 * 1024;
/** The largest response frame a client accepts. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** zod schema of a request. */
export const requestSchema = z.object({
  id: z.union([z.string().max(64), z.number().int()]).optional(),
  command: z.string().min(1).max(64),
  args: z.array(z.string().max(16 * 1024)).max(64).default([]),
}).strict();

/** One request. */
export type ControlRequest = z.input<typeof requestSchema>;

/** The answer to one request. */
export interface ControlResponse {
  id?: string | number;
  ok: boolean;
  data: unknown;
  error: string | null;
  /** A sentence telling how to fix the error, when there is one. */
  hint?: string;
  /** The answer for people (what `ringo control` prints without `--json`). */
  text?: string;
}

/** One event of a streaming command. */
export interface ControlEventFrame {
  id?: string | number;
  event: SessionEvent;
}

/** Encodes one frame. */
export function encodeFrame(
  value: ControlRequest | ControlResponse | ControlEventFrame,
): Uint8Array {
  return encodeNetstring(JSON.stringify(value));
}

/** Writes all of `bytes` to `conn`. */
export async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}
