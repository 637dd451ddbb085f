/**
 * Dotted paths into JSON values, as `json("data.items.0.id")` reads them on
 * HTTP responses, mock requests and WebSocket messages: names select object
 * members, numbers select array elements. A path that leads nowhere is an
 * error naming the path and where it stopped.
 *
 * @module
 */
import { noteRead } from "../expect.ts";
import { FlowError } from "./errors.ts";

/**
 * Parses `text` as JSON and returns it, or the value at `path` in it.
 * `what` names the text in errors (`the response of GET http://…`); with a
 * `label`, an `expect` on the value is labelled `<label> json("<path>")`.
 *
 * @example
 * ```ts
 * jsonAt('{"data":{"items":[{"id":7}]}}', "data.items.0.id", "the body"); // 7
 * jsonAt('{"data":{}}', "data.items.0.id", "the body");
 * // throws: the body has no "data.items.0.id": "data" has no member "items" (members: none)
 * ```
 */
export function jsonAt<T = unknown>(
  text: string,
  path: string | undefined,
  what: string,
  label?: string,
): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FlowError(`${what} is not JSON: ${preview(text)}`);
  }
  const found = path === undefined || path === "" ? value : walk(value, path, what);
  if (label !== undefined && path) noteRead(`${label} json(${JSON.stringify(path)})`, found);
  return found as T;
}

/** The value at dotted `path` in `value`; see {@link jsonAt}. */
export function walk(value: unknown, path: string, what: string): unknown {
  const parts = path.split(".");
  let here = value;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const at = i === 0 ? "the top level" : JSON.stringify(parts.slice(0, i).join("."));
    const missing = (why: string) =>
      new FlowError(`${what} has no ${JSON.stringify(path)}: ${why}`, {
        hint: "check the path against the JSON (log it with log(…))",
      });
    if (Array.isArray(here)) {
      if (!/^\d+$/.test(part)) {
        throw missing(`${at} is an array, ${JSON.stringify(part)} is not an index`);
      }
      const index = Number(part);
      if (index >= here.length) {
        throw missing(`${at} has no element ${index} (length ${here.length})`);
      }
      here = here[index];
    } else if (here !== null && typeof here === "object") {
      if (!Object.hasOwn(here, part)) {
        const keys = Object.keys(here);
        throw missing(
          `${at} has no member ${JSON.stringify(part)} (members: ${
            keys.length ? keys.slice(0, 10).join(", ") : "none"
          })`,
        );
      }
      here = (here as Record<string, unknown>)[part];
    } else {
      throw missing(`${at} is ${here === null ? "null" : typeof here}, not an object or array`);
    }
  }
  return here;
}

/** The first 120 characters of `text`, quoted. */
export function preview(text: string): string {
  if (text === "") return "(empty)";
  const short = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  return JSON.stringify(short);
}
