/**
 * A local stand-in for a raw-file host (raw.githubusercontent.com): serves
 * the checkout's files under a path prefix, each as `text/plain` as such a
 * host does, 404 for anything else. For the tests that run and install
 * ringo from a URL.
 *
 * @module
 */

/** The repository root this helper serves by default. */
const REPO = new URL("../", import.meta.url).pathname.replace(/\/$/, "");

/** A running host; `url` has no trailing slash. Stops on dispose. */
export interface RawFileHost extends AsyncDisposable {
  /** e.g. `http://127.0.0.1:41234/OWNER/ringo/v0.1.0`. */
  url: string;
  /** Paths requested so far, below the prefix. */
  requested: string[];
}

/**
 * Serves `root` (default the checkout) at `http://127.0.0.1:<free port><prefix>/`.
 *
 * @example
 * ```ts
 * await using host = serveRawFiles({ prefix: "/OWNER/ringo/v0.1.0" });
 * await fetch(`${host.url}/main.ts`); // text/plain, the checkout's main.ts
 * ```
 */
export function serveRawFiles(options: { root?: string; prefix?: string } = {}): RawFileHost {
  const root = options.root ?? REPO;
  const prefix = options.prefix ?? "";
  const requested: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const full = decodeURIComponent(new URL(request.url).pathname);
    if (!full.startsWith(`${prefix}/`) || full.includes("..")) {
      return new Response("not found", { status: 404 });
    }
    const path = full.slice(prefix.length);
    requested.push(path);
    try {
      const body = await Deno.readFile(`${root}${path}`);
      return new Response(body, { headers: { "content-type": "text/plain; charset=utf-8" } });
    } catch {
      return new Response("404: Not Found", { status: 404 });
    }
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}${prefix}`,
    requested,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}
