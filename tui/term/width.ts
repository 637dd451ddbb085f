/**
 * How many terminal cells text takes: a grapheme cluster (what a person sees
 * as one character — a letter with its accents, an emoji with its skin tone
 * or ZWJ sequence) is 0, 1 or 2 cells wide. East Asian wide and fullwidth
 * characters and emoji take two cells, combining marks and control
 * characters none.
 *
 * Widths come from `get-east-asian-width` for single code points (the common
 * case, fast) and from `string-width` for clusters of several code points.
 *
 * @module
 */
import { eastAsianWidth } from "get-east-asian-width";
import stringWidth from "string-width";

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const EMOJI_PRESENTATION = /\p{Emoji_Presentation}/u;
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufe00-\ufe0f]$/u;

/**
 * Splits text into grapheme clusters.
 *
 * @example
 * ```ts
 * graphemes("añ👍🏽"); // ["a", "ñ", "👍🏽"]
 * ```
 */
export function graphemes(text: string): string[] {
  // Plain ASCII has one grapheme per code unit (except CR LF, never drawn).
  if (isAscii(text)) return text.split("");
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/**
 * The number of cells one grapheme cluster takes: 0, 1 or 2.
 *
 * @example
 * ```ts
 * graphemeWidth("a"); // 1
 * graphemeWidth("中"); // 2
 * graphemeWidth("👍🏽"); // 2
 * ```
 */
export function graphemeWidth(grapheme: string): number {
  const code = grapheme.codePointAt(0) ?? 0;
  if (grapheme.length === 1 || (grapheme.length === 2 && code > 0xffff)) {
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return 0;
    if (code < 0x7f) return 1;
    if (ZERO_WIDTH.test(grapheme)) return 0;
    if (EMOJI_PRESENTATION.test(grapheme)) return 2;
    return eastAsianWidth(code);
  }
  return Math.min(2, stringWidth(grapheme));
}

/**
 * The number of cells `text` takes on one line.
 *
 * @example
 * ```ts
 * textWidth("Zoë 中文"); // 8
 * ```
 */
export function textWidth(text: string): number {
  if (isAscii(text)) return printableAsciiCount(text);
  let width = 0;
  for (const { segment } of segmenter.segment(text)) width += graphemeWidth(segment);
  return width;
}

/**
 * Cuts `text` to at most `width` cells, ending with `ellipsis` when cut.
 * A wide character that would straddle the limit is dropped whole.
 *
 * @example
 * ```ts
 * truncateText("Alice Example", 8); // "Alice E…"
 * ```
 */
export function truncateText(text: string, width: number, ellipsis = "…"): string {
  if (width <= 0) return "";
  if (textWidth(text) <= width) return text;
  const room = width - textWidth(ellipsis);
  let out = "";
  let used = 0;
  for (const g of graphemes(text)) {
    const w = graphemeWidth(g);
    if (used + w > room) break;
    out += g;
    used += w;
  }
  return room >= 0 ? out + ellipsis : out;
}

/**
 * Pads `text` with spaces to exactly `width` cells (cutting it when longer).
 *
 * @example
 * ```ts
 * padText("中", 4); // "中  "
 * ```
 */
export function padText(text: string, width: number): string {
  const cut = truncateText(text, width);
  return cut + " ".repeat(Math.max(0, width - textWidth(cut)));
}

function isAscii(text: string): boolean {
  // deno-lint-ignore no-control-regex
  return /^[\x00-\x7f]*$/.test(text);
}

function printableAsciiCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) n++;
  }
  return n;
}
