/**
 * Files with several scenarios: `setup`, `scenario`, `scenario.each`,
 * `teardown`, and `skip` at run time.
 *
 * Per scenario the runner calls `setup()` (its return value is the
 * context), then the scenario's body with that context, then `teardown`
 * with the same context — teardown runs whenever setup succeeded, even if
 * the body failed or timed out. Afterwards every agent the scenario started
 * is stopped. A file without any `scenario()` call is one scenario itself,
 * named after the file.
 *
 * @module
 */
import { parseDuration } from "../duration.ts";
import type { Duration } from "./agent.ts";
import { FlowError, SkipSignal } from "./errors.ts";
import { runtime } from "./runtime.ts";

/** Options of {@link scenario}. */
export interface ScenarioOptions {
  /** Tags for `--tag` / `--exclude-tag`. */
  tags?: string[];
  /** `true` or a reason: report the scenario as skipped instead of running it. */
  skip?: boolean | string;
  /** Run only scenarios marked `only` (among those the command line selects). */
  only?: boolean;
  /** This scenario's time limit, instead of `--timeout` (default 60s). */
  timeout?: Duration;
  /**
   * With `ringo flow run --jobs N`, this scenario may run at the same time
   * as the file's other scenarios, in a sandbox of its own (the file is
   * loaded again there: module-level variables are not shared with them).
   * Without it a file's scenarios run one after another; files run in
   * parallel either way. See also {@link concurrent}.
   */
  concurrent?: boolean;
}

/**
 * The context `setup()` returned, as scenario bodies and `teardown` receive
 * it. Annotate the parameter to type it: `async ({ a, b }: Pair) => …`.
 */
// deno-lint-ignore no-explicit-any
export type Context = any;

/** A scenario's body: receives the context returned by `setup()`. */
export type ScenarioBody = (context: Context) => unknown;

/**
 * Declares a scenario of this file.
 *
 * @example
 * ```ts
 * scenario("B declines", { tags: ["loopback"] }, async ({ a, b }) => {
 *   await a.dial(b);
 *   await until(() => expect(b.state).toBe(State.Ringing));
 *   await b.reject();
 *   await until(() => expect(a.statusCode).toBe(486));
 * });
 * ```
 */
export function scenario(name: string, body: ScenarioBody): void;
export function scenario(name: string, options: ScenarioOptions, body: ScenarioBody): void;
export function scenario(
  name: string,
  optionsOrBody: ScenarioOptions | ScenarioBody,
  maybeBody?: ScenarioBody,
): void {
  const [options, body] = typeof optionsOrBody === "function"
    ? [{}, optionsOrBody]
    : [optionsOrBody ?? {}, maybeBody];
  declareScenario(name, options, body);
}

/**
 * Declares one scenario per row of `table`. The name may use `$key` (a
 * property of an object row) or `$0`, `$1`… (an element of an array row;
 * `$0` is the row itself when it is neither). The body receives the row,
 * then the context.
 *
 * @example
 * ```ts
 * scenario.each([
 *   { digits: "123#" },
 *   { digits: "*0" },
 * ])("DTMF $digits arrives", async ({ digits }, { a, b }) => {
 *   await a.dtmf(digits);
 *   await until(() => expect(b.dtmfReceived).toBe(digits));
 * });
 * ```
 */
scenario.each = function each<Row>(table: readonly Row[]) {
  if (!Array.isArray(table)) {
    throw new FlowError(`scenario.each() needs an array of rows, got ${typeof table}`);
  }
  function declare(name: string, body: (row: Row, context: Context) => unknown): void;
  function declare(
    name: string,
    options: ScenarioOptions,
    body: (row: Row, context: Context) => unknown,
  ): void;
  function declare(
    name: string,
    optionsOrBody: ScenarioOptions | ((row: Row, context: Context) => unknown),
    maybeBody?: (row: Row, context: Context) => unknown,
  ): void {
    const [options, body] = typeof optionsOrBody === "function"
      ? [{}, optionsOrBody]
      : [optionsOrBody ?? {}, maybeBody];
    if (typeof body !== "function") {
      throw new FlowError(`scenario.each(…)(${JSON.stringify(name)}) needs a body function`);
    }
    for (const row of table) {
      declareScenario(interpolate(name, row), options, (context: Context) => body(row, context));
    }
  }
  return declare;
};

/**
 * Runs before each scenario of the file; what it returns is the context
 * passed to the scenario body and to `teardown`.
 *
 * @example
 * ```ts
 * setup(async () => ({ a: await agent("A"), b: await agent("B") }));
 * ```
 */
export function setup(fn: () => unknown): void {
  const rt = runtime();
  if (typeof fn !== "function") throw new FlowError("setup() needs a function");
  if (rt.registry.setup) throw new FlowError("setup() is called twice in this file");
  rt.registry.setup = fn;
}

/**
 * Runs after each scenario of the file (when `setup` succeeded), even when
 * the scenario failed or timed out; receives the context.
 *
 * @example
 * ```ts
 * teardown(async ({ a }) => {
 *   if (a.state !== State.Idle) await a.hangup();
 * });
 * ```
 */
export function teardown(fn: (context: Context) => unknown): void {
  const rt = runtime();
  if (typeof fn !== "function") throw new FlowError("teardown() needs a function");
  if (rt.registry.teardown) throw new FlowError("teardown() is called twice in this file");
  rt.registry.teardown = fn;
}

/**
 * Marks every scenario of this file `concurrent`: with `ringo flow run
 * --jobs N` they may run at the same time, each in a sandbox of its own
 * (which loads the file anew, so they share no module-level variable).
 * Call it at the top level; `concurrent(false)` takes it back.
 *
 * @example
 * ```ts
 * concurrent();
 * scenario("A calls B", async () => { … });
 * scenario("C calls D", async () => { … }); // may run beside the first
 * ```
 */
export function concurrent(enabled = true): void {
  const rt = runtime();
  if (rt.scenarioId !== undefined) {
    throw new FlowError("concurrent() must be called at the top level of a file", {
      hint: "or give a single scenario the option: scenario(name, { concurrent: true }, body)",
    });
  }
  rt.registry.concurrent = enabled === true;
}

/**
 * Ends the running scenario as skipped (not failed), e.g. when what it
 * needs is not configured.
 *
 * @example
 * ```ts
 * if (!env("SIP_DOMAIN")) skip("no PBX configured");
 * ```
 */
export function skip(reason?: string): never {
  throw new SkipSignal(reason);
}

function declareScenario(name: string, options: ScenarioOptions, body: unknown): void {
  const rt = runtime();
  if (typeof name !== "string" || name.trim() === "") {
    throw new FlowError(`scenario() needs a name, got ${JSON.stringify(name)}`);
  }
  if (typeof body !== "function") {
    throw new FlowError(`scenario(${JSON.stringify(name)}) needs a body function`);
  }
  const tags = options.tags ?? [];
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== "string")) {
    throw new FlowError(`scenario(${JSON.stringify(name)}): tags must be an array of strings`);
  }
  rt.declare({
    name,
    tags: [...tags],
    ...(options.skip !== undefined ? { skip: options.skip } : {}),
    ...(options.only !== undefined ? { only: options.only } : {}),
    ...(options.timeout !== undefined ? { timeoutMs: parseDuration(options.timeout) } : {}),
    ...(options.concurrent === true ? { concurrent: true } : {}),
    body: body as ScenarioBody,
  });
}

/** Replaces `$key` / `$0` in a scenario.each name with the row's values. */
function interpolate(name: string, row: unknown): string {
  return name.replace(/\$(\w+)/g, (whole, key: string) => {
    let value: unknown;
    if (Array.isArray(row)) value = /^\d+$/.test(key) ? row[Number(key)] : undefined;
    else if (typeof row === "object" && row !== null) value = (row as Record<string, unknown>)[key];
    else if (key === "0") value = row;
    if (value === undefined) return whole;
    return typeof value === "string" ? value : JSON.stringify(value);
  });
}
