// The dashboard's only way to the server: fetch() with the session cookie,
// the CSRF token on every state-changing request, and one error type.

/** An API answer that was not 2xx: `status` and the server's message. */
export class ApiError extends Error {
  constructor(status, message, retryAfter) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

let csrf;

/** Remembers the session's CSRF token (from GET/POST /api/session). */
export function setCsrf(token) {
  csrf = token;
}

/** GET (or `init.method`) `path` and parse the JSON answer. */
export async function api(path, init = {}) {
  const headers = new Headers(init.headers ?? {});
  headers.set("Accept", "application/json");
  headers.set("X-Ringo-Client", "dashboard");
  if (init.method && init.method !== "GET" && csrf) headers.set("X-CSRF-Token", csrf);
  if (init.json !== undefined) {
    headers.set("Content-Type", "application/json");
    init = { ...init, body: JSON.stringify(init.json) };
  }
  const response = await fetch(path, { ...init, headers, credentials: "same-origin" });
  if (response.status === 204) return undefined;
  const type = response.headers.get("content-type") ?? "";
  const body = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok && !(init.acceptStatus ?? []).includes(response.status)) {
    const message = typeof body === "object" && body?.error
      ? body.error
      : `HTTP ${response.status}`;
    throw new ApiError(response.status, message, response.headers.get("retry-after"));
  }
  return body;
}

/** The text of `path` (NDJSON, XML). */
export async function apiText(path) {
  const response = await fetch(path, { credentials: "same-origin" });
  if (!response.ok) throw new ApiError(response.status, `HTTP ${response.status}`);
  return await response.text();
}
