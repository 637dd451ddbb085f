/**
 * Turning what a scenario threw into a report: one readable message (with
 * the fix, when there is one), the stack with the scenario's URL shown as
 * its path, and the `file:line:column` of the scenario line that failed.
 *
 * @module
 */
import { CALL_SITE } from "../api/errors.ts";
import type { WireFailure, WireLocation } from "../protocol.ts";
import { explainDenied } from "./permissions.ts";

/** Errors whose message reads on its own, without the class name in front. */
const SELF_EXPLAINING = new Set([
  "AssertionError",
  "TimeoutError",
  "CallDroppedError",
  "UnawaitedError",
  "ScenarioAbort",
  "FlowError",
  "AgentError",
  "CapabilityError",
  "BaresipError",
  "EnvError",
  "DurationError",
]);

/**
 * Describes `error`, thrown by the scenario at `url` (shown as `file`).
 *
 * @example
 * ```ts
 * describeFailure(new TypeError("x is not a function"), "file:///f/call.ts", "call.ts");
 * // { message: "TypeError: x is not a function", stack: "…", location: { file: "call.ts", line: 3, column: 9 } }
 * ```
 */
export function describeFailure(error: unknown, url: string, file: string): WireFailure {
  if (!(error instanceof Error)) return { message: `uncaught value: ${String(error)}` };
  const shown = (text: string) => text.replaceAll(url, file);
  const name = error.name || "Error";
  const refused = refusedImport(error.message);
  const denied = refused ?? explainDenied(error.message);
  let message = denied ?? error.message;
  if (!SELF_EXPLAINING.has(name) && refused === undefined) message = `${name}: ${message}`;
  const hint = (error as { hint?: unknown }).hint;
  if (typeof hint === "string" && hint !== "") message += `\n  hint: ${hint}`;
  const stack = stackOf(error);
  const location = locate(`${stack ?? ""}\n${error.message}`, url, file);
  return {
    message: shown(message),
    ...(stack ? { stack: shown(scenarioFrames(stack)) } : {}),
    ...(location ? { location } : {}),
  };
}

/**
 * Describes a module that could not be loaded (syntax error, missing
 * import): the location is the one Deno names in the message.
 */
export function describeLoadError(error: unknown, url: string, file: string): WireFailure {
  const text = (error instanceof Error ? error.message : String(error)).replace(ANSI, "");
  // Deno reports syntax errors as `TypeError: SyntaxError: …` with a code frame.
  const stripped = text.replace(/^TypeError: /, "");
  // Read access denied while loading is an import from outside the readable folders.
  const message = refusedImport(stripped) ?? explainImport(stripped) ?? explainDenied(stripped) ??
    stripped;
  const location = locate(stripped, url, file) ?? { file, line: 1 };
  const shown = message.replaceAll(url, file).replace(/\n\s+at \S+:\d+:\d+\s*$/, "")
    .replace(/file:\/\/(\/[^\s"'`]*)/g, (_, path: string) => decodeURIComponent(path));
  return { message: shown, location };
}

/** The import guard's refusal (imports.ts), without the error names Deno wraps it in. */
function refusedImport(message: string): string | undefined {
  const match = /^(?:(?:Type)?Error: )*(import (?:".*"|of a \w+: module) refused: [^\n]*)/.exec(
    message,
  );
  return match?.[1];
}

/** A module the scenario imports lies outside what it may read. */
function explainImport(message: string): string | undefined {
  const match = /^Requires read access to "([^"]+)"/.exec(message);
  if (!match) return undefined;
  return `${match[0]}: a scenario may import modules from its own folder, or the folder given ` +
    `to ringo flow run; name a folder that holds the scenarios and their helpers with ` +
    `\`ringo flow run --root <dir>\`, or grant more with \`--allow-read=${match[1]}\``;
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * True when `error` means the module graph could not be loaded (a syntax
 * error, an import that does not resolve) rather than that its code threw.
 */
export function isLoadError(error: unknown): boolean {
  if (error instanceof SyntaxError) return true; // link errors: missing exports
  if (!(error instanceof TypeError)) return false;
  if (refusedImport(error.message)) return true;
  return /^(SyntaxError: |Module not found|Relative import path|Import ".*" not a dependency|Unable to load|Import ".*" failed|Unsupported scheme|Expected a JavaScript or TypeScript module|Requires \w+ access to)/
    .test(error.message);
}

/** The error's stack, or its name and message over the frames of the API call it came from. */
function stackOf(error: Error): string | undefined {
  const site = (error as { [CALL_SITE]?: string })[CALL_SITE];
  if (site === undefined) return error.stack;
  const frames = site.split("\n").slice(1).join("\n");
  return `${error.name}: ${error.message}${frames ? `\n${frames}` : ""}`;
}

/** ringo's own flow modules: their frames say nothing about the scenario. */
const FLOW_BASE = new URL("../", import.meta.url).href;

/** The stack without frames of ringo's flow modules and Deno's internals. */
function scenarioFrames(stack: string): string {
  return stack.split("\n").filter((line) =>
    !/^\s+at /.test(line) || !(line.includes(FLOW_BASE) || line.includes("ext:"))
  ).join("\n");
}

/** The first `url:line:column` in `text`, as a location in `file`. */
function locate(text: string, url: string, file: string): WireLocation | undefined {
  const escaped = url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(text);
  if (!match) return undefined;
  return { file, line: Number(match[1]), column: Number(match[2]) };
}
