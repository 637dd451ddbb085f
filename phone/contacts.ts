/**
 * The contact book (`contacts.toml`: `[[contacts]] name, numbers`) and how
 * a peer is named from it, as the original ringo matches: an exact number
 * (or SIP user) first; else the digits only, leading zeros trimmed, equal
 * or one ending with the other when the shorter has at least 7 digits —
 * so `01555123456`, `+491555123456` and `491555123456` are one number.
 *
 * @module
 */
import { parse as parseToml, stringify as stringifyToml } from "smol-toml";
import { z } from "zod";
import { ProfileError } from "./errors.ts";
import { formatFieldPath } from "./profile.ts";
import { tomlErrorLine } from "./profile_store.ts";

/** The fewest digits a suffix match needs (shorter numbers only match exactly). */
export const MIN_SUFFIX_DIGITS = 7;

const contactSchema = z.object({
  name: z.string().min(1, "cannot be empty"),
  numbers: z.array(z.string().min(1, "cannot be empty")).min(1, "needs at least one number"),
}).strict();

const bookSchema = z.object({ contacts: z.array(contactSchema).default([]) }).strict();

/** One entry of the contact book. */
export type Contact = z.infer<typeof contactSchema>;

/**
 * Reads the contact book; a missing file is an empty book.
 *
 * @throws {ProfileError} a TOML syntax error (with the line) or a wrong field.
 */
export async function loadContacts(file: string): Promise<Contact[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw new ProfileError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = parseToml(text);
  } catch (error) {
    throw new ProfileError(`${file}: ${tomlErrorLine(error)}`);
  }
  const parsed = bookSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProfileError(`${file}: ${formatFieldPath(issue.path)}: ${issue.message}`);
  }
  return parsed.data.contacts;
}

/** Writes the contact book (atomically). */
export async function saveContacts(file: string, contacts: readonly Contact[]): Promise<void> {
  const checked = bookSchema.parse({ contacts });
  const temp = `${file}.${crypto.randomUUID()}`;
  await Deno.writeTextFile(temp, stringifyToml(checked) + "\n", { mode: 0o600 });
  await Deno.rename(temp, file);
}

/**
 * The contact a peer belongs to: `peer` is a number, a SIP user, or a SIP
 * URI (its user part is compared). Undefined when none matches.
 *
 * @example
 * ```ts
 * const book = [{ name: "Alice", numbers: ["+491555123456", "alice.work"] }];
 * findContact(book, "sip:01555123456@pbx")?.name; // "Alice"
 * findContact(book, "alice.work")?.name; // "Alice"
 * findContact(book, "123")?.name; // undefined
 * ```
 */
export function findContact(contacts: readonly Contact[], peer: string): Contact | undefined {
  const wanted = userPart(peer);
  let best: { contact: Contact; score: number } | undefined;
  for (const contact of contacts) {
    for (const number of contact.numbers) {
      const score = matchScore(userPart(number), wanted);
      if (score > 0 && (!best || score > best.score)) best = { contact, score };
    }
  }
  return best?.contact;
}

/**
 * How well two numbers match: 0 (no match); higher is better — exact text,
 * then equal digits, then the longer common suffix.
 *
 * @example
 * ```ts
 * matchScore("+491555123456", "01555123456") > 0; // true
 * matchScore("4711", "14711"); // 0: fewer than 7 digits only match exactly
 * ```
 */
export function matchScore(a: string, b: string): number {
  if (a === "" || b === "") return 0;
  if (a === b) return 1_000_000;
  const da = significantDigits(a);
  const db = significantDigits(b);
  if (da === "" || db === "") return 0;
  if (da === db) return 100_000;
  const [shorter, longer] = da.length <= db.length ? [da, db] : [db, da];
  if (shorter.length >= MIN_SUFFIX_DIGITS && longer.endsWith(shorter)) return shorter.length;
  return 0;
}

/** Only the digits, leading zeros trimmed (`+49 (0)155-5` → `4901555`, `0155` → `155`). */
export function significantDigits(text: string): string {
  return text.replace(/\D+/g, "").replace(/^0+/, "");
}

/** The user part of a SIP URI (`sip:+4930@host;user=phone` → `+4930`), or the text itself. */
export function userPart(peer: string): string {
  const trimmed = peer.trim().replace(/^<|>$/g, "");
  const match = /^(?:sips?|tel):([^@;>]+)/i.exec(trimmed);
  if (!match) return trimmed;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}
