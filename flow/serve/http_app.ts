/**
 * The whole HTTP surface of `ringo flow serve`, composed with Hono:
 * security headers on every answer, `/healthz`, `/metrics`, the session
 * routes, the monitors and runs API and the dashboard's files.
 *
 * @module
 */
import { Hono } from "hono";
import type { Authenticator } from "./auth.ts";
import { dashboardRoutes } from "./dashboard.ts";
import { requireScope, type ServeEnv, sessionRoutes } from "./http_auth.ts";
import { runRoutes, type RunService } from "./http_runs.ts";
import { METRICS_CONTENT_TYPE } from "./metrics.ts";

/** What {@link httpApp} serves. */
export interface HttpAppOptions {
  service: RunService;
  auth: Authenticator;
  /** Under TLS: cookies get `Secure`, answers `Strict-Transport-Security`. */
  tls: boolean;
  metrics: { enabled: boolean; public: boolean; render(): Promise<string> };
  /** For `/healthz`. */
  version: string;
}

/** Where a browser may load anything from: this server only. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

/**
 * The Hono app; hand `app.fetch` to `Deno.serve` with the client address
 * as `env.remote`.
 *
 * @example
 * ```ts
 * const app = httpApp({ service, auth, tls: false, metrics, version: "0.1.0" });
 * Deno.serve({ port: 9090 }, (req, info) => app.fetch(req, { remote: info.remoteAddr }));
 * ```
 */
export function httpApp(options: HttpAppOptions): Hono<ServeEnv> {
  const app = new Hono<ServeEnv>();
  app.use(async (c, next) => {
    await next();
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "no-referrer");
    c.header("X-Frame-Options", "DENY");
    c.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    if (options.tls) c.header("Strict-Transport-Security", "max-age=31536000");
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  });
  app.get("/healthz", (c) =>
    c.json({
      status: "ok",
      version: options.version,
      running: options.service.queue.running.length,
      queued: options.service.queue.waiting.length,
    }));
  if (options.metrics.enabled) {
    const render = async () =>
      new Response(await options.metrics.render(), {
        headers: { "Content-Type": METRICS_CONTENT_TYPE },
      });
    if (options.metrics.public) app.get("/metrics", render);
    else app.get("/metrics", requireScope(options.auth, "read"), render);
  }
  app.route("/api/session", sessionRoutes(options.auth, { secure: options.tls }));
  app.route("/", runRoutes(options.service, options.auth));
  app.all("/api/*", (c) => c.json({ error: `no such API: ${c.req.method} ${c.req.path}` }, 404));
  app.route("/", dashboardRoutes());
  app.onError((error, c) => {
    console.error(`ringo flow serve: ${c.req.method} ${c.req.path}: ${error.stack ?? error}`);
    return c.json({ error: "internal error (the serve log has the details)" }, 500);
  });
  return app;
}
