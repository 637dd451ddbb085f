/**
 * Password and token hashes for `ringo flow serve`: scrypt from
 * `node:crypto` with a random salt, in one self-describing string
 * (`scrypt$N=16384,r=8,p=1$<salt>$<hash>`, base64url), compared in
 * constant time.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { ServeError } from "./errors.ts";

const PARAMS = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;
const FORMAT = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

/**
 * Hashes `secret` with a fresh salt.
 *
 * @example
 * ```ts
 * const hash = await hashSecret("correct horse"); // "scrypt$N=16384,r=8,p=1$…$…"
 * ```
 */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, PARAMS);
  const { N, r, p } = PARAMS;
  return `scrypt$N=${N},r=${r},p=${p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

/**
 * True when `secret` matches `hash` (made by {@link hashSecret}); the key
 * comparison takes the same time whatever the secret.
 *
 * @throws {ServeError} when `hash` is not in the scrypt format.
 *
 * @example
 * ```ts
 * await verifySecret("correct horse", hash); // true
 * ```
 */
export async function verifySecret(secret: string, hash: string): Promise<boolean> {
  const m = FORMAT.exec(hash);
  if (!m) {
    throw new ServeError("a password hash is not in the scrypt format", {
      hint: "make one with `ringo flow serve --hash-password`",
    });
  }
  const expected = Buffer.from(m[5], "base64url");
  const key = await derive(secret, Buffer.from(m[4], "base64url"), {
    N: Number(m[1]),
    r: Number(m[2]),
    p: Number(m[3]),
  }, expected.length);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * Constant-time equality of two secrets in clear (tokens from a file or
 * the environment): both are hashed first, so neither length leaks.
 *
 * @example
 * ```ts
 * await sameSecret("abc", "abc"); // true
 * ```
 */
export async function sameSecret(given: string, expected: string): Promise<boolean> {
  const digest = async (text: string) =>
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  return timingSafeEqual(a, b);
}

function derive(
  secret: string,
  salt: Uint8Array,
  params: { N: number; r: number; p: number },
  length = KEY_LENGTH,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, length, { ...params, maxmem: 256 * params.N * params.r }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}
