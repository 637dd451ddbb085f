/**
 * SIP MESSAGE (RFC 3428) for an agent: sending a text to a URI, and the
 * texts it received.
 *
 * baresip has no "send a MESSAGE to this URI" command over ctrl_tcp: its
 * `contact` module sends one to the *current contact*. So a send writes the
 * target as the only entry of the agent's `contacts` file, (re)loads the
 * module, and asks it for `message <text>`. Sends are serialised, since
 * they share that file. With the SIP trace on, the send resolves with the
 * final answer to the MESSAGE (200, 404, 480 …).
 *
 * Received texts come from ctrl_tcp's third frame kind (`{"message":true,
 * "from", "ctype", "body"}`) where baresip sends it (≥ 1.1.0); baresip
 * 1.0.0's ctrl_tcp does not, so there they are read from the SIP trace.
 *
 * @module
 */
import { join } from "node:path";
import type { Dialect } from "./dialect.ts";
import { AgentError } from "./errors.ts";
import { headerValue } from "./sip_headers.ts";
import type { SipMessage } from "./sip_trace.ts";

/** One SIP MESSAGE the agent received. */
export interface ReceivedMessage {
  /** The sender's URI (From). */
  from: string;
  /** The sender's display name, when the trace shows it. */
  fromName?: string;
  /** The Content-Type, e.g. `text/plain`. */
  contentType: string;
  body: string;
  /** When it arrived (ms since the epoch). */
  at: number;
}

/** What became of a sent MESSAGE. */
export interface SentMessage {
  /** The URI it was sent to. */
  to: string;
  body: string;
  at: number;
  /** The final SIP answer (200 when delivered); undefined without the SIP trace. */
  statusCode?: number;
  /** Its reason phrase (`Not Found`). */
  reason?: string;
}

/** The longest text accepted: a MESSAGE should fit a UDP datagram with its headers. */
export const MAX_MESSAGE_BYTES = 1200;
/** Received messages kept per agent (the oldest are dropped). */
const MAX_KEPT = 500;
/** Timer F of RFC 3261: the longest a non-INVITE transaction waits for its final answer. */
const FINAL_ANSWER_MS = 32_000;

/** What {@link AgentMessages} needs from its agent. */
export interface AgentMessagesInit {
  name: string;
  /** The agent's baresip config folder (holds the `contacts` file). */
  configDir: string;
  /** The agent's baresip dialect (does its ctrl_tcp send message frames?). */
  dialect: Pick<Dialect, "receivesMessageFrames">;
  /** True when the agent runs with its SIP trace (answers to sends, 1.0.0's received texts). */
  sipTrace: boolean;
  command(name: string, params?: string): Promise<string>;
  /** Calls `listener` with each SIP message of the trace; returns an unsubscribe. */
  onSipMessage(listener: (message: SipMessage) => void): () => void;
  /** Tells the agent its state changed (a text arrived). */
  changed(): void;
}

/** See the module documentation. */
export class AgentMessages {
  readonly #init: AgentMessagesInit;
  readonly #received: ReceivedMessage[] = [];
  #moduleLoaded = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(init: AgentMessagesInit) {
    this.#init = init;
    if (!init.dialect.receivesMessageFrames() && init.sipTrace) {
      init.onSipMessage((m) => {
        if (m.direction === "received" && m.method === "MESSAGE") this.#add(fromTrace(m));
      });
    }
  }

  /** The texts received so far, oldest first. */
  get received(): readonly ReceivedMessage[] {
    return this.#received;
  }

  /** Feeds one ctrl_tcp `message` frame. */
  onFrame(frame: Record<string, unknown>): void {
    if (!this.#init.dialect.receivesMessageFrames()) return;
    const from = typeof frame.from === "string" ? frame.from : "";
    this.#add({
      from: stripAngles(from),
      contentType: typeof frame.ctype === "string" ? frame.ctype : "text/plain",
      body: typeof frame.body === "string" ? frame.body : "",
      at: Date.now(),
    });
  }

  /**
   * Sends `text` to `uri`; resolves once baresip sent it, and with the SIP
   * trace on, once the final answer came (a refusal is not an error here:
   * read `statusCode`).
   *
   * @throws {AgentError} an empty or too long text, or baresip refused to send.
   */
  send(uri: string, text: string): Promise<SentMessage> {
    checkText(text);
    const run = this.#queue.then(() => this.#send(uri, text));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #send(uri: string, body: string): Promise<SentMessage> {
    const at = Date.now();
    const answer = this.#init.sipTrace ? this.#finalAnswer(uri) : undefined;
    try {
      await Deno.writeTextFile(join(this.#init.configDir, "contacts"), `<${uri}>\n`, {
        mode: 0o600,
      });
      await Deno.remove(join(this.#init.configDir, "current_contact")).catch(() => {});
      if (this.#moduleLoaded) await this.#init.command("rmmod", "contact");
      await this.#init.command("insmod", "contact");
      this.#moduleLoaded = true;
      await this.#init.command("message", body);
    } catch (error) {
      answer?.cancel();
      throw new AgentError(
        `agent "${this.#init.name}" could not send a MESSAGE to ${uri}: ${
          (error as Error).message
        }`,
        { cause: error },
      );
    }
    const final = await answer?.result;
    return { to: uri, body, at, ...final };
  }

  /** Waits for the next MESSAGE the agent sends to `uri` and its final (non-challenge) answer. */
  #finalAnswer(uri: string) {
    let stop = () => {};
    let timer: ReturnType<typeof setTimeout> | undefined;
    const result = new Promise<{ statusCode?: number; reason?: string }>((resolve) => {
      let callId: string | undefined;
      const done = (value: { statusCode?: number; reason?: string }) => {
        clearTimeout(timer);
        unsubscribe();
        resolve(value);
      };
      const unsubscribe = this.#init.onSipMessage((m) => {
        if (!callId) {
          if (m.direction === "sent" && m.method === "MESSAGE" && sameUser(m.startLine, uri)) {
            callId = m.callId;
          }
          return;
        }
        if (m.callId !== callId || m.direction !== "received" || m.statusCode === undefined) return;
        if (m.statusCode < 200 || m.statusCode === 401 || m.statusCode === 407) return;
        done({ statusCode: m.statusCode, reason: reasonOf(m.startLine) });
      });
      timer = setTimeout(() => done({}), FINAL_ANSWER_MS);
      stop = () => done({});
    });
    return { result, cancel: () => stop() };
  }

  #add(message: ReceivedMessage): void {
    this.#received.push(message);
    if (this.#received.length > MAX_KEPT) this.#received.shift();
    this.#init.changed();
  }
}

/**
 * Checks a text before it is sent: not empty, no NUL, at most
 * {@link MAX_MESSAGE_BYTES} bytes of UTF-8.
 *
 * @throws {AgentError} saying what is wrong.
 */
export function checkText(text: string): void {
  if (typeof text !== "string" || text.trim() === "") {
    throw new AgentError("a MESSAGE needs a text that is not empty");
  }
  if (text.includes("\0")) throw new AgentError("a MESSAGE text cannot contain NUL bytes");
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_MESSAGE_BYTES) {
    throw new AgentError(
      `a MESSAGE text can be at most ${MAX_MESSAGE_BYTES} bytes (this one has ${bytes})`,
    );
  }
}

/** A received MESSAGE request of the SIP trace, as a {@link ReceivedMessage}. */
export function fromTrace(m: SipMessage): ReceivedMessage {
  const from = headerValue(m.headers, "From") ?? "";
  const uri = /<([^>]*)>/.exec(from)?.[1] ?? from.split(";")[0].trim();
  const name = /^\s*"([^"]*)"/.exec(from)?.[1];
  return {
    from: uri,
    ...(name ? { fromName: name } : {}),
    contentType: (headerValue(m.headers, "Content-Type") ?? "text/plain").split(";")[0].trim(),
    body: m.body,
    at: m.timestamp,
  };
}

function stripAngles(uri: string): string {
  return /<([^>]*)>/.exec(uri)?.[1] ?? uri.trim();
}

/** `MESSAGE sip:bob@host SIP/2.0` is for `sip:bob@host[:port]`. */
function sameUser(startLine: string, uri: string): boolean {
  const target = startLine.split(" ")[1] ?? "";
  const user = (u: string) =>
    /^(?:sips?:)?([^@;>]*)@/.exec(u.replace(/^</, ""))?.[1]?.toLowerCase();
  return user(target) === user(uri);
}

function reasonOf(startLine: string): string | undefined {
  return /^SIP\/2\.0\s+\d{3}\s+(.*)$/.exec(startLine)?.[1]?.trim() || undefined;
}
