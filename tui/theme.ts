/**
 * The theme: six colour roles, read from `[theme]` in `ringo.toml` (or a
 * file it includes, such as the ones in `themes/`), turned into the styles
 * every view draws with.
 *
 * | role | default | used for |
 * |---|---|---|
 * | accent | cyan | logo, selection in the picker, dial input, popups |
 * | subtle | dark_gray | hints, logs, subtitles, unfocused labels |
 * | success | green | registered, established calls, toggles that are on |
 * | danger | red | muted, missed calls, failed registration, errors |
 * | attention | yellow | the selected call, ringing, MWI, the focused field |
 * | transfer | magenta | the transfer line |
 *
 * @module
 */
import { z } from "zod";
import type { Style } from "./term/style.ts";
import { parseColor } from "./term/style.ts";

/** The colour roles. */
export const THEME_ROLES = [
  "accent",
  "subtle",
  "success",
  "danger",
  "attention",
  "transfer",
] as const;

/** One of {@link THEME_ROLES}. */
export type ThemeRole = typeof THEME_ROLES[number];

/** A colour per role (canonical colour names or `#rrggbb`). */
export type Theme = Record<ThemeRole, string>;

/** The theme when `[theme]` sets nothing. */
export const DEFAULT_THEME: Readonly<Theme> = Object.freeze({
  accent: "cyan",
  subtle: "dark_gray",
  success: "green",
  danger: "red",
  attention: "yellow",
  transfer: "magenta",
});

const colorField = z.string().transform((value, ctx) => {
  try {
    return parseColor(value);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});

const themeSchema = z.object(
  Object.fromEntries(THEME_ROLES.map((role) => [role, colorField.optional()])) as Record<
    ThemeRole,
    z.ZodOptional<typeof colorField>
  >,
).strict();

/**
 * Reads a `[theme]` table: each role set there overrides the default. A bad
 * value or an unknown role is a warning (naming the role and what was
 * expected) and that role keeps its default — a typo in a colour never stops
 * the phone.
 *
 * @example
 * ```ts
 * readTheme({ accent: "#89b4fa" }).theme.accent; // "#89b4fa"
 * readTheme({ accent: "octarine" }).warnings; // ['theme.accent: "octarine" is not a colour: …']
 * ```
 */
export function readTheme(table: unknown): { theme: Theme; warnings: string[] } {
  const theme: Theme = { ...DEFAULT_THEME };
  const warnings: string[] = [];
  if (table === undefined || table === null) return { theme, warnings };
  if (typeof table !== "object" || Array.isArray(table)) {
    return { theme, warnings: ["theme: expected a table of role = colour"] };
  }
  const record = table as Record<string, unknown>;
  for (const [role, value] of Object.entries(record)) {
    const parsed = themeSchema.safeParse({ [role]: value });
    if (parsed.success) {
      const color = (parsed.data as Partial<Theme>)[role as ThemeRole];
      if (color) theme[role as ThemeRole] = color;
    } else {
      const issue = parsed.error.issues[0];
      const detail = issue.code === "unrecognized_keys"
        ? `unknown role (roles: ${THEME_ROLES.join(", ")})`
        : issue.message;
      warnings.push(`theme.${role}: ${detail}`);
    }
  }
  return { theme, warnings };
}

/** The styles views draw with, derived from a theme. */
export interface ThemeStyles {
  /** Normal text. */
  text: Style;
  /** Accent colour (logo, popups' borders, the dial input). */
  accent: Style;
  /** Accent, bold. */
  accentBold: Style;
  /** Hints, subtitles, log text. */
  subtle: Style;
  /** Registered, established, on. */
  success: Style;
  /** Muted, missed, failed, errors. */
  danger: Style;
  /** Selected call, ringing, MWI, focused field. */
  attention: Style;
  /** Transfer line. */
  transfer: Style;
  /** The selected row of a list. */
  selected: Style;
  /** A key in the hint bar or help. */
  key: Style;
  /** Borders of boxes. */
  border: Style;
}

/**
 * The styles for `theme`.
 *
 * @example
 * ```ts
 * themeStyles(DEFAULT_THEME).success; // { fg: "green" }
 * ```
 */
export function themeStyles(theme: Theme): ThemeStyles {
  return {
    text: {},
    accent: { fg: theme.accent },
    accentBold: { fg: theme.accent, bold: true },
    subtle: { fg: theme.subtle },
    success: { fg: theme.success },
    danger: { fg: theme.danger },
    attention: { fg: theme.attention },
    transfer: { fg: theme.transfer },
    selected: { fg: theme.accent, bold: true, reverse: true },
    key: { fg: theme.accent, bold: true },
    border: { fg: theme.subtle },
  };
}
