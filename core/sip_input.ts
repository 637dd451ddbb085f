/**
 * The one check of every string that ends up in a SIP message or a baresip
 * command: dial and transfer targets, header names and values, account
 * fields (user, password, display name, domain…), DTMF, response reasons
 * and MESSAGE bodies. baresip copies such strings into the request line
 * and headers as they are, so a CR or LF would start a header of the
 * caller's choosing (`sip:b@host\r\nX-Injected: 1`), and a NUL would cut
 * the string short. Every control character is refused, with a sentence
 * naming the field; a MESSAGE body may hold line breaks and tabs (its
 * length is in Content-Length), never other control characters.
 *
 * The Agent verbs call these first, and {@link checkCommandParams} guards
 * every ctrl_tcp command, so no caller can send such a string to baresip.
 *
 * @module
 */
import { AgentError } from "./errors.ts";

/** Names of checked fields, as error messages say them. */
export type SipField =
  | "dial target"
  | "transfer target"
  | "attended transfer target"
  | "DTMF digits"
  | "response reason"
  | "MESSAGE body"
  | `header ${string}`
  | `account ${string}`
  | string;

/** RFC 3261 `token`: what a header name may be. */
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// deno-lint-ignore no-control-regex
const BODY_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Returns `value` when it holds no control character; else throws an
 * {@link AgentError} naming `field` and the character.
 *
 * @example
 * ```ts
 * requireSipText("dial target", "sip:b@127.0.0.1:5070"); // "sip:b@127.0.0.1:5070"
 * requireSipText("dial target", "sip:b@h\r\nX-Injected: 1");
 * // throws: the dial target cannot contain control characters (found CR at 8): …
 * ```
 */
export function requireSipText(field: SipField, value: string): string {
  if (typeof value !== "string") {
    throw new AgentError(`the ${field} must be a string, got ${JSON.stringify(value)}`);
  }
  const found = CONTROL.exec(value);
  if (found) throw controlError(field, found[0], found.index);
  return value;
}

/**
 * A SIP URI or address to call or transfer to: no control characters, no
 * spaces, and none of `<`, `>` or `"`, which would end the URI inside the
 * `To:` header baresip writes.
 *
 * @example
 * ```ts
 * requireTarget("dial target", "sip:b@127.0.0.1:5070");
 * requireTarget("transfer target", "sip:b@host> ;x"); // throws
 * ```
 */
export function requireTarget(field: SipField, value: string): string {
  requireSipText(field, value);
  const bad = /[\s<>"]/.exec(value.trim());
  if (bad) {
    throw new AgentError(
      `the ${field} cannot contain ${describeChar(bad[0])} (at ${bad.index}): ${
        JSON.stringify(value)
      } is not a SIP URI`,
      { hint: "give a URI such as sip:bob@pbx.example.com, user@host, or a number" },
    );
  }
  return value;
}

/**
 * Checks a custom header: the name is an RFC 3261 token, the value holds no
 * control character other than a tab.
 *
 * @example
 * ```ts
 * requireHeader("X-Customer", "42");
 * requireHeader("X-A", "1\r\nX-B: 2"); // throws
 * ```
 */
export function requireHeader(name: string, value: string): void {
  if (typeof name !== "string" || !TOKEN.test(name)) {
    throw new AgentError(
      `invalid header name ${JSON.stringify(name)}: expected letters, digits and -.!%*_+\`'~`,
    );
  }
  const found = CONTROL.exec(String(value).replaceAll("\t", " "));
  if (found) throw controlError(`header ${name}`, found[0], found.index);
}

/** A MESSAGE body: line breaks and tabs allowed, other control characters (NUL…) refused. */
export function requireMessageBody(value: string): string {
  const found = BODY_CONTROL.exec(value);
  if (found) throw controlError("MESSAGE body", found[0], found.index);
  return value;
}

/**
 * Checks every string of an account (its settings as a user wrote them):
 * each field, and each custom header.
 *
 * @example
 * ```ts
 * checkAccountText({ username: "alice", domain: "pbx", display_name: "A\nB" }); // throws: account display_name …
 * ```
 */
export function checkAccountText(account: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(account)) {
    if (key === "headers") {
      const pairs = Array.isArray(value) ? value : Object.entries(value ?? {});
      for (const [name, v] of pairs as Array<[string, unknown]>) requireHeader(name, String(v));
    } else if (typeof value === "string") {
      requireSipText(`account ${key === "password" ? "password" : key}`, value);
    }
  }
}

/**
 * The last guard before ctrl_tcp: a command's parameters may hold no CR,
 * LF or NUL (baresip's menu reads them up to the end of the line), except
 * the body of a `message`, which may hold line breaks.
 */
export function checkCommandParams(command: string, params: string | undefined): void {
  if (params === undefined) return;
  // deno-lint-ignore no-control-regex
  const pattern = command === "message" ? /\u0000/ : /[\r\n\u0000]/;
  const found = pattern.exec(params);
  if (found) throw controlError(`parameter of '${command}'`, found[0], found.index);
}

function controlError(field: string, char: string, index: number): AgentError {
  return new AgentError(
    `the ${field} cannot contain control characters (found ${describeChar(char)} at ${index}): ` +
      "they would end or cut the SIP line it is written into",
    { hint: "check where the value comes from (env(), an HTTP answer, a webhook)" },
  );
}

function describeChar(char: string): string {
  const names: Record<string, string> = {
    "\r": "CR",
    "\n": "LF",
    "\u0000": "NUL",
    "\t": "a tab",
    " ": "a space",
    "<": "'<'",
    ">": "'>'",
    '"': "'\"'",
  };
  const code = char.charCodeAt(0);
  if (names[char]) return names[char];
  if (code < 0x20 || code >= 0x7f) return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return "a space";
}
