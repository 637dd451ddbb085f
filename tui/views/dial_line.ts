/**
 * The dial / transfer line of the call screen: a text input with the dial
 * history behind ↑/↓ (the draft typed so far is kept and comes back below
 * the newest entry), and the kind of line it is.
 *
 * @module
 */
import { TextInput } from "../widgets/text_input.ts";

/** What Enter on the line does. */
export type LineKind = "dial" | "transfer" | "atransfer";

/**
 * The line's state.
 *
 * @example
 * ```ts
 * const line = new DialLine("dial", ["4711", "sip:bob@example.com"]);
 * line.input.insert("08");
 * line.older(); // input: "4711"
 * line.newer(); // input: "08" (the draft)
 * ```
 */
export class DialLine {
  readonly input = new TextInput();
  #history: readonly string[];
  #at = -1;
  #draft = "";

  constructor(readonly kind: LineKind, history: readonly string[]) {
    this.#history = history;
  }

  /** The label shown before the input. */
  get label(): string {
    return { dial: "Dial", transfer: "Transfer to", atransfer: "Attended transfer to" }[this.kind];
  }

  /** Steps to the next older history entry (the first step keeps the draft). */
  older(): void {
    if (this.#at + 1 >= this.#history.length) return;
    if (this.#at === -1) this.#draft = this.input.value;
    this.#at++;
    this.input.set(this.#history[this.#at]);
  }

  /** Steps to the next newer entry, and back to the draft after the newest. */
  newer(): void {
    if (this.#at < 0) return;
    this.#at--;
    this.input.set(this.#at === -1 ? this.#draft : this.#history[this.#at]);
  }

  /** Replaces the text (a contact or a search result was chosen). */
  set(value: string): void {
    this.#at = -1;
    this.input.set(value);
  }
}
