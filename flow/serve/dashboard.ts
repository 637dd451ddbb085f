/**
 * The dashboard's files: plain HTML, CSS and JavaScript modules in
 * `flow/serve/dashboard/`, served as they are (no build step, nothing from
 * the internet). `deno compile` embeds the folder (`--include`).
 *
 * @module
 */
import { Hono } from "hono";
import type { ServeEnv } from "./http_auth.ts";

const DIR = new URL("./dashboard/", import.meta.url);

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** The dashboard's files by name (`index.html`, `app.js`, …). */
export const DASHBOARD_FILES = [
  "index.html",
  "style.css",
  "app.js",
  "api.js",
  "dom.js",
  "views.js",
  "run.js",
  "charts.js",
  "ladder.js",
  "waveform.js",
  "compare.js",
  "icon.svg",
];

/**
 * `/` (the page) and `/ui/<file>` (its assets).
 *
 * @example
 * ```ts
 * app.route("/", dashboardRoutes());
 * ```
 */
export function dashboardRoutes(): Hono<ServeEnv> {
  const app = new Hono<ServeEnv>();
  const send = async (name: string) => {
    const ext = name.slice(name.lastIndexOf("."));
    const body = await Deno.readFile(new URL(name, DIR));
    return new Response(body, {
      headers: {
        "Content-Type": TYPES[ext] ?? "application/octet-stream",
        "Cache-Control": "no-cache",
      },
    });
  };
  app.get("/", () => send("index.html"));
  app.get("/ui/:file", (c) => {
    const name = c.req.param("file");
    if (!DASHBOARD_FILES.includes(name)) return c.json({ error: `no dashboard file ${name}` }, 404);
    return send(name);
  });
  return app;
}
