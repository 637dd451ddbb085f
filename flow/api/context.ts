/**
 * What a scenario reads from and writes to its run: variables (`env`,
 * `loadEnv`), log lines (`log`), measured values (`metric`), and unique ids
 * (`uuid`).
 *
 * @module
 */
import { runtime } from "./runtime.ts";

/**
 * The value of a scenario variable. Looked up, highest priority first, in
 * files loaded with {@link loadEnv}, the `--env-file`, the scenario's
 * sibling env file (`call.ts` → `call.env`), and the environment ringo runs
 * in. Throws an `EnvError` naming every place looked in when it is unset.
 *
 * @example
 * ```ts
 * const a = await agent("A", { username: env("A_USER"), domain: env("SIP_DOMAIN") });
 * ```
 */
export function env(name: string): string {
  if (typeof name !== "string" || name === "") {
    throw new TypeError(`env() needs a variable name, got ${JSON.stringify(name)}`);
  }
  return runtime().env(name);
}

/**
 * Reads an env file and puts its variables above every other source. A
 * relative path is resolved from the scenario's folder; the file must be
 * readable by the scenario (its folder, or `--allow-read`).
 *
 * @example
 * ```ts
 * await loadEnv("secrets.env");
 * ```
 */
export async function loadEnv(path: string): Promise<void> {
  if (typeof path !== "string" || path === "") {
    throw new TypeError(`loadEnv() needs a file path, got ${JSON.stringify(path)}`);
  }
  await runtime().call("env.load", [path]);
}

/**
 * Adds a line to the scenario's report (shown under a failed scenario, and
 * always with `-v`; an event in `--json`). Non-strings are shown as JSON.
 *
 * @example
 * ```ts
 * log(`B answered after ${Date.now() - t0} ms`);
 * log(a); // the agent's state as JSON
 * ```
 */
export function log(message: unknown): void {
  const text = typeof message === "string" ? message : safeJson(message);
  runtime().log(text, "info");
}

/**
 * Records a measured value of the running scenario (a webhook's latency, a
 * count): a `metric` event in `--json` output, a property of the scenario's
 * JUnit test case, and a line under the scenario with `--metrics`.
 *
 * @example
 * ```ts
 * const t0 = performance.now();
 * await until(() => expect(hooks.requestCount("/route")).toBe(1));
 * metric("webhook_latency", performance.now() - t0, "ms");
 * ```
 */
export function metric(name: string, value: number, unit?: string): void {
  if (typeof name !== "string" || !/^[\w.:-]{1,200}$/.test(name)) {
    throw new TypeError(
      `metric() needs a name of letters, digits, '_', '.', ':' or '-', got ${JSON.stringify(name)}`,
    );
  }
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(
      `metric(${JSON.stringify(name)}) needs a finite number, got ${String(value)}`,
    );
  }
  if (unit !== undefined && (typeof unit !== "string" || unit.length > 32)) {
    throw new TypeError(`metric(${JSON.stringify(name)}): the unit must be a short string`);
  }
  runtime().metric(name, value, unit);
}

/**
 * A random UUID (v4), e.g. for unique call subjects or header values.
 *
 * @example
 * ```ts
 * const tag = uuid(); // "6f1c…"
 * ```
 */
export function uuid(): string {
  return crypto.randomUUID();
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
