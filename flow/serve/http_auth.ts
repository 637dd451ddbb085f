/**
 * Auth at the HTTP edge: the middleware that finds a request's principal
 * (bearer token or session cookie) and checks its scope, the same-origin and
 * CSRF checks of state-changing requests, and the session routes
 * (`/api/session`: log in, who am I, log out).
 *
 * @module
 */
import { Hono, type MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Context } from "hono";
import { type Authenticator, type Principal, SESSION_COOKIE } from "./auth.ts";
import type { Scope } from "./config.ts";

/** What the HTTP layer passes to every handler. */
export interface ServeEnv {
  Bindings: { remote?: Deno.NetAddr };
  Variables: { principal: Principal };
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Lets a request through when its principal has `scope`: 401 without a
 * valid token or session, 403 without the scope, and for state-changing
 * requests 403 when they come from another origin or — from a dashboard
 * session — lack the session's CSRF token (`X-CSRF-Token`).
 *
 * @example
 * ```ts
 * app.post("/api/monitors/:name/runs", requireScope(auth, "run"), startRun);
 * ```
 */
export function requireScope(auth: Authenticator, scope: Scope): MiddlewareHandler<ServeEnv> {
  return async (c, next) => {
    const principal = await auth.principalOf({
      authorization: c.req.header("authorization"),
      sessionId: getCookie(c, SESSION_COOKIE),
    });
    if (!principal) {
      return c.json(
        { error: "authentication required: log in, or send Authorization: Bearer <token>" },
        401,
        { "WWW-Authenticate": 'Bearer realm="ringo flow serve"' },
      );
    }
    if (!principal.scopes.has(scope)) {
      return c.json({ error: `${describe(principal)} lacks the "${scope}" scope` }, 403);
    }
    if (UNSAFE.has(c.req.method)) {
      const refusal = crossOrigin(c) ??
        (principal.kind === "user" && !auth.csrfMatches(principal, c.req.header("x-csrf-token"))
          ? "the CSRF token is missing or wrong (reload the dashboard)"
          : undefined);
      if (refusal) return c.json({ error: refusal }, 403);
    }
    c.set("principal", principal);
    await next();
  };
}

/**
 * `/api/session`: `POST` logs in (JSON or form `{user, password}`; 429 with
 * `Retry-After` once rate-limited), `GET` tells who is logged in and the
 * CSRF token, `DELETE` logs out.
 */
export function sessionRoutes(auth: Authenticator, options: { secure: boolean }): Hono<ServeEnv> {
  const app = new Hono<ServeEnv>();
  app.post("/", async (c) => {
    const refusal = crossOrigin(c);
    if (refusal) return c.json({ error: refusal }, 403);
    const { user, password } = await credentialsOf(c);
    if (!user || !password) return c.json({ error: "give user and password" }, 400);
    const client = c.env?.remote?.hostname ?? "unknown";
    const result = await auth.login(user, password, client);
    if (!result.ok) {
      if (result.retryAfter > 0) {
        return c.json(
          { error: `too many failed logins: try again in ${result.retryAfter} s` },
          429,
          { "Retry-After": String(result.retryAfter) },
        );
      }
      return c.json({ error: "wrong user name or password" }, 401);
    }
    setCookie(c, SESSION_COOKIE, result.sessionId, {
      httpOnly: true,
      sameSite: "Strict",
      secure: options.secure,
      path: "/",
      maxAge: result.maxAgeSeconds,
    });
    return c.json(whoami(result.principal, auth));
  });
  app.get("/", async (c) => {
    const principal = await auth.principalOf({
      authorization: c.req.header("authorization"),
      sessionId: getCookie(c, SESSION_COOKIE),
    });
    if (!principal) return c.json({ error: "not logged in", open: false }, 401);
    return c.json(whoami(principal, auth));
  });
  app.delete("/", (c) => {
    const refusal = crossOrigin(c);
    if (refusal) return c.json({ error: refusal }, 403);
    auth.logout(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: options.secure });
    return c.body(null, 204);
  });
  return app;
}

function whoami(principal: Principal, auth: Authenticator) {
  return {
    kind: principal.kind,
    name: principal.name,
    scopes: [...principal.scopes].sort(),
    ...(principal.csrf ? { csrf: principal.csrf } : {}),
    open: auth.open,
  };
}

async function credentialsOf(c: Context<ServeEnv>): Promise<{ user?: string; password?: string }> {
  const type = c.req.header("content-type") ?? "";
  try {
    if (type.includes("application/json")) {
      const body = await c.req.json();
      return { user: stringOrUndefined(body?.user), password: stringOrUndefined(body?.password) };
    }
    const form = await c.req.parseBody();
    return { user: stringOrUndefined(form.user), password: stringOrUndefined(form.password) };
  } catch {
    return {};
  }
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Why a state-changing request is refused as cross-site, or undefined. */
function crossOrigin(c: Context<ServeEnv>): string | undefined {
  if (c.req.header("sec-fetch-site") === "cross-site") return "cross-site requests are refused";
  const origin = c.req.header("origin");
  if (origin === undefined) return undefined;
  const own = new URL(c.req.url);
  const host = c.req.header("host") ?? own.host;
  try {
    if (new URL(origin).host === host) return undefined;
  } catch {
    // not a URL
  }
  return `requests from ${origin} are refused (only this dashboard's own origin may change things)`;
}

function describe(principal: Principal): string {
  return principal.kind === "token" ? `token "${principal.name}"` : `user "${principal.name}"`;
}
