/**
 * The key decoder: turns the bytes a terminal sends in raw mode into keys.
 *
 * It understands printable UTF-8, Enter, Tab, Shift+Tab, Backspace, Delete,
 * Insert, Esc, the arrows, Home/End, PgUp/PgDn, F1–F12 (CSI, SS3 and the
 * `CSI n ~` forms, with xterm modifier parameters such as `CSI 1;5 A` for
 * Ctrl+Up), Ctrl+letters, Alt+anything (Esc prefix), kitty's `CSI code u`,
 * and bracketed paste (`CSI 200~ … CSI 201~`, delivered as one `paste` key).
 *
 * Input may be split at any byte — inside a UTF-8 character, an escape
 * sequence or a paste — and the decoder keeps the unfinished part for the
 * next chunk. A lone Esc cannot be told from the start of a sequence by
 * bytes alone: when {@link KeyDecoder.waitingForEscape} is true, the caller
 * waits a short time ({@link ESCAPE_TIMEOUT_MS}) for more bytes and calls
 * {@link KeyDecoder.flush} if none come.
 *
 * @module
 */

/** One decoded key press (or paste). */
export interface Key {
  /**
   * `enter`, `tab`, `backspace`, `delete`, `insert`, `escape`, `up`, `down`,
   * `left`, `right`, `home`, `end`, `pageup`, `pagedown`, `f1`…`f12`,
   * `space`, `paste`, or the character typed (`a`, `A`, `?`, `中`).
   */
  name: string;
  /** Ctrl was held. */
  ctrl: boolean;
  /** Alt (Meta) was held. */
  alt: boolean;
  /** Shift was held (for named keys; a typed capital is just `A`). */
  shift: boolean;
  /** The text a printable key or a paste inserts. */
  text?: string;
}

/** How long to wait after an Esc byte for the rest of a sequence, in ms. */
export const ESCAPE_TIMEOUT_MS = 40;

/** Turns on bracketed paste. */
export const PASTE_ON = "\x1b[?2004h";
/** Turns off bracketed paste. */
export const PASTE_OFF = "\x1b[?2004l";

const ESC = 0x1b;
const PASTE_END = [ESC, 0x5b, 0x32, 0x30, 0x31, 0x7e]; // ESC [ 2 0 1 ~

const TILDE_KEYS: Record<number, string> = {
  1: "home",
  2: "insert",
  3: "delete",
  4: "end",
  5: "pageup",
  6: "pagedown",
  7: "home",
  8: "end",
  11: "f1",
  12: "f2",
  13: "f3",
  14: "f4",
  15: "f5",
  17: "f6",
  18: "f7",
  19: "f8",
  20: "f9",
  21: "f10",
  23: "f11",
  24: "f12",
};

const LETTER_KEYS: Record<string, string> = {
  A: "up",
  B: "down",
  C: "right",
  D: "left",
  H: "home",
  F: "end",
  E: "begin",
  P: "f1",
  Q: "f2",
  R: "f3",
  S: "f4",
};

const decoder = new TextDecoder();

/**
 * Creates a key (modifiers default to false).
 *
 * @example
 * ```ts
 * key("r", { ctrl: true }); // { name: "r", ctrl: true, alt: false, shift: false }
 * ```
 */
export function key(name: string, mods: Partial<Omit<Key, "name">> = {}): Key {
  const out: Key = {
    name,
    ctrl: mods.ctrl ?? false,
    alt: mods.alt ?? false,
    shift: mods.shift ?? false,
  };
  if (mods.text !== undefined) out.text = mods.text;
  return out;
}

/**
 * The key's name as the key table writes it: modifiers in the order
 * `ctrl+alt+shift+`, then the name (`ctrl+r`, `shift+tab`, `alt+b`, `A`).
 *
 * @example
 * ```ts
 * keyId(key("tab", { shift: true })); // "shift+tab"
 * ```
 */
export function keyId(k: Key): string {
  return `${k.ctrl ? "ctrl+" : ""}${k.alt ? "alt+" : ""}${k.shift ? "shift+" : ""}${k.name}`;
}

/**
 * Incremental decoder of terminal input.
 *
 * @example
 * ```ts
 * const keys = new KeyDecoder();
 * keys.feed(new TextEncoder().encode("a\x1b[")); // [a]
 * keys.feed(new TextEncoder().encode("A"));      // [up]
 * keys.feed(new Uint8Array([0x1b]));             // [] — and waitingForEscape is true
 * keys.flush();                                  // [escape]
 * ```
 */
export class KeyDecoder {
  #pending: number[] = [];
  #paste: number[] | undefined;

  /** True when the bytes so far end in an Esc that may start a sequence (call {@link flush} after a timeout). */
  get waitingForEscape(): boolean {
    return this.#paste === undefined && this.#pending[0] === ESC;
  }

  /** Decodes a chunk of input; returns the keys it completes. */
  feed(bytes: Uint8Array): Key[] {
    for (const b of bytes) this.#pending.push(b);
    return this.#drain(false);
  }

  /** Takes the unfinished bytes as they are (a lone Esc becomes `escape`, Esc+x `alt+x`). */
  flush(): Key[] {
    return this.#drain(true);
  }

  #drain(force: boolean): Key[] {
    const keys: Key[] = [];
    while (this.#pending.length > 0) {
      if (this.#paste !== undefined) {
        if (!this.#takePaste(keys)) break;
        continue;
      }
      const used = this.#decodeOne(this.#pending, keys, force);
      if (used === 0) break;
      this.#pending.splice(0, used);
    }
    return keys;
  }

  /** Moves pasted bytes out of the pending input; true once the end marker was seen. */
  #takePaste(keys: Key[]): boolean {
    const paste = this.#paste!;
    const end = indexOf(this.#pending, PASTE_END);
    if (end < 0) {
      // Keep a tail that may be the start of the end marker.
      const keep = partialSuffix(this.#pending, PASTE_END);
      for (const b of this.#pending.splice(0, this.#pending.length - keep)) paste.push(b);
      return false;
    }
    for (const b of this.#pending.splice(0, end + PASTE_END.length).slice(0, end)) paste.push(b);
    const text = decoder.decode(new Uint8Array(paste)).replace(/\r\n?/g, "\n");
    keys.push(key("paste", { text }));
    this.#paste = undefined;
    return true;
  }

  /** Decodes one key from the start of `bytes`; returns the bytes used (0 = need more). */
  #decodeOne(bytes: number[], keys: Key[], force: boolean): number {
    const b = bytes[0];
    if (b === ESC) return this.#decodeEscape(bytes, keys, force);
    const control = controlKey(b);
    if (control) {
      keys.push(control);
      return 1;
    }
    return decodeUtf8(bytes, keys, force);
  }

  #decodeEscape(bytes: number[], keys: Key[], force: boolean): number {
    if (bytes.length === 1) {
      if (!force) return 0;
      keys.push(key("escape"));
      return 1;
    }
    const next = bytes[1];
    if (next === 0x5b /* [ */) {
      const end = csiEnd(bytes);
      if (end > 0) {
        const params = String.fromCharCode(...bytes.slice(2, end));
        const final = String.fromCharCode(bytes[end]);
        if (params === "200" && final === "~") {
          this.#paste = [];
          return end + 1;
        }
        const decoded = csiKey(params, final);
        if (decoded) keys.push(decoded);
        return end + 1;
      }
      if (end < 0 && !force) return 0;
      keys.push(key("[", { alt: true, text: "[" }));
      return 2;
    }
    if (next === 0x4f /* O */) {
      if (bytes.length < 3) {
        if (!force) return 0;
        keys.push(key("O", { alt: true, text: "O" }));
        return 2;
      }
      const name = LETTER_KEYS[String.fromCharCode(bytes[2])];
      if (name) keys.push(key(name));
      return 3;
    }
    if (next === ESC) {
      keys.push(key("escape"));
      return 1;
    }
    // Esc + key: Alt held.
    const inner: Key[] = [];
    const used = this.#decodeOne(bytes.slice(1), inner, force);
    if (used === 0) return 0;
    for (const k of inner) {
      const { text: _text, ...rest } = k;
      keys.push({ ...rest, alt: true });
    }
    return used + 1;
  }
}

/** The key for a C0 control byte or DEL, or undefined for other bytes. */
function controlKey(b: number): Key | undefined {
  if (b === 0x0d || b === 0x0a) return key("enter");
  if (b === 0x09) return key("tab");
  if (b === 0x7f || b === 0x08) return key("backspace");
  if (b === 0x00) return key("space", { ctrl: true });
  if (b >= 0x01 && b <= 0x1a) return key(String.fromCharCode(b + 0x60), { ctrl: true });
  if (b >= 0x1c && b <= 0x1f) return key(String.fromCharCode(b + 0x40), { ctrl: true });
  if (b === 0x20) return key("space", { text: " " });
  return undefined;
}

/** Index of the final byte of the CSI sequence at the start, -1 if unfinished, 0 if malformed. */
function csiEnd(bytes: number[]): number {
  for (let i = 2; i < bytes.length; i++) {
    const b = bytes[i];
    if (b >= 0x40 && b <= 0x7e) return i;
    if (b < 0x20 || b > 0x3f) return 0;
  }
  return -1;
}

function csiKey(params: string, final: string): Key | undefined {
  const fields = params.split(";");
  const modifier = Number(fields[1] ?? 1) - 1;
  const mods = {
    shift: (modifier & 1) !== 0,
    alt: (modifier & 2) !== 0,
    ctrl: (modifier & 4) !== 0,
  };
  if (final === "~") {
    const name = TILDE_KEYS[Number(fields[0])];
    return name ? key(name, mods) : undefined;
  }
  if (final === "Z") return key("tab", { shift: true });
  if (final === "u") return kittyKey(Number(fields[0]), mods);
  const name = LETTER_KEYS[final];
  return name ? key(name, mods) : undefined; // focus reports (I/O) and the unknown are dropped
}

/** kitty keyboard protocol: `CSI code ; modifiers u`. */
function kittyKey(code: number, mods: Pick<Key, "ctrl" | "alt" | "shift">): Key | undefined {
  const named: Record<number, string> = { 13: "enter", 9: "tab", 27: "escape", 127: "backspace" };
  if (named[code]) return key(named[code], mods);
  if (!Number.isInteger(code) || code < 0x20) return undefined;
  const char = String.fromCodePoint(code);
  if (code === 0x20) {
    return key("space", { ...mods, text: mods.ctrl || mods.alt ? undefined : " " });
  }
  return key(char, { ...mods, shift: false, text: mods.ctrl || mods.alt ? undefined : char });
}

/** Decodes one UTF-8 character; returns the bytes used (0 = need more). */
function decodeUtf8(bytes: number[], keys: Key[], force: boolean): number {
  const b = bytes[0];
  const length = b < 0x80 ? 1 : b >= 0xf0 && b < 0xf8 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
  if (length === 0) return 1; // a stray continuation byte: skip it
  if (bytes.length < length) return force ? bytes.length : 0;
  for (let i = 1; i < length; i++) if ((bytes[i] & 0xc0) !== 0x80) return i; // broken: skip the lead
  const char = decoder.decode(new Uint8Array(bytes.slice(0, length)));
  keys.push(key(char, { text: char }));
  return length;
}

function indexOf(haystack: number[], needle: number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** How many bytes at the end of `bytes` are a proper prefix of `marker`. */
function partialSuffix(bytes: number[], marker: number[]): number {
  for (let n = Math.min(marker.length - 1, bytes.length); n > 0; n--) {
    let match = true;
    for (let j = 0; j < n; j++) {
      if (bytes[bytes.length - n + j] !== marker[j]) {
        match = false;
        break;
      }
    }
    if (match) return n;
  }
  return 0;
}
