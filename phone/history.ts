/**
 * Call history (per profile), received and sent messages (per profile) and
 * the global dial history, in one Deno KV store under
 * `$XDG_DATA_HOME/ringo/`.
 *
 * Every call and message is its own key (time + random id), so any number
 * of sessions can write at once and nothing is lost. The dial history keeps
 * one key per target plus a time index, updated in one atomic operation
 * that is retried on conflict: deduplicated, newest first, capped at
 * {@link DIAL_HISTORY_LIMIT}.
 *
 * @module
 */
import { HistoryError } from "./errors.ts";
import type { HeaderView } from "./templates.ts";

/** How a call ended, from the user's side. */
export type CallOutcome =
  | "answered"
  | "missed"
  | "no_answer"
  | "rejected"
  | "busy"
  | "failed"
  | "deflected";

/** One call of a profile. */
export interface CallRecord {
  id: string;
  profile: string;
  direction: "incoming" | "outgoing";
  /** The peer's URI (or the number, for imported calls). */
  peer: string;
  /** The user part of the peer's URI. */
  number: string;
  /** The contact the peer matched, when one did. */
  contact?: string;
  /** The peer's display name, when the call said it. */
  displayName?: string;
  /** When the call started (ms since the epoch). */
  startedAt: number;
  /** When it was answered, if it was. */
  answeredAt?: number;
  endedAt: number;
  /** Seconds from answer to end (0 when never answered). */
  durationSecs: number;
  outcome: CallOutcome;
  /** Why it ended: `Connection reset by user`, `486 Busy Here`… */
  reason?: string;
  statusCode?: number;
  /** The profile's `header_display` views of the received INVITE. */
  headerViews?: HeaderView[];
  /** baresip's id of the call (the SIP Call-ID of incoming calls). */
  callId?: string;
}

/** One SIP MESSAGE a profile received or sent. */
export interface MessageRecord {
  id: string;
  profile: string;
  direction: "incoming" | "outgoing";
  peer: string;
  contact?: string;
  body: string;
  at: number;
  /** For sent messages: the final SIP answer (200 when delivered). */
  statusCode?: number;
}

/** The most entries the dial history keeps. */
export const DIAL_HISTORY_LIMIT = 1000;
/** The longest dial target kept (longer ones are not worth a redial). */
const MAX_TARGET_CHARS = 512;

/** What {@link HistoryStore.importJsonl} did. */
export interface ImportReport {
  imported: number;
  /** Lines already imported before (the same line of the same file gives the same entry). */
  alreadyThere: number;
  /** Lines that are not history entries, with their line number and why. */
  skipped: Array<{ line: number; reason: string }>;
}

/**
 * The history store. Open one per process and close it when done.
 *
 * @example
 * ```ts
 * await using history = await HistoryStore.open(phonePaths().historyDb);
 * await history.addDial("4711");
 * (await history.dials()).at(0); // "4711"
 * ```
 */
export class HistoryStore implements AsyncDisposable {
  readonly #kv: Deno.Kv;
  readonly path: string;
  #closed = false;

  private constructor(kv: Deno.Kv, path: string) {
    this.#kv = kv;
    this.path = path;
  }

  /**
   * Opens (creating when missing) the store at `path`; its folder must exist.
   *
   * @throws {HistoryError} when the file cannot be opened.
   */
  static async open(path: string): Promise<HistoryStore> {
    try {
      return new HistoryStore(await Deno.openKv(path), path);
    } catch (error) {
      throw new HistoryError(`cannot open the history store ${path}: ${(error as Error).message}`, {
        hint: "is another ringo version using it, or is the disk full?",
      });
    }
  }

  /** Records a call. */
  async addCall(record: CallRecord): Promise<void> {
    await whileLocked(() =>
      this.#kv.atomic()
        .set(["call", record.startedAt, record.id], record)
        .set(["call_by_profile", record.profile, record.startedAt, record.id], record)
        .commit()
    );
  }

  /**
   * Calls, newest first: of one profile, or of all when `profile` is undefined.
   */
  async calls(profile?: string, options: { limit?: number } = {}): Promise<CallRecord[]> {
    const prefix = profile === undefined ? ["call"] : ["call_by_profile", profile];
    const out: CallRecord[] = [];
    for await (
      const entry of this.#kv.list<CallRecord>({ prefix }, { reverse: true, limit: options.limit })
    ) {
      out.push(entry.value);
    }
    return out;
  }

  /** Removes one call of a profile; true when it was there. */
  async removeCall(profile: string, id: string): Promise<boolean> {
    const record = (await this.calls(profile)).find((c) => c.id === id);
    if (!record) return false;
    await whileLocked(() =>
      this.#kv.atomic()
        .delete(["call", record.startedAt, record.id])
        .delete(["call_by_profile", profile, record.startedAt, record.id])
        .commit()
    );
    return true;
  }

  /** Removes every call and message of a profile; returns how many calls were removed. */
  async clearProfile(profile: string): Promise<number> {
    const calls = await this.calls(profile);
    for (const c of calls) await this.removeCall(profile, c.id);
    for (const m of await this.messages(profile)) {
      await whileLocked(() =>
        this.#kv.atomic()
          .delete(["message", m.at, m.id])
          .delete(["message_by_profile", profile, m.at, m.id])
          .commit()
      );
    }
    return calls.length;
  }

  /** Moves a profile's calls and messages to its new name (after `profile rename`). */
  async renameProfile(from: string, to: string): Promise<void> {
    for (const c of await this.calls(from)) {
      const moved = { ...c, profile: to };
      await whileLocked(() =>
        this.#kv.atomic()
          .delete(["call_by_profile", from, c.startedAt, c.id])
          .set(["call_by_profile", to, c.startedAt, c.id], moved)
          .set(["call", c.startedAt, c.id], moved)
          .commit()
      );
    }
    for (const m of await this.messages(from)) {
      const moved = { ...m, profile: to };
      await whileLocked(() =>
        this.#kv.atomic()
          .delete(["message_by_profile", from, m.at, m.id])
          .set(["message_by_profile", to, m.at, m.id], moved)
          .set(["message", m.at, m.id], moved)
          .commit()
      );
    }
  }

  /** Records a received or sent message. */
  async addMessage(record: MessageRecord): Promise<void> {
    await whileLocked(() =>
      this.#kv.atomic()
        .set(["message", record.at, record.id], record)
        .set(["message_by_profile", record.profile, record.at, record.id], record)
        .commit()
    );
  }

  /** Messages, newest first: of one profile, or of all. */
  async messages(profile?: string, options: { limit?: number } = {}): Promise<MessageRecord[]> {
    const prefix = profile === undefined ? ["message"] : ["message_by_profile", profile];
    const out: MessageRecord[] = [];
    for await (
      const entry of this.#kv.list<MessageRecord>({ prefix }, {
        reverse: true,
        limit: options.limit,
      })
    ) {
      out.push(entry.value);
    }
    return out;
  }

  /**
   * Puts `target` at the front of the dial history (once: an earlier entry
   * of the same target moves), then trims it to {@link DIAL_HISTORY_LIMIT}.
   */
  async addDial(target: string, at = Date.now()): Promise<void> {
    const text = target.trim();
    if (text === "" || text.length > MAX_TARGET_CHARS) return;
    for (let attempt = 0; attempt < 20; attempt++) {
      const result = await whileLocked(async () => {
        const current = await this.#kv.get<number>(["dial", text]);
        const op = this.#kv.atomic().check(current);
        if (current.value !== null) op.delete(["dial_by_time", current.value, text]);
        const stamp = Math.max(at, (current.value ?? 0) + 1);
        return await op.set(["dial", text], stamp).set(["dial_by_time", stamp, text], text)
          .commit();
      });
      if (result.ok) {
        await whileLocked(() => this.#trimDials());
        return;
      }
    }
    throw new HistoryError(
      `could not record "${text}" in the dial history: too many concurrent writers`,
    );
  }

  /** The dial history, newest first. */
  async dials(options: { limit?: number } = {}): Promise<string[]> {
    return await whileLocked(() =>
      values(this.#kv.list<string>({ prefix: ["dial_by_time"] }, {
        reverse: true,
        limit: options.limit ?? DIAL_HISTORY_LIMIT,
      }))
    );
  }

  /**
   * Imports the original ringo's `call_history` (JSON lines:
   * `{"ts":"2024-01-15 14:30:05","dir":"outgoing","peer":"sip:…","duration":"00:02:05","duration_secs":125}`,
   * `ts` being the local time the call ended) into `profile`. Importing the
   * same file twice adds nothing the second time.
   */
  async importJsonl(text: string, profile: string): Promise<ImportReport> {
    const report: ImportReport = { imported: 0, alreadyThere: 0, skipped: [] };
    const lines = text.split("\n");
    for (const [index, raw] of lines.entries()) {
      const line = raw.trim();
      if (line === "") continue;
      let record: CallRecord;
      try {
        record = await fromOriginalLine(line, profile);
      } catch (error) {
        report.skipped.push({ line: index + 1, reason: (error as Error).message });
        continue;
      }
      const key = ["call", record.startedAt, record.id];
      const existing = await whileLocked(() => this.#kv.get(key));
      if (existing.value !== null) {
        report.alreadyThere++;
        continue;
      }
      await this.addCall(record);
      report.imported++;
    }
    return report;
  }

  /** Closes the store. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#kv.close();
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  async #trimDials(): Promise<void> {
    const extra = this.#kv.list<string>({ prefix: ["dial_by_time"] }, { reverse: true });
    let seen = 0;
    for await (const entry of extra) {
      if (++seen <= DIAL_HISTORY_LIMIT) continue;
      const target = entry.value;
      const stamp = entry.key[1] as number;
      const current = await this.#kv.get<number>(["dial", target]);
      const op = this.#kv.atomic().delete(entry.key);
      if (current.value === stamp) op.check(current).delete(["dial", target]);
      await op.commit();
    }
  }
}

/** SQLite's busy error, when another process holds the store's write lock for a moment. */
const LOCKED = /database is locked|SQLITE_BUSY/i;
/** How long an operation retries while another process writes. */
const LOCK_PATIENCE_MS = 10_000;

/**
 * Runs `operation`, again while another process holds the store's lock:
 * each session has its own handle on the one file, and SQLite answers a
 * write that meets another with "database is locked" instead of waiting.
 * There is no event for the lock's release, so this backs off (5 ms,
 * doubling to 100 ms) for at most {@link LOCK_PATIENCE_MS}.
 */
async function whileLocked<T>(operation: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_PATIENCE_MS;
  for (let pause = 5;; pause = Math.min(pause * 2, 100)) {
    try {
      return await operation();
    } catch (error) {
      if (!LOCKED.test(String((error as Error)?.message)) || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, pause + Math.random() * pause));
    }
  }
}

async function values<T>(list: Deno.KvListIterator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const entry of list) out.push(entry.value);
  return out;
}

const ORIGINAL_TS = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)$/;

/**
 * One line of the original's `call_history` as a {@link CallRecord}; its
 * id is derived from the profile and the line, so a re-import matches.
 *
 * @throws {Error} saying what is wrong with the line.
 */
export async function fromOriginalLine(line: string, profile: string): Promise<CallRecord> {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(line);
  } catch {
    throw new Error("not JSON");
  }
  if (typeof data !== "object" || data === null) throw new Error("not a JSON object");
  const ts = typeof data.ts === "string" ? ORIGINAL_TS.exec(data.ts) : null;
  if (!ts) throw new Error(`"ts" is not a time like 2024-01-15 14:30:05`);
  const direction = data.dir;
  if (direction !== "incoming" && direction !== "outgoing") {
    throw new Error(`"dir" is neither "incoming" nor "outgoing"`);
  }
  if (typeof data.peer !== "string" || data.peer === "") throw new Error(`"peer" is missing`);
  const [, y, mo, d, h, mi, s] = ts.map(Number);
  const endedAt = new Date(y, mo - 1, d, h, mi, s).getTime();
  const duration = typeof data.duration === "string" ? data.duration : "";
  const secs = Number.isFinite(Number(data.duration_secs))
    ? Math.max(0, Number(data.duration_secs))
    : 0;
  const unanswered = duration === "missed" || duration === "no answer";
  const outcome: CallOutcome = unanswered
    ? (direction === "incoming" ? "missed" : "no_answer")
    : "answered";
  const startedAt = endedAt - secs * 1000;
  const id = await stableId(`${profile}\n${line}`);
  const peer = data.peer;
  return {
    id,
    profile,
    direction,
    peer,
    number: /^(?:sips?|tel):([^@;>]+)/.exec(peer)?.[1] ?? peer,
    startedAt,
    ...(unanswered ? {} : { answeredAt: startedAt }),
    endedAt,
    durationSecs: unanswered ? 0 : secs,
    outcome,
  };
}

async function stableId(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest).slice(0, 12)].map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}
