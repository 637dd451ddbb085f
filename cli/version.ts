/**
 * ringo's own version, read from `deno.json` at build time (a static JSON
 * import, so `deno compile` embeds it).
 *
 * @module
 */
import manifest from "../deno.json" with { type: "json" };

/** ringo's version, e.g. `0.1.0`. */
export const VERSION: string = manifest.version;
