/**
 * The routes of one mock server: which answer a request gets. Routes change
 * while the server runs (a scenario stages the next answer between two
 * webhooks), so this is a small table of its own rather than a router that
 * is fixed once built.
 *
 * Matching: an exact path beats a regular expression, a route for the
 * request's method beats one for any method (`*`), and otherwise the route
 * registered first wins. Registering the same method and path again replaces
 * the route in place.
 *
 * @module
 */
import type { WirePathMatch, WireRoute } from "./wire.ts";

/** A route with its compiled path. */
interface CompiledRoute {
  route: WireRoute;
  key: string;
  test(path: string): boolean;
  exact: boolean;
}

/**
 * See the module documentation.
 *
 * @example
 * ```ts
 * const routes = new MockRoutes();
 * routes.set({ method: "POST", path: { exact: "/hook" }, action: { kind: "responder", id: 1 } });
 * routes.match("POST", "/hook")?.action; // { kind: "responder", id: 1 }
 * ```
 */
export class MockRoutes {
  readonly #routes: CompiledRoute[] = [];

  /** Adds `route`, or replaces the route with the same method and path. */
  set(route: WireRoute): void {
    const compiled = compile(route);
    const at = this.#routes.findIndex((r) => r.key === compiled.key);
    if (at >= 0) this.#routes[at] = compiled;
    else this.#routes.push(compiled);
  }

  /** The route that answers `method path`, or undefined (→ 404). */
  match(method: string, path: string): WireRoute | undefined {
    const upper = method.toUpperCase();
    let best: { route: CompiledRoute; rank: number } | undefined;
    for (const candidate of this.#routes) {
      const named = candidate.route.method === upper ||
        (upper === "HEAD" && candidate.route.method === "GET");
      if (!(named || candidate.route.method === "*") || !candidate.test(path)) continue;
      const rank = (candidate.exact ? 2 : 0) + (named ? 1 : 0);
      if (!best || rank > best.rank) best = { route: candidate, rank };
    }
    return best?.route.route;
  }

  /** How many routes there are. */
  get size(): number {
    return this.#routes.length;
  }
}

/** `method path` as people write it: `POST /hook`, `* re:/calls/.*`. */
export function describeRoute(method: string, path: WirePathMatch): string {
  return `${method} ${describePath(path)}`;
}

/** A path pattern as people write it: `/hook`, `re:/calls/.*`. */
export function describePath(path: WirePathMatch): string {
  return "exact" in path ? path.exact : `re:${path.regex}`;
}

/**
 * A test for paths: equal to an exact path, or matching the whole of a
 * regular expression (anchored, `g`/`y` flags dropped).
 *
 * @example
 * ```ts
 * pathTester({ regex: "/calls/[0-9]+", flags: "" })("/calls/7"); // true
 * ```
 */
export function pathTester(path: WirePathMatch): (path: string) => boolean {
  if ("exact" in path) return (p) => p === path.exact;
  const anchored = new RegExp(`^(?:${path.regex})$`, path.flags.replace(/[gy]/g, ""));
  return (p) => anchored.test(p);
}

function compile(route: WireRoute): CompiledRoute {
  const method = route.method.toUpperCase();
  const normalised = { ...route, method };
  const { path } = route;
  const exact = "exact" in path;
  return {
    route: normalised,
    key: exact ? `${method} ${path.exact}` : `${method} re:/${path.regex}/${path.flags}`,
    test: pathTester(path),
    exact,
  };
}
