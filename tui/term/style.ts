/**
 * Colours and text attributes, and the SGR escape sequences that draw them.
 *
 * A colour is one of the 16 named terminal colours (`red`, `dark_gray`,
 * `light_cyan`…, as the original ringo's themes name them), `#rrggbb`, or
 * `default`. How it is written depends on the {@link ColorMode}: `none`
 * when `NO_COLOR` is set (attributes such as bold and reverse stay, so the
 * selection is still visible), `256` (hex colours approximated), or
 * `truecolor` when `COLORTERM` says the terminal has it.
 *
 * Styles are interned: {@link styleId} turns a style into a small number, so
 * the screen buffer stores and compares numbers, not objects.
 *
 * @module
 */

/** A colour: a named terminal colour, `#rrggbb`, or `default`. */
export type Color = string;

/** How a cell is drawn. Every field is optional; unset means the terminal default. */
export interface Style {
  /** Foreground (text) colour. */
  fg?: Color;
  /** Background colour. */
  bg?: Color;
  /** Bold (bright) text. */
  bold?: boolean;
  /** Dim text. */
  dim?: boolean;
  /** Italic text. */
  italic?: boolean;
  /** Underlined text. */
  underline?: boolean;
  /** Foreground and background swapped. */
  reverse?: boolean;
}

/** How colours reach the terminal. */
export type ColorMode = "none" | "256" | "truecolor";

/** The 16 named colours and their SGR foreground codes. */
export const NAMED_COLORS: Readonly<Record<string, number>> = Object.freeze({
  black: 30,
  red: 31,
  green: 32,
  yellow: 33,
  blue: 34,
  magenta: 35,
  cyan: 36,
  gray: 37,
  dark_gray: 90,
  light_red: 91,
  light_green: 92,
  light_yellow: 93,
  light_blue: 94,
  light_magenta: 95,
  light_cyan: 96,
  white: 97,
});

/** The style id of the terminal's default look (no colour, no attribute). */
export const PLAIN_STYLE = 0;

/** A colour name or value that is neither a named colour nor `#rrggbb`. */
export class ColorError extends Error {
  override name = "ColorError";
}

/**
 * Reads a colour as users write it: a name in any case with `_`, `-` or
 * nothing between words (`dark_gray`, `DarkGray`, `bright-red`), or `#rrggbb`.
 * Returns the canonical form (`dark_gray`, `#1e1e2e`); throws
 * {@link ColorError} naming the accepted values otherwise.
 *
 * @example
 * ```ts
 * parseColor("DarkGray"); // "dark_gray"
 * parseColor("#89B4FA"); // "#89b4fa"
 * ```
 */
export function parseColor(value: string): Color {
  const text = value.trim().toLowerCase();
  if (/^#[0-9a-f]{6}$/.test(text)) return text;
  if (/^#[0-9a-f]{3}$/.test(text)) return "#" + [...text.slice(1)].map((c) => c + c).join("");
  const name = text.replace(/[-\s]/g, "_")
    .replace(/^(dark|light|bright)(?=[a-z])(?!_)/, "$1_")
    .replace(/grey/, "gray")
    .replace(/^bright_/, "light_");
  if (name === "default" || name === "reset") return "default";
  if (name in NAMED_COLORS) return name;
  throw new ColorError(
    `"${value}" is not a colour: use #rrggbb or one of ${Object.keys(NAMED_COLORS).join(", ")}`,
  );
}

/**
 * The colour mode for this environment: `none` when `NO_COLOR` is set to
 * anything non-empty (https://no-color.org), `truecolor` when `COLORTERM` is
 * `truecolor` or `24bit`, else `256`.
 *
 * @example
 * ```ts
 * colorModeFromEnv({ NO_COLOR: "1" }); // "none"
 * ```
 */
export function colorModeFromEnv(env: Record<string, string | undefined>): ColorMode {
  if (env.NO_COLOR) return "none";
  const colorterm = (env.COLORTERM ?? "").toLowerCase();
  return colorterm === "truecolor" || colorterm === "24bit" ? "truecolor" : "256";
}

const styles: Style[] = [{}];
const ids = new Map<string, number>([["{}", PLAIN_STYLE]]);
const sgrCache = new Map<string, string>();

/**
 * The interned id of `style` (equal styles give the same id).
 *
 * @example
 * ```ts
 * styleId({ fg: "red", bold: true }) === styleId({ bold: true, fg: "red" }); // true
 * ```
 */
export function styleId(style: Style): number {
  const key = styleKey(style);
  let id = ids.get(key);
  if (id === undefined) {
    id = styles.length;
    styles.push(normalized(style));
    ids.set(key, id);
  }
  return id;
}

/** The style an id stands for. */
export function styleOf(id: number): Style {
  return styles[id] ?? {};
}

/**
 * The SGR sequence that switches from any state to exactly this style
 * (it starts with a reset).
 *
 * @example
 * ```ts
 * sgr(styleId({ fg: "red", bold: true }), "256"); // "\x1b[0;1;31m"
 * ```
 */
export function sgr(id: number, mode: ColorMode): string {
  const cacheKey = `${id}/${mode}`;
  let out = sgrCache.get(cacheKey);
  if (out !== undefined) return out;
  const s = styleOf(id);
  const codes = ["0"];
  if (s.bold) codes.push("1");
  if (s.dim) codes.push("2");
  if (s.italic) codes.push("3");
  if (s.underline) codes.push("4");
  if (s.reverse) codes.push("7");
  if (mode !== "none") {
    if (s.fg) codes.push(...colorCodes(s.fg, mode, false));
    if (s.bg) codes.push(...colorCodes(s.bg, mode, true));
  }
  out = `\x1b[${codes.join(";")}m`;
  sgrCache.set(cacheKey, out);
  return out;
}

function colorCodes(color: Color, mode: ColorMode, background: boolean): string[] {
  if (color === "default") return [background ? "49" : "39"];
  const named = NAMED_COLORS[color];
  if (named !== undefined) return [String(background ? named + 10 : named)];
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
  const lead = background ? "48" : "38";
  if (mode === "truecolor") return [lead, "2", String(r), String(g), String(b)];
  return [lead, "5", String(to256(r, g, b))];
}

/** The nearest xterm-256 colour (6×6×6 cube or grey ramp). */
function to256(r: number, g: number, b: number): number {
  const level = (v: number) => (v < 48 ? 0 : v < 115 ? 1 : Math.floor((v - 35) / 40));
  const cube = [r, g, b].map(level);
  const cubeValue = (l: number) => (l === 0 ? 0 : 55 + l * 40);
  const cubeDist = [r, g, b].reduce((d, v, i) => d + (v - cubeValue(cube[i])) ** 2, 0);
  const grey = Math.max(0, Math.min(23, Math.round(((r + g + b) / 3 - 8) / 10)));
  const greyValue = 8 + grey * 10;
  const greyDist = [r, g, b].reduce((d, v) => d + (v - greyValue) ** 2, 0);
  return greyDist < cubeDist ? 232 + grey : 16 + 36 * cube[0] + 6 * cube[1] + cube[2];
}

function normalized(style: Style): Style {
  const out: Style = {};
  for (const key of STYLE_KEYS) {
    const value = style[key];
    if (value !== undefined && value !== false) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

const STYLE_KEYS = ["fg", "bg", "bold", "dim", "italic", "underline", "reverse"] as const;

function styleKey(style: Style): string {
  return JSON.stringify(normalized(style));
}
