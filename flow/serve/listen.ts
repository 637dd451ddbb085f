/**
 * Listen addresses of `ringo flow serve` (`HOST:PORT`, `[v6]:PORT`) and the
 * one question auth asks of them: is it loopback only?
 *
 * @module
 */
import { ServeError } from "./errors.ts";

/** A parsed listen address. */
export interface ListenAddress {
  hostname: string;
  port: number;
}

/**
 * Reads `HOST:PORT` (`[::1]:9090` for IPv6; port 0 picks a free one).
 *
 * @example
 * ```ts
 * parseListen("127.0.0.1:9090"); // { hostname: "127.0.0.1", port: 9090 }
 * parseListen("[::1]:0"); // { hostname: "::1", port: 0 }
 * ```
 */
export function parseListen(text: string): ListenAddress {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:\[\]\s]+)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new ServeError(`listen address ${JSON.stringify(text)}: expected HOST:PORT`, {
      hint: 'e.g. "127.0.0.1:9090", "0.0.0.0:9090" or "[::1]:9090"',
    });
  }
  return { hostname: match[1] ?? match[2], port };
}

/**
 * True when `hostname` is reachable only from this machine.
 *
 * @example
 * ```ts
 * isLoopback("127.0.0.1"); // true
 * isLoopback("0.0.0.0"); // false
 * ```
 */
export function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "::1" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * An address as a URL host: IPv6 in brackets.
 *
 * @example
 * ```ts
 * urlHost({ hostname: "::1", port: 9090 }); // "[::1]:9090"
 * ```
 */
export function urlHost(address: ListenAddress): string {
  return address.hostname.includes(":")
    ? `[${address.hostname}]:${address.port}`
    : `${address.hostname}:${address.port}`;
}
