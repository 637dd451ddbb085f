/**
 * A deliberately tiny SIP-over-UDP user agent for tests that talk to the test
 * PBX directly (no baresip): hand-written requests, digest auth, and enough
 * response/ACK handling for REGISTER, MESSAGE and a basic INVITE dialog.
 * Not a general SIP stack.
 *
 * @module
 */
import { createHash, randomBytes } from "node:crypto";
import dgram from "node:dgram";

/** A parsed SIP request or response. */
export interface SipMessage {
  /** "INVITE sip:bob@127.0.0.1 SIP/2.0" or "SIP/2.0 200 OK". */
  startLine: string;
  /** Response status code, or 0 for a request. */
  status: number;
  /** Request method (or the CSeq method of a response). */
  method: string;
  /** Request-URI of a request, "" for a response. */
  uri: string;
  /** Header values by lower-cased name, in order of appearance. */
  headers: Map<string, string[]>;
  body: string;
  /** Where the datagram came from. */
  source: { address: string; port: number };
  /** First value of a header (compact forms are expanded), or undefined. */
  header(name: string): string | undefined;
}

const COMPACT: Record<string, string> = {
  v: "via",
  f: "from",
  t: "to",
  i: "call-id",
  m: "contact",
  l: "content-length",
  c: "content-type",
};

/** Parse one SIP message (as received in a UDP datagram). */
export function parseSip(text: string, source: { address: string; port: number }): SipMessage {
  const split = text.indexOf("\r\n\r\n");
  const head = split >= 0 ? text.slice(0, split) : text;
  const body = split >= 0 ? text.slice(split + 4) : "";
  const lines = head.split("\r\n");
  const startLine = lines[0];
  const headers = new Map<string, string[]>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    let name = line.slice(0, colon).trim().toLowerCase();
    name = COMPACT[name] ?? name;
    const list = headers.get(name) ?? [];
    list.push(line.slice(colon + 1).trim());
    headers.set(name, list);
  }
  const isResponse = startLine.startsWith("SIP/2.0 ");
  const cseqMethod = headers.get("cseq")?.[0]?.split(/\s+/)[1] ?? "";
  const [first, second] = startLine.split(" ");
  return {
    startLine,
    status: isResponse ? Number(second) : 0,
    method: isResponse ? cseqMethod : first,
    uri: isResponse ? "" : second,
    headers,
    body,
    source,
    header: (name) => headers.get(COMPACT[name] ?? name.toLowerCase())?.[0],
  };
}

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

/** Parse `Digest realm="x", nonce="y", qop="auth"` into its parameters. */
export function parseChallenge(value: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const m of value.replace(/^Digest\s+/i, "").matchAll(/(\w+)=("([^"]*)"|[^,\s]+)/g)) {
    params[m[1].toLowerCase()] = m[3] ?? m[2];
  }
  return params;
}

/**
 * Build the value of an Authorization / Proxy-Authorization header answering
 * a WWW-/Proxy-Authenticate challenge (RFC 2617 MD5, with or without qop=auth).
 */
export function digestAuthorization(
  challenge: string,
  opts: { method: string; uri: string; username: string; password: string },
): string {
  const c = parseChallenge(challenge);
  const ha1 = md5(`${opts.username}:${c.realm}:${opts.password}`);
  const ha2 = md5(`${opts.method}:${opts.uri}`);
  const parts = [
    `username="${opts.username}"`,
    `realm="${c.realm}"`,
    `nonce="${c.nonce}"`,
    `uri="${opts.uri}"`,
    `algorithm=MD5`,
  ];
  let response: string;
  if (c.qop && c.qop.split(",").map((q) => q.trim()).includes("auth")) {
    const nc = "00000001";
    const cnonce = randomBytes(8).toString("hex");
    response = md5(`${ha1}:${c.nonce}:${nc}:${cnonce}:auth:${ha2}`);
    parts.push(`qop=auth`, `nc=${nc}`, `cnonce="${cnonce}"`);
  } else {
    response = md5(`${ha1}:${c.nonce}:${ha2}`);
  }
  parts.push(`response="${response}"`);
  if (c.opaque) parts.push(`opaque="${c.opaque}"`);
  return `Digest ${parts.join(", ")}`;
}

/** Options for {@link SipUdpClient.request}. */
export interface RequestOptions {
  method: string;
  /** Request-URI. */
  uri: string;
  /** From user (domain is the PBX domain). */
  from: string;
  /** To header URI, default: the Request-URI. */
  to?: string;
  /** Tag for the To header (in-dialog requests). */
  toTag?: string;
  fromTag?: string;
  callId?: string;
  cseq?: number;
  /** Extra header lines, e.g. `Expires: 60`, `Route: <...>`. */
  headers?: string[];
  body?: string;
  contentType?: string;
  /** Where to send the request, default: the PBX. */
  target?: { hostname: string; port: number };
  /** Called with each provisional (1xx) response as it arrives. */
  onProvisional?: (response: SipMessage) => void;
}

/** A request as sent, with the final response it got. */
export interface Transaction {
  request: string;
  callId: string;
  cseq: number;
  fromTag: string;
  branch: string;
  response: SipMessage;
  provisional: SipMessage[];
}

/**
 * One UDP socket on 127.0.0.1 acting as a minimal SIP UA: sends requests to
 * the PBX (retransmitting until a response arrives), waits for their final
 * responses and queues incoming requests (e.g. a MESSAGE the PBX relayed to
 * a contact registered with this client's port).
 */
export class SipUdpClient implements AsyncDisposable {
  readonly port: number;
  readonly domain: string;
  readonly #sock: dgram.Socket;
  readonly #pbx: { address: string; port: number };
  readonly #waiters = new Map<string, (msg: SipMessage) => void>();
  readonly #requests: SipMessage[] = [];
  #requestWaiter?: (msg: SipMessage) => void;
  #closed = false;

  private constructor(sock: dgram.Socket, pbx: { host: string; port: number; domain: string }) {
    this.#sock = sock;
    this.port = sock.address().port;
    this.#pbx = { address: pbx.host, port: pbx.port };
    this.domain = pbx.domain;
    sock.on("message", (data: Uint8Array, rinfo: dgram.RemoteInfo) => this.#onMessage(data, rinfo));
    sock.on("error", () => {}); // ICMP errors etc.: the request times out instead
  }

  /** Bind a UDP socket on 127.0.0.1 (random port) talking to `pbx`. */
  static open(pbx: { host: string; port: number; domain: string }): Promise<SipUdpClient> {
    const sock = dgram.createSocket("udp4");
    return new Promise((resolve, reject) => {
      sock.once("error", reject);
      sock.bind(0, "127.0.0.1", () => {
        sock.removeListener("error", reject);
        resolve(new SipUdpClient(sock, pbx));
      });
    });
  }

  #onMessage(data: Uint8Array, rinfo: dgram.RemoteInfo): void {
    const msg = parseSip(new TextDecoder().decode(data), rinfo);
    if (msg.status > 0) {
      const key = `${msg.header("call-id")} ${msg.header("cseq")}`;
      this.#waiters.get(key)?.(msg);
    } else if (this.#requestWaiter) {
      const w = this.#requestWaiter;
      this.#requestWaiter = undefined;
      w(msg);
    } else {
      this.#requests.push(msg);
    }
  }

  #send(text: string, to: { address: string; port: number }): Promise<void> {
    return new Promise((resolve) => {
      this.#sock.send(new TextEncoder().encode(text), to.port, to.address, () => resolve());
    });
  }

  /** Send a request and resolve with its final response (or after sending, for ACK). */
  async request(opts: RequestOptions): Promise<Transaction> {
    const callId = opts.callId ?? `${crypto.randomUUID()}@ringo-test`;
    const cseq = opts.cseq ?? 1;
    const fromTag = opts.fromTag ?? randomBytes(4).toString("hex");
    const branch = `z9hG4bK${randomBytes(8).toString("hex")}`;
    const body = opts.body ?? "";
    const to = opts.to ?? opts.uri;
    const lines = [
      `${opts.method} ${opts.uri} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.port};rport;branch=${branch}`,
      "Max-Forwards: 70",
      `From: <sip:${opts.from}@${this.domain}>;tag=${fromTag}`,
      `To: <${to}>${opts.toTag ? `;tag=${opts.toTag}` : ""}`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} ${opts.method}`,
      `Contact: <sip:${opts.from}@127.0.0.1:${this.port}>`,
      "User-Agent: ringo-pbx-test",
      ...(opts.headers ?? []),
      ...(body ? [`Content-Type: ${opts.contentType ?? "text/plain"}`] : []),
      `Content-Length: ${new TextEncoder().encode(body).length}`,
      "",
      body,
    ];
    const request = lines.join("\r\n");
    const target = opts.target
      ? { address: opts.target.hostname, port: opts.target.port }
      : this.#pbx;
    if (opts.method === "ACK") {
      await this.#send(request, target);
      return {
        request,
        callId,
        cseq,
        fromTag,
        branch,
        response: undefined as unknown as SipMessage,
        provisional: [],
      };
    }

    const key = `${callId} ${cseq} ${opts.method}`;
    const provisional: SipMessage[] = [];
    let gotAny = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let overall: ReturnType<typeof setTimeout> | undefined;
    try {
      const response = await new Promise<SipMessage>((resolve, reject) => {
        this.#waiters.set(key, (msg) => {
          gotAny = true;
          if (msg.status < 200) {
            provisional.push(msg);
            opts.onProvisional?.(msg);
          } else resolve(msg);
        });
        let interval = 500;
        const send = () => {
          if (gotAny) return; // a provisional stops retransmissions (good enough here)
          void this.#send(request, target);
          timer = setTimeout(send, interval);
          interval = Math.min(interval * 2, 4000);
        };
        send();
        overall = setTimeout(
          () => reject(new Error(`no final response to ${opts.method} ${opts.uri} within 8 s`)),
          8000,
        );
      });
      return { request, callId, cseq, fromTag, branch, response, provisional };
    } finally {
      clearTimeout(timer);
      clearTimeout(overall);
      this.#waiters.delete(key);
    }
  }

  /**
   * Send a request; if it is challenged (401/407), answer the challenge with
   * `password` (same Call-ID, CSeq+1) and return the second transaction.
   */
  async requestWithAuth(opts: RequestOptions, password: string): Promise<Transaction> {
    const first = await this.request(opts);
    const { status } = first.response;
    if (status !== 401 && status !== 407) return first;
    if (opts.method === "INVITE") this.ackNon2xx(first);
    const challenge = first.response.header(
      status === 401 ? "www-authenticate" : "proxy-authenticate",
    )!;
    const auth = digestAuthorization(challenge, {
      method: opts.method,
      uri: opts.uri,
      username: opts.from,
      password,
    });
    return await this.request({
      ...opts,
      callId: first.callId,
      fromTag: first.fromTag,
      cseq: first.cseq + 1,
      headers: [
        ...(opts.headers ?? []),
        `${status === 401 ? "Authorization" : "Proxy-Authorization"}: ${auth}`,
      ],
    });
  }

  /** ACK a non-2xx final response to an INVITE (same branch, hop-by-hop). */
  ackNon2xx(tx: Transaction): void {
    const r = tx.response;
    const lines = [
      `ACK ${tx.request.split(" ")[1]} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.port};rport;branch=${tx.branch}`,
      "Max-Forwards: 70",
      `From: ${r.header("from")}`,
      `To: ${r.header("to")}`,
      `Call-ID: ${tx.callId}`,
      `CSeq: ${tx.cseq} ACK`,
      "Content-Length: 0",
      "",
      "",
    ];
    void this.#send(lines.join("\r\n"), this.#pbx);
  }

  /** Wait for the next request sent to this client (e.g. relayed by the PBX). */
  nextRequest(timeoutMs = 5000): Promise<SipMessage> {
    const queued = this.#requests.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#requestWaiter = undefined;
        reject(new Error(`no request received on port ${this.port} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#requestWaiter = (msg) => {
        clearTimeout(timer);
        resolve(msg);
      };
    });
  }

  /** Answer a received request (statelessly, to the address it came from). */
  async reply(
    req: SipMessage,
    status: number,
    reason: string,
    opts: { toTag?: string; headers?: string[]; body?: string } = {},
  ): Promise<void> {
    const to = req.header("to")!;
    const body = opts.body ?? "";
    const lines = [
      `SIP/2.0 ${status} ${reason}`,
      ...(req.headers.get("via") ?? []).map((v) => `Via: ${v}`),
      ...(req.headers.get("record-route") ?? []).map((v) => `Record-Route: ${v}`),
      `From: ${req.header("from")}`,
      `To: ${to}${opts.toTag && !/;tag=/.test(to) ? `;tag=${opts.toTag}` : ""}`,
      `Call-ID: ${req.header("call-id")}`,
      `CSeq: ${req.header("cseq")}`,
      ...(opts.headers ?? []),
      `Content-Length: ${new TextEncoder().encode(body).length}`,
      "",
      body,
    ];
    await this.#send(lines.join("\r\n"), req.source);
  }

  /** Close the socket. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await new Promise<void>((resolve) => this.#sock.close(() => resolve()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
