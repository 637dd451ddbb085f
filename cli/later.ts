/**
 * The commands that later releases fill in (`ringo phone`, `ringo control`):
 * declared so help and completions list them, and answering plainly that
 * they are not available in this version.
 *
 * @module
 */
import { object } from "@optique/core/constructs";
import { message } from "@optique/core/message";
import { command, constant } from "@optique/core/primitives";
import type { InferValue } from "@optique/core/parser";

/** `ringo phone`: the terminal softphone (not in this release). */
export const phoneCommand = command(
  "phone",
  object({ tool: constant("phone") }),
  { description: message`Terminal SIP softphone (not yet available).` },
);

/** `ringo control`: drive a phone session from a script (not in this release). */
export const controlCommand = command(
  "control",
  object({ tool: constant("control") }),
  { description: message`Drive a running phone session over its Unix socket (not yet available).` },
);

/** What {@link phoneCommand} and {@link controlCommand} parse to. */
export type LaterCommand = InferValue<typeof phoneCommand> | InferValue<typeof controlCommand>;

/**
 * Says that the tool is not available yet; resolves with exit code 1.
 *
 * @example
 * ```ts
 * await notYetAvailable({ tool: "phone" }); // prints to stderr, returns 1
 * ```
 */
export function notYetAvailable(parsed: LaterCommand): Promise<number> {
  console.error(
    `ringo ${parsed.tool} is not yet available in this version; ` +
      `ringo flow (scenario tests) is. See ringo --help.`,
  );
  return Promise.resolve(1);
}
