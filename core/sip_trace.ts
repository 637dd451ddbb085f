/**
 * baresip's SIP trace (`baresip -s`), parsed as it streams: whole SIP
 * messages with their direction, transport, addresses and time, separated
 * from the rest of baresip's output.
 *
 * baresip prints each message it sends or receives as
 *
 * ```
 * ESC[36;1m#                                   (3.x+: `HH:MM:SS.mmm#`)
 * UDP 127.0.0.1:20769 -> 127.0.0.1:29172
 * <the message, CRLF lines, body included>ESC[;m
 * ```
 *
 * It does not say whether it sent or received the message; that is told
 * from the agent's own SIP ports (see {@link SipTraceParserOptions}).
 *
 * @module
 */
import { headerValue, type SipHeader } from "./sip_headers.ts";

/** A host and port, as baresip prints them (`127.0.0.1:5060`, `[::1]:5060`). */
export interface Endpoint {
  host: string;
  port: number;
}

/** One SIP message from the trace. */
export interface SipMessage {
  /** Whether this agent sent or received it. */
  direction: "sent" | "received";
  /** `UDP`, `TCP`, `TLS`, `WS`, `WSS`. */
  transport: string;
  source: Endpoint;
  destination: Endpoint;
  /** When it was seen (ms since the epoch): baresip's own time of day when printed, else arrival. */
  timestamp: number;
  /** `INVITE sip:b@host SIP/2.0` or `SIP/2.0 180 Ringing`. */
  startLine: string;
  /** The method of a request. */
  method?: string;
  /** The status code of a response. */
  statusCode?: number;
  /** The headers in order, names as written, folded lines joined. */
  headers: SipHeader[];
  body: string;
  /** The Call-ID header, when there is one. */
  callId?: string;
  /** The message as it went on the wire. */
  raw: string;
}

/** What the parser makes of the output: plain text, or a SIP message. */
export type TraceItem =
  | { kind: "text"; text: string }
  | { kind: "sip"; message: SipMessage };

/** Options of {@link SipTraceParser}. */
export interface SipTraceParserOptions {
  /** The agent's own SIP ports (listening UDP/TCP, TLS): a message from one of them was sent. */
  localPorts?: number[];
  /** The clock, for arrival times; default `Date.now`. */
  now?: () => number;
}

/** Longest message the parser waits for before giving up and passing the text through. */
const MAX_MESSAGE_CHARS = 1 << 20;
// deno-lint-ignore no-control-regex
const START_LINE = /^(?:\x1b\[[0-9;]*m)*\s*(?:(\d{1,2}):(\d\d):(\d\d)(?:\.(\d{1,6}))?\s*)?#\s*$/;
const ADDRESS_LINE = /^\s*(UDP|TCP|TLS|WSS?|SCTP)\s+(\S+)\s*->\s*(\S+)\s*$/i;
// deno-lint-ignore no-control-regex
const END_MARK = /\x1b\[[0-9;]*m/g;

/**
 * Splits baresip's stdout into text and SIP messages, chunk by chunk: a
 * chunk may end anywhere, and nothing is scanned twice.
 *
 * @example
 * ```ts
 * const parser = new SipTraceParser({ localPorts: [5060] });
 * const items = parser.push("\x1b[36;1m#\nUDP 127.0.0.1:5060 -> 127.0.0.1:5070\nOPTIONS sip:b@127.0.0.1 SIP/2.0\r\n");
 * items.length; // 0: the message is not complete yet
 * parser.push("Call-ID: x\r\nContent-Length: 0\r\n\r\n\x1b[;m\n")[0].kind; // "sip"
 * ```
 */
export class SipTraceParser {
  readonly #localPorts: Set<number>;
  readonly #learned = new Set<string>();
  readonly #now: () => number;
  #buffer = "";
  /** Where the next scan of #buffer starts: everything before it was looked at. */
  #scanned = 0;
  #mode: "text" | "address" | "message" = "text";
  #startLine = "";
  #colored = false;
  #time = 0;
  #addresses?: { transport: string; source: Endpoint; destination: Endpoint };
  #skipNewline = false;

  constructor(options: SipTraceParserOptions = {}) {
    this.#localPorts = new Set(options.localPorts ?? []);
    this.#now = options.now ?? Date.now;
  }

  /** Feeds a chunk of output; returns the text and messages it completed, in order. */
  push(chunk: string): TraceItem[] {
    const items: TraceItem[] = [];
    if (this.#skipNewline && chunk.length > 0) {
      this.#skipNewline = false;
      if (chunk[0] === "\n") chunk = chunk.slice(1);
    }
    this.#buffer += chunk;
    for (;;) {
      const progressed = this.#mode === "message"
        ? this.#takeMessage(items)
        : this.#takeLine(items);
      if (!progressed) break;
    }
    return items;
  }

  /** Ends the stream: whatever is left (an unfinished line or message) is returned as text. */
  flush(): TraceItem[] {
    const left = this.#mode === "text" ? "" : `${this.#startLine}\n`;
    const text = left +
      (this.#mode === "message" && this.#addresses
        ? `${describeAddresses(this.#addresses)}\n`
        : "") +
      this.#buffer;
    this.#reset();
    this.#buffer = "";
    return text ? [{ kind: "text", text }] : [];
  }

  #takeLine(items: TraceItem[]): boolean {
    const newline = this.#buffer.indexOf("\n", this.#scanned);
    if (newline < 0) {
      this.#scanned = this.#buffer.length;
      return false;
    }
    const line = this.#buffer.slice(0, newline + 1);
    this.#buffer = this.#buffer.slice(newline + 1);
    this.#scanned = 0;
    const bare = line.replace(/\r?\n$/, "");
    if (this.#mode === "text") {
      const start = START_LINE.exec(bare);
      if (start) {
        this.#mode = "address";
        this.#startLine = bare;
        this.#colored = bare.includes("\x1b[");
        this.#time = start[1] === undefined ? this.#now() : timeOfDay(start, this.#now());
      } else {
        pushText(items, line);
      }
      return true;
    }
    const address = ADDRESS_LINE.exec(bare);
    const source = address && parseEndpoint(address[2]);
    const destination = address && parseEndpoint(address[3]);
    if (!address || !source || !destination) {
      pushText(items, `${this.#startLine}\n`);
      this.#mode = "text";
      // The line may itself start a trace: look at it again.
      this.#buffer = line + this.#buffer;
      return true;
    }
    this.#addresses = { transport: address[1].toUpperCase(), source, destination };
    this.#mode = "message";
    return true;
  }

  #takeMessage(items: TraceItem[]): boolean {
    const end = this.#colored ? this.#findMark() : this.#findByLength();
    if (end === undefined) {
      if (this.#buffer.length > MAX_MESSAGE_CHARS) {
        pushText(items, `${this.#startLine}\n${describeAddresses(this.#addresses!)}\n`);
        this.#reset();
        return true;
      }
      return false;
    }
    const raw = this.#buffer.slice(0, end.at);
    this.#buffer = this.#buffer.slice(end.resume);
    if (this.#buffer.startsWith("\n")) this.#buffer = this.#buffer.slice(1);
    else if (this.#buffer === "") this.#skipNewline = true;
    const message = this.#message(raw);
    items.push(message ? { kind: "sip", message } : { kind: "text", text: raw });
    this.#reset();
    return true;
  }

  /** The colour reset that ends a message (looked for only in text not yet scanned). */
  #findMark(): { at: number; resume: number } | undefined {
    END_MARK.lastIndex = Math.max(0, this.#scanned - 8);
    const match = END_MARK.exec(this.#buffer);
    if (!match) {
      this.#scanned = this.#buffer.length;
      return undefined;
    }
    return { at: match.index, resume: match.index + match[0].length };
  }

  /** Without colours: the blank line, then Content-Length bytes of body. */
  #findByLength(): { at: number; resume: number } | undefined {
    const blank = /\r?\n\r?\n/.exec(this.#buffer);
    if (!blank) return undefined;
    const headEnd = blank.index + blank[0].length;
    const length = Number(
      /^(?:content-length|l)[ \t]*:[ \t]*(\d+)/im.exec(
        this.#buffer.slice(0, headEnd),
      )?.[1] ?? 0,
    );
    const bytes = new TextEncoder().encode(this.#buffer.slice(headEnd));
    if (bytes.length < length) return undefined;
    const body = new TextDecoder().decode(bytes.subarray(0, length));
    const at = headEnd + body.length;
    return { at, resume: at };
  }

  #message(raw: string): SipMessage | undefined {
    const { transport, source, destination } = this.#addresses!;
    const parsed = parseSipText(raw);
    if (!parsed) return undefined;
    return {
      direction: this.#direction(source, destination),
      transport,
      source,
      destination,
      timestamp: this.#time,
      ...parsed,
      raw,
    };
  }

  /**
   * Sent when the source is one of the agent's ports (or an address it was
   * seen sending from), received when the destination is; otherwise (a TCP
   * connection the agent opened from a new port) sent, and that address is
   * remembered as the agent's.
   */
  #direction(source: Endpoint, destination: Endpoint): "sent" | "received" {
    if (this.#localPorts.has(source.port) || this.#learned.has(endpointText(source))) {
      return "sent";
    }
    if (this.#localPorts.has(destination.port) || this.#learned.has(endpointText(destination))) {
      return "received";
    }
    this.#learned.add(endpointText(source));
    return "sent";
  }

  #reset(): void {
    this.#mode = "text";
    this.#startLine = "";
    this.#addresses = undefined;
    this.#scanned = 0;
  }
}

/**
 * Parses the text of one SIP message: start line, headers (folding undone),
 * body. Undefined when the first line is neither a request nor a status line.
 *
 * @example
 * ```ts
 * parseSipText("SIP/2.0 180 Ringing\r\nCall-ID: x\r\n\r\n")?.statusCode; // 180
 * ```
 */
export function parseSipText(
  raw: string,
):
  | Pick<SipMessage, "startLine" | "method" | "statusCode" | "headers" | "body" | "callId">
  | undefined {
  const blank = /\r?\n\r?\n/.exec(raw);
  const head = blank ? raw.slice(0, blank.index) : raw.replace(/\r?\n$/, "");
  const body = blank ? raw.slice(blank.index + blank[0].length) : "";
  const lines = head.split(/\r?\n/);
  const startLine = lines.shift()?.trim() ?? "";
  const response = /^SIP\/2\.0\s+(\d{3})(?:\s|$)/i.exec(startLine);
  const request = /^([A-Za-z]+)\s+\S+\s+SIP\/2\.0$/i.exec(startLine);
  if (!response && !request) return undefined;
  const headers: SipHeader[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      const last = headers[headers.length - 1];
      last[1] = `${last[1]} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  const callId = headerValue(headers, "Call-ID");
  return {
    startLine,
    ...(request ? { method: request[1].toUpperCase() } : {}),
    ...(response ? { statusCode: Number(response[1]) } : {}),
    headers,
    body,
    ...(callId !== undefined ? { callId } : {}),
  };
}

/**
 * Parses `127.0.0.1:5060` or `[::1]:5060`.
 *
 * @example
 * ```ts
 * parseEndpoint("[::1]:5070"); // { host: "::1", port: 5070 }
 * ```
 */
export function parseEndpoint(text: string): Endpoint | undefined {
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:\s]+):(\d+)$/.exec(text);
  if (!match) return undefined;
  const port = Number(match[2]);
  return port <= 65535 ? { host: match[1], port } : undefined;
}

/** `127.0.0.1:5060`, `[::1]:5060`. */
export function endpointText(e: Endpoint): string {
  return e.host.includes(":") ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

/**
 * A SIP message as log lines: a heading with direction, time, transport
 * and addresses, then the message (indented, blank line kept).
 *
 * @example
 * ```ts
 * describeSipMessage(message);
 * // ["── SIP sent 14:30:01.123 UDP 127.0.0.1:20769 → 127.0.0.1:29172 ──", "  INVITE sip:b@… SIP/2.0", …]
 * ```
 */
export function describeSipMessage(m: SipMessage): string[] {
  const time = new Date(m.timestamp).toISOString().slice(11, 23);
  const heading = `── SIP ${m.direction} ${time} ${m.transport} ${endpointText(m.source)} → ${
    endpointText(m.destination)
  } ──`;
  const lines = m.raw.replace(/\r?\n$/, "").split(/\r?\n/).map((l) => (l ? `  ${l}` : ""));
  return [heading, ...lines];
}

function describeAddresses(a: { transport: string; source: Endpoint; destination: Endpoint }) {
  return `${a.transport} ${endpointText(a.source)} -> ${endpointText(a.destination)}`;
}

function pushText(items: TraceItem[], text: string): void {
  const last = items[items.length - 1];
  if (last?.kind === "text") last.text += text;
  else items.push({ kind: "text", text });
}

/** baresip's `HH:MM:SS.mmm` (local time) as a timestamp near `now`. */
function timeOfDay(match: RegExpExecArray, now: number): number {
  const d = new Date(now);
  const ms = Number((match[4] ?? "0").padEnd(3, "0").slice(0, 3));
  d.setHours(Number(match[1]), Number(match[2]), Number(match[3]), ms);
  const t = d.getTime();
  // Printed just before midnight, read just after it.
  return t - now > 12 * 3600_000 ? t - 24 * 3600_000 : t;
}
