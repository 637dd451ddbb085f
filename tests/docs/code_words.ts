/**
 * The words a Markdown page writes as code, for docs tests that check a
 * page names everything a module has.
 *
 * @module
 */

/**
 * Identifiers inside the page's inline code spans (`name`, `name(…)`,
 * `a.name`, `name: …`); fenced examples are left out.
 *
 * @example
 * ```ts
 * const words = await codeWords(new URL("../../docs/flow/api.md", import.meta.url));
 * words.has("agent"); // true
 * ```
 */
export async function codeWords(page: URL): Promise<Set<string>> {
  const text = (await Deno.readTextFile(page)).replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "");
  const words = new Set<string>();
  for (const [, code] of text.matchAll(/`([^`]+)`/g)) {
    for (const [word] of code.matchAll(/[A-Za-z_$][\w$]*/g)) words.add(word);
  }
  return words;
}
