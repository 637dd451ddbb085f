/**
 * The install commands of the README's "Install" section, as the tests of
 * each way of installing run them (with the URLs and paths of the test put
 * in place of GitHub's).
 *
 * @module
 */

/** The repository root. */
export const REPO = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

/** Where the README's URLs point: the raw files of a release tag, and its image. */
export const README_RAW_BASE = /https:\/\/raw\.githubusercontent\.com\/OWNER\/ringo\/v[0-9.]+/g;
export const README_IMAGE = /ghcr\.io\/OWNER\/ringo:[0-9.]+/g;

/**
 * Every shell command in the `sh` blocks of README's "Install" section,
 * continuation lines joined.
 *
 * @example
 * ```ts
 * const install = (await installCommands()).find((c) => c.startsWith("deno install"));
 * ```
 */
export async function installCommands(readme?: string): Promise<string[]> {
  const text = readme ?? await Deno.readTextFile(`${REPO}/README.md`);
  const section = /^## Install\n([\s\S]*?)(?=^## )/m.exec(text)?.[1];
  if (!section) throw new Error('README.md has no "## Install" section');
  const commands: string[] = [];
  for (const block of section.matchAll(/```sh\n([\s\S]*?)```/g)) {
    let current = "";
    for (const line of block[1].split("\n")) {
      const joined = current + line.trim();
      if (joined.endsWith("\\")) {
        current = joined.slice(0, -1).trimEnd() + " ";
        continue;
      }
      current = "";
      if (joined !== "") commands.push(joined);
    }
  }
  return commands;
}

/** The one command of the Install section that starts with `prefix`. */
export async function installCommand(prefix: string): Promise<string> {
  const found = (await installCommands()).filter((c) => c.startsWith(prefix));
  if (found.length !== 1) {
    throw new Error(`README's Install section has ${found.length} commands starting "${prefix}"`);
  }
  return found[0];
}

/** Splits a command line at spaces (the README's Deno commands quote nothing). */
export function words(command: string): string[] {
  return command.split(/\s+/).filter((w) => w !== "");
}
