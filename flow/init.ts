/**
 * `ringo flow init`: a starter scenario that needs no PBX, and a
 * `deno.json` so editors resolve `@ringo/flow` to this installation.
 *
 * @module
 */
import { join } from "node:path";
import { RingoError } from "../core/errors.ts";

/** Where `@ringo/flow` lives in this installation: a file path, or a URL when ringo runs from one. */
export const FLOW_API_URL = new URL("./api/mod.ts", import.meta.url);

const STARTER = `// A call between two agents on this machine: no PBX needed.
// Run it with \`ringo flow run <this folder>\`; see docs/flow/ for the API.
import { agent, expect, State, until, wait } from "@ringo/flow";

const a = await agent("A");
const b = await agent("B");

await a.dial(b);
await until(() => expect(b.state).toBe(State.Ringing), "15s");
await b.accept();
await until(() => expect(a.state).toBe(State.Established));
await wait("2s");
await a.hangup();
await until(() => expect(b.state).toBe(State.Idle));
`;

/**
 * Writes `call.ts` and `deno.json` into `dir` (created if missing) and
 * returns their paths. Refuses to overwrite unless `force`.
 *
 * @example
 * ```ts
 * await writeStarter("flows"); // ["flows/call.ts", "flows/deno.json"]
 * ```
 */
export async function writeStarter(
  dir: string,
  options: { force?: boolean } = {},
): Promise<string[]> {
  await Deno.mkdir(dir, { recursive: true });
  const files: Array<[string, string]> = [
    [join(dir, "call.ts"), STARTER],
    [join(dir, "deno.json"), `${JSON.stringify(editorConfig(), null, 2)}\n`],
  ];
  if (!options.force) {
    for (const [path] of files) {
      if (await exists(path)) {
        throw new RingoError(`${path} already exists`, { hint: "pass --force to overwrite it" });
      }
    }
  }
  for (const [path, text] of files) await Deno.writeTextFile(path, text);
  return files.map(([path]) => path);
}

/**
 * The editor config: `@ringo/flow` mapped to this installation's API, as an
 * absolute path (or the URL ringo runs from).
 *
 * @example
 * ```ts
 * editorConfig(); // { imports: { "@ringo/flow": "/opt/ringo/flow/api/mod.ts" } }
 * ```
 */
export function editorConfig(): { imports: Record<string, string> } {
  const target = FLOW_API_URL.protocol === "file:"
    ? decodeURIComponent(FLOW_API_URL.pathname)
    : FLOW_API_URL.href;
  return { imports: { "@ringo/flow": target } };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}
