/**
 * Who may use `ringo flow serve`, and for what: users (dashboard logins
 * with a password) and API tokens, each with scopes (`read`, `run`).
 * Passwords and tokens come as scrypt hashes from the config, or in clear
 * from a file or an environment variable; every comparison takes constant
 * time. Dashboard sessions are HttpOnly, SameSite=Strict cookies (Secure
 * under TLS) with a CSRF token that every state-changing request must
 * echo; logins are rate-limited. Without any user or token there is no
 * access at all, unless `--insecure-no-auth` was given on a loopback
 * address.
 *
 * @module
 */
import { timingSafeEqual } from "node:crypto";
import type { Scope, SecretSource, ServeConfig } from "./config.ts";
import { ServeError } from "./errors.ts";
import { LoginLimiter } from "./login_limiter.ts";
import { sameSecret, verifySecret } from "./password.ts";

/** Who a request comes from. */
export interface Principal {
  kind: "user" | "token" | "anonymous";
  name: string;
  scopes: ReadonlySet<Scope>;
  /** Set for a dashboard session: the CSRF token it must echo. */
  csrf?: string;
}

/** A dashboard session. */
interface Session {
  user: string;
  scopes: ReadonlySet<Scope>;
  csrf: string;
  expiresAt: number;
}

/** What {@link Authenticator.login} answers. */
export type LoginResult =
  | { ok: true; sessionId: string; principal: Principal; maxAgeSeconds: number }
  | { ok: false; retryAfter: number };

/** The name of the session cookie. */
export const SESSION_COOKIE = "ringo_session";

interface Credential {
  name: string;
  scopes: ReadonlySet<Scope>;
  /** A hash to verify against, or the secret in clear. */
  hash?: string;
  clear?: string;
}

const ALL_SCOPES: ReadonlySet<Scope> = new Set(["read", "run"]);
/** Verified hashed tokens, by SHA-256 of the token: scrypt is too slow to run per request. */
const TOKEN_CACHE_LIMIT = 256;

/**
 * See the module documentation.
 *
 * @example
 * ```ts
 * const auth = await Authenticator.create(config.auth);
 * const who = await auth.principalOf({ authorization: "Bearer s3cr3t" });
 * who?.scopes.has("run"); // true
 * ```
 */
export class Authenticator {
  /** True when anyone who can connect has every scope (`--insecure-no-auth`). */
  readonly open: boolean;
  readonly #users: Credential[];
  readonly #tokens: Credential[];
  readonly #sessions = new Map<string, Session>();
  readonly #sessionMs: number;
  readonly #limiter: LoginLimiter;
  readonly #tokenCache = new Map<string, Credential>();
  /** A hash to verify against for unknown users, so a wrong name costs as much as a wrong password. */
  readonly #decoy: string;

  private constructor(
    users: Credential[],
    tokens: Credential[],
    options: { open: boolean; sessionMs: number; limiter: LoginLimiter; decoy: string },
  ) {
    this.#users = users;
    this.#tokens = tokens;
    this.open = options.open;
    this.#sessionMs = options.sessionMs;
    this.#limiter = options.limiter;
    this.#decoy = options.decoy;
  }

  /**
   * Reads every secret (files, environment) now, so a missing one stops
   * the start instead of a login later.
   *
   * @throws {ServeError} naming the user or token whose secret is missing.
   */
  static async create(
    auth: ServeConfig["auth"],
    options: {
      insecureNoAuth?: boolean;
      env?: Readonly<Record<string, string | undefined>>;
      limiter?: LoginLimiter;
    } = {},
  ): Promise<Authenticator> {
    const env = options.env ?? Deno.env.toObject();
    const users = await Promise.all(
      auth.users.map(async (u) => ({
        name: u.name,
        scopes: new Set(u.scopes),
        ...(await readSecret(u.password, `user "${u.name}"`, env)),
      })),
    );
    const tokens = await Promise.all(
      auth.tokens.map(async (t) => ({
        name: t.name,
        scopes: new Set(t.scopes),
        ...(await readSecret(t.token, `token "${t.name}"`, env)),
      })),
    );
    return new Authenticator(users, tokens, {
      open: options.insecureNoAuth === true,
      sessionMs: auth.sessionMs,
      limiter: options.limiter ?? new LoginLimiter(),
      // A fixed, valid scrypt hash of a random string.
      decoy:
        "scrypt$N=16384,r=8,p=1$0mTkHQat22WttjD1Tvp1TQ$xU1KsqeiAEowM70SUMbG4_bAafC5K4EEGpE3QtMoLMk",
    });
  }

  /** True when at least one user or token is configured. */
  get configured(): boolean {
    return this.#users.length > 0 || this.#tokens.length > 0;
  }

  /**
   * The principal of a request from its `Authorization` header and session
   * cookie; undefined when it has neither valid.
   */
  async principalOf(
    request: { authorization?: string; sessionId?: string },
  ): Promise<Principal | undefined> {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.authorization ?? "")?.[1];
    if (bearer) {
      const token = await this.#checkToken(bearer);
      return token ? { kind: "token", name: token.name, scopes: token.scopes } : undefined;
    }
    if (request.sessionId) {
      const session = this.#sessions.get(request.sessionId);
      if (session && session.expiresAt > Date.now()) {
        return { kind: "user", name: session.user, scopes: session.scopes, csrf: session.csrf };
      }
      if (session) this.#sessions.delete(request.sessionId);
    }
    if (this.open) return { kind: "anonymous", name: "anonymous", scopes: ALL_SCOPES };
    return undefined;
  }

  /**
   * Checks a user's password; on success opens a session. `client` (the
   * remote address) and the user name are both rate-limited.
   */
  async login(user: string, password: string, client: string): Promise<LoginResult> {
    const keys = [`client:${client}`, `user:${user.toLowerCase()}`];
    const retryAfter = this.#limiter.retryAfter(keys);
    if (retryAfter > 0) return { ok: false, retryAfter };
    const found = this.#users.find((u) => constantTimeEqual(u.name, user));
    const ok = found
      ? await matches(password, found)
      : (await verifySecret(password, this.#decoy), false);
    if (!ok || !found) {
      this.#limiter.failed(keys);
      return { ok: false, retryAfter: this.#limiter.retryAfter(keys) };
    }
    this.#limiter.succeeded([`user:${user.toLowerCase()}`]);
    const sessionId = randomToken(32);
    const session: Session = {
      user: found.name,
      scopes: found.scopes,
      csrf: randomToken(24),
      expiresAt: Date.now() + this.#sessionMs,
    };
    this.#sessions.set(sessionId, session);
    this.#sweepSessions();
    return {
      ok: true,
      sessionId,
      principal: { kind: "user", name: found.name, scopes: found.scopes, csrf: session.csrf },
      maxAgeSeconds: Math.floor(this.#sessionMs / 1000),
    };
  }

  /** Ends a session. */
  logout(sessionId: string | undefined): void {
    if (sessionId) this.#sessions.delete(sessionId);
  }

  /** True when `given` is the session's CSRF token (constant time). */
  csrfMatches(principal: Principal, given: string | undefined): boolean {
    return principal.csrf !== undefined && given !== undefined &&
      constantTimeEqual(principal.csrf, given);
  }

  async #checkToken(given: string): Promise<Credential | undefined> {
    const digest = await sha256(given);
    const cached = this.#tokenCache.get(digest);
    if (cached) return cached;
    let found: Credential | undefined;
    // Every clear token is compared, so the time does not tell which one matched.
    for (const t of this.#tokens) {
      if (t.clear !== undefined && (await sameSecret(given, t.clear))) found ??= t;
    }
    if (!found) {
      for (const t of this.#tokens) {
        if (t.hash !== undefined && (await verifySecret(given, t.hash))) {
          found = t;
          break;
        }
      }
    }
    if (found?.hash !== undefined) {
      if (this.#tokenCache.size >= TOKEN_CACHE_LIMIT) this.#tokenCache.clear();
      this.#tokenCache.set(digest, found);
    }
    return found;
  }

  #sweepSessions(): void {
    const now = Date.now();
    for (const [id, s] of this.#sessions) if (s.expiresAt <= now) this.#sessions.delete(id);
  }
}

async function readSecret(
  source: SecretSource,
  who: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ hash?: string; clear?: string }> {
  if (source.hash !== undefined) return { hash: source.hash };
  if (source.file !== undefined) {
    let text: string;
    try {
      text = await Deno.readTextFile(source.file);
    } catch (error) {
      throw new ServeError(
        `${who}: cannot read its secret from ${source.file}: ${(error as Error).message}`,
      );
    }
    const secret = text.split(/\r?\n/)[0].trim();
    if (secret === "") throw new ServeError(`${who}: ${source.file} is empty`);
    return secret.startsWith("scrypt$") ? { hash: secret } : { clear: secret };
  }
  const value = env[source.env!];
  if (value === undefined || value.trim() === "") {
    throw new ServeError(`${who}: the environment variable ${source.env} is not set`, {
      hint: `set ${source.env} in the service's environment (e.g. systemd's EnvironmentFile=)`,
    });
  }
  return value.startsWith("scrypt$") ? { hash: value.trim() } : { clear: value.trim() };
}

async function matches(secret: string, credential: Credential): Promise<boolean> {
  if (credential.hash !== undefined) return await verifySecret(secret, credential.hash);
  return await sameSecret(secret, credential.clear ?? "");
}

function constantTimeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  if (x.length !== y.length) {
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}

function randomToken(bytes: number): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw)).replace(/\+/g, "-").replace(/\//g, "_").replace(
    /=+$/,
    "",
  );
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
