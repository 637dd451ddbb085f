/**
 * ringo's own version, read from `deno.json` at build time (a static JSON
 * import, so `deno compile` embeds it), and the `--version` report that also
 * names the baresip ringo will use and where it came from.
 *
 * @module
 */
import manifest from "../deno.json" with { type: "json" };
import { baresipSupport, describeInstall, detectBaresip, RingoError } from "../core/mod.ts";

/** ringo's version, e.g. `0.1.0`. */
export const VERSION: string = manifest.version;

/**
 * What `ringo --version` prints: ringo's version on the first line, then the
 * runtime and the engine (or why there is none), and a fourth line when that
 * baresip works with limits.
 *
 * @example
 * ```ts
 * console.log(await versionReport());
 * // 0.1.0
 * // deno 2.9.6 (linux x86_64)
 * // baresip 4.10.0 (/…/.tools/baresip-4.10.0/bin/baresip, the checkout's pinned build)
 * ```
 */
export async function versionReport(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): Promise<string> {
  const runtime = `deno ${Deno.version.deno} (${Deno.build.os} ${Deno.build.arch})`;
  let engine: string;
  try {
    const install = await detectBaresip(env);
    engine = describeInstall(install);
    if (baresipSupport(install.version).level === "limited") {
      engine += "\nit works with limits: ringo doctor says which features need a newer baresip";
    }
  } catch (error) {
    const hint = error instanceof RingoError && error.hint ? ` (${error.hint})` : "";
    engine = `baresip: none usable: ${(error as Error).message}${hint}`;
  }
  return `${VERSION}\n${runtime}\n${engine}`;
}
