/**
 * Assertions for scenarios: `expect(value).toBe(...)` and friends, with
 * failure messages that name what was checked (`A state: expected
 * established, got ringing`) and a listener hook so the runner can report
 * every assertion, passed or failed.
 *
 * Where a label comes from, first match wins:
 * 1. the second argument of {@link expect}, or `.as(label)`;
 * 2. a value wrapped by {@link labelled}, or an object carrying a string
 *    under the {@link LABEL} symbol;
 * 3. the last read an agent getter reported with {@link noteRead}, when that
 *    read returned exactly (`Object.is`) the value passed to `expect`;
 * 4. the source installed with {@link setAutoLabel}, if any.
 *
 * @module
 */

/**
 * The symbol under which a value carries its label. It is a registered
 * symbol (`Symbol.for`), so a copy of this module loaded in another place
 * (a scenario worker, a bundled agent layer) agrees on it.
 *
 * @example
 * ```ts
 * const call = { id: "c1", [LABEL]: "A call" };
 * expect(call).toEqual({ id: "c2" }); // throws: A call: expected { id: "c2" }, got { id: "c1" }
 * ```
 */
export const LABEL: unique symbol = Symbol.for("ringo.label");

/** A value with the label it should be reported under; see {@link labelled}. */
export interface Labelled<T> {
  readonly [LABEL]: string;
  readonly value: T;
}

/**
 * Wraps a value with a label; {@link expect} unwraps it and uses the label.
 * Works for primitives too, which cannot carry a symbol property.
 *
 * @example
 * ```ts
 * expect(labelled("ringing", "A state")).toBe("established");
 * // throws: A state: expected established, got ringing
 * ```
 */
export function labelled<T>(value: T, label: string): Labelled<T> {
  return Object.freeze({ [LABEL]: label, value });
}

/**
 * A failed assertion. `expected` and `actual` hold the raw values (not their
 * formatting), `matcher` the matcher's name (`"toBe"`), `negated` whether it
 * was called through `.not`.
 *
 * @example
 * ```ts
 * try {
 *   expect(3).toBeGreaterThan(5);
 * } catch (error) {
 *   if (error instanceof AssertionError) error.matcher; // "toBeGreaterThan"
 * }
 * ```
 */
export class AssertionError extends Error {
  /** What the checked value is, e.g. `"A state"`, when known. */
  readonly label?: string;
  /** The value the matcher compared against (a regex for `toMatch`, `true` for `toBeTruthy`). */
  readonly expected: unknown;
  /** The value passed to `expect`. */
  readonly actual: unknown;
  /** The matcher's name, without `not.`. */
  readonly matcher: string;
  /** Whether the matcher was called through `.not`. */
  readonly negated: boolean;

  constructor(
    message: string,
    details: {
      label?: string;
      expected: unknown;
      actual: unknown;
      matcher: string;
      negated?: boolean;
    },
  ) {
    super(message);
    this.name = "AssertionError";
    this.label = details.label;
    this.expected = details.expected;
    this.actual = details.actual;
    this.matcher = details.matcher;
    this.negated = details.negated ?? false;
  }
}

/**
 * The matchers returned by {@link expect}. Each throws {@link AssertionError}
 * on failure and returns the matchers of the same value on success, so they
 * chain (`expect(code).toBeGreaterThanOrEqual(200).toBeLessThan(300)`); `.not`
 * negates only the matcher after it.
 */
export interface Matchers {
  /** Same value (`Object.is`). */
  toBe(expected: unknown): Matchers;
  /**
   * Deep equality: arrays, plain objects, `Map`, `Set`, `Date`, `RegExp` and
   * typed arrays compared by content; prototypes are ignored and object
   * keys whose value is `undefined` count as absent (like Jest's `toEqual`).
   */
  toEqual(expected: unknown): Matchers;
  /** The value is truthy. */
  toBeTruthy(): Matchers;
  /** The value is falsy. */
  toBeFalsy(): Matchers;
  /** A string containing a substring, or an array with an element that is (`Object.is`) the item. */
  toContain(item: unknown): Matchers;
  /** A string matching a regex, or containing a string. */
  toMatch(pattern: RegExp | string): Matchers;
  /** `actual > bound`; both numbers or both bigints. */
  toBeGreaterThan(bound: number | bigint): Matchers;
  /** `actual >= bound`. */
  toBeGreaterThanOrEqual(bound: number | bigint): Matchers;
  /** `actual < bound`. */
  toBeLessThan(bound: number | bigint): Matchers;
  /** `actual <= bound`. */
  toBeLessThanOrEqual(bound: number | bigint): Matchers;
  /** The value is not `undefined`. */
  toBeDefined(): Matchers;
  /** The value is `undefined`. */
  toBeUndefined(): Matchers;
  /**
   * An empty string, array, `Map`, `Set` or plain object (no own enumerable
   * keys); anything else is a misuse, reported as such.
   */
  toBeEmpty(): Matchers;
  /**
   * The value under test, so a checked value can be kept:
   * `const id = await until(() => expect(b.header("X-Id")).toBeDefined().value())`.
   */
  value(): unknown;
  /** The same matchers, each negated. */
  readonly not: Matchers;
  /** The same matchers, reporting under `label`. */
  as(label: string): Matchers;
}

/** What {@link onAssertion} listeners receive, once per matcher call. */
export interface AssertionReport {
  passed: boolean;
  /** On failure the error message; on success a sentence such as `A state is established`. */
  message: string;
  label?: string;
}

/**
 * Starts an assertion on `value`. See the module documentation for where
 * the label comes from when `label` is not given.
 *
 * @example
 * ```ts
 * expect(a.state).toBe("established");
 * expect(rtpPackets, "B received RTP packets").toBeGreaterThan(0);
 * expect(lastLog).not.toContain("error");
 * expect(elapsedMs).as("setup time").toBeLessThan(2000);
 * ```
 */
export function expect(value: unknown, label?: string): Matchers {
  const auto = takeAutoLabel(value);
  let actual = value;
  let carried: string | undefined;
  if (isLabelledWrapper(value)) {
    actual = value.value;
    carried = value[LABEL];
  } else if (isObject(value) && typeof value[LABEL] === "string") {
    carried = value[LABEL] as string;
  }
  return makeMatchers(actual, label ?? carried ?? auto, false);
}

/**
 * Called by agent getters when read: remembers `label` and the value
 * returned, so that an `expect(...)` of exactly that value (`Object.is`)
 * reports under `label`. Only the latest read is kept; each `expect` call
 * clears it.
 *
 * @example
 * ```ts
 * class AgentView {
 *   get state() {
 *     const state = this.#agent.state;
 *     noteRead(`${this.name} state`, state);
 *     return state;
 *   }
 * }
 * ```
 */
export function noteRead(label: string, value: unknown): void {
  lastRead = { label, value };
}

/**
 * Installs a fallback source of labels, asked with the value under test when
 * no noted read matches it; `undefined` removes it. Returns a function that
 * restores the previous source. A `() => string | undefined` fits too.
 *
 * @example
 * ```ts
 * const restore = setAutoLabel(() => bridge.lastLabel());
 * try {
 *   await scenario();
 * } finally {
 *   restore();
 * }
 * ```
 */
export function setAutoLabel(
  source: ((value: unknown) => string | undefined) | undefined,
): () => void {
  const previous = autoLabelSource;
  autoLabelSource = source;
  return () => {
    autoLabelSource = previous;
  };
}

/**
 * Returns the automatic label for `value` and clears the last noted read:
 * the noted read's label if its value is `Object.is` `value`, otherwise what
 * the source installed by {@link setAutoLabel} returns. {@link expect} calls it;
 * other assertion helpers may too.
 *
 * @example
 * ```ts
 * noteRead("A state", "ringing");
 * takeAutoLabel("ringing"); // "A state"
 * takeAutoLabel("ringing"); // undefined: the slot was cleared
 * ```
 */
export function takeAutoLabel(value: unknown): string | undefined {
  const read = lastRead;
  lastRead = undefined;
  if (read && Object.is(read.value, value)) return read.label;
  return autoLabelSource?.(value);
}

/**
 * Subscribes to every assertion made through {@link expect}; returns the
 * unsubscribe function. Listeners run synchronously, before a failing
 * matcher throws; a listener that throws makes the matcher throw its error.
 *
 * @example
 * ```ts
 * const stop = onAssertion((r) => write(JSON.stringify({ type: "assertion", ...r })));
 * try {
 *   await scenario();
 * } finally {
 *   stop();
 * }
 * ```
 */
export function onAssertion(listener: (report: AssertionReport) => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/**
 * Formats a value for an assertion message. Strings are quoted
 * (`"ringing"`), except with `bare: true`, which {@link expect} uses when the
 * assertion has a label, so state names read naturally
 * (`A state: expected established, got ringing`). The empty string is always
 * shown as `""`, and when bare output would make a failed `toBe`/`toEqual`
 * read `expected 1, got 1` (string vs number) both sides are quoted. Other values use `Deno.inspect` on one line; a plain
 * object's {@link LABEL} key is left out.
 *
 * @example
 * ```ts
 * formatValue("ringing"); // '"ringing"'
 * formatValue("ringing", { bare: true }); // "ringing"
 * formatValue({ a: [1, 2] }); // "{ a: [ 1, 2 ] }"
 * ```
 */
export function formatValue(value: unknown, options: { bare?: boolean } = {}): string {
  if (typeof value === "string") {
    return options.bare && value !== "" ? value : JSON.stringify(value);
  }
  return Deno.inspect(withoutLabel(value), {
    depth: 4,
    compact: true,
    breakLength: Infinity,
    strAbbreviateSize: 200,
    iterableLimit: 20,
  });
}

let lastRead: { label: string; value: unknown } | undefined;
let autoLabelSource: ((value: unknown) => string | undefined) | undefined;
const listeners = new Set<(report: AssertionReport) => void>();

/** One matcher's verdict, before negation. */
interface Check {
  pass: boolean;
  expected: unknown;
  /** Completes "expected <actual> …", e.g. `to be greater than 5`. */
  should: string;
  /** Completes "<subject> …" on success, e.g. `is greater than 5`. */
  is: string;
  /** Completes "<subject> …" on a negated success, e.g. `is not greater than 5`. */
  isNot: string;
  /** A whole failure message replacing "expected <actual> <should>" (positive only). */
  failure?: string;
  /** The matcher cannot apply to these values; fails with this message, negated or not. */
  misuse?: string;
}

function makeMatchers(actual: unknown, label: string | undefined, negated: boolean): Matchers {
  const fmt = (v: unknown) => formatValue(v, { bare: label !== undefined });
  const run = (matcher: string, check: (f: typeof fmt) => Check): Matchers => {
    const result = check(fmt);
    report(matcher, result, actual, label, negated, fmt);
    // The next matcher in a chain checks the same value, not negated.
    return negated ? makeMatchers(actual, label, false) : matchers;
  };
  const compare = (matcher: string, bound: number | bigint, op: string, words: string) =>
    run(matcher, () => {
      if (!isComparable(actual, bound)) {
        return {
          pass: false,
          expected: bound,
          should: words,
          is: words,
          isNot: words,
          misuse: `expected two numbers or two bigints for ${matcher}, ` +
            `got ${fmt(actual)} (${typeof actual}) and ${fmt(bound)} (${typeof bound})`,
        };
      }
      return {
        pass: ordered(actual, bound, op),
        expected: bound,
        should: `to be ${words} ${fmt(bound)}`,
        is: `is ${words} ${fmt(bound)}`,
        isNot: `is not ${words} ${fmt(bound)}`,
      };
    });

  const matchers: Matchers = {
    toBe: (expected) =>
      run("toBe", (f) => ({
        pass: Object.is(actual, expected),
        expected,
        should: `to be ${f(expected)}`,
        is: `is ${f(expected)}`,
        isNot: `is not ${f(expected)}`,
        failure: expectedGot(expected, actual, f),
      })),
    toEqual: (expected) =>
      run("toEqual", (f) => ({
        pass: deepEqual(actual, expected),
        expected,
        should: `to equal ${f(expected)}`,
        is: `equals ${f(expected)}`,
        isNot: `does not equal ${f(expected)}`,
        failure: expectedGot(expected, actual, f),
      })),
    toBeTruthy: () =>
      run("toBeTruthy", () => ({
        pass: Boolean(actual),
        expected: true,
        should: "to be truthy",
        is: "is truthy",
        isNot: "is not truthy",
      })),
    toBeFalsy: () =>
      run("toBeFalsy", () => ({
        pass: !actual,
        expected: false,
        should: "to be falsy",
        is: "is falsy",
        isNot: "is not falsy",
      })),
    toContain: (item) =>
      run("toContain", (f) => {
        const base = {
          expected: item,
          should: `to contain ${f(item)}`,
          is: `contains ${f(item)}`,
          isNot: `does not contain ${f(item)}`,
        };
        if (typeof actual === "string") {
          if (typeof item !== "string") {
            return {
              ...base,
              pass: false,
              misuse: `expected a string item for toContain on a string, got ${f(item)}`,
            };
          }
          return { ...base, pass: actual.includes(item) };
        }
        if (Array.isArray(actual)) return { ...base, pass: actual.some((x) => Object.is(x, item)) };
        return {
          ...base,
          pass: false,
          misuse: `expected a string or an array for toContain, got ${f(actual)}`,
        };
      }),
    toMatch: (pattern) =>
      run("toMatch", (f) => {
        const shown = pattern instanceof RegExp ? String(pattern) : f(pattern);
        const base = {
          expected: pattern,
          should: `to match ${shown}`,
          is: `matches ${shown}`,
          isNot: `does not match ${shown}`,
        };
        if (typeof actual !== "string") {
          return {
            ...base,
            pass: false,
            misuse: `expected a string to match ${shown}, got ${f(actual)}`,
          };
        }
        const pass = pattern instanceof RegExp
          ? matchesOnce(pattern, actual)
          : actual.includes(pattern);
        return { ...base, pass };
      }),
    toBeGreaterThan: (bound) => compare("toBeGreaterThan", bound, ">", "greater than"),
    toBeGreaterThanOrEqual: (bound) =>
      compare("toBeGreaterThanOrEqual", bound, ">=", "greater than or equal to"),
    toBeLessThan: (bound) => compare("toBeLessThan", bound, "<", "less than"),
    toBeLessThanOrEqual: (bound) =>
      compare("toBeLessThanOrEqual", bound, "<=", "less than or equal to"),
    toBeDefined: () =>
      run("toBeDefined", () => ({
        pass: actual !== undefined,
        expected: undefined,
        should: "to be defined",
        is: "is defined",
        isNot: "is undefined",
      })),
    toBeUndefined: () =>
      run("toBeUndefined", () => ({
        pass: actual === undefined,
        expected: undefined,
        should: "to be undefined",
        is: "is undefined",
        isNot: "is defined",
      })),
    toBeEmpty: () =>
      run("toBeEmpty", (f) => {
        const size = sizeOf(actual);
        return {
          pass: size === 0,
          expected: undefined,
          should: "to be empty",
          is: "is empty",
          isNot: "is not empty",
          ...(size === undefined
            ? {
              misuse:
                `expected a string, an array, a Map, a Set or a plain object for toBeEmpty, got ${
                  f(actual)
                }`,
            }
            : {}),
        };
      }),
    value: () => actual,
    get not() {
      return makeMatchers(actual, label, !negated);
    },
    as: (newLabel) => makeMatchers(actual, newLabel, negated),
  };
  return matchers;
}

function report(
  matcher: string,
  check: Check,
  actual: unknown,
  label: string | undefined,
  negated: boolean,
  fmt: (v: unknown) => string,
): void {
  const prefix = label === undefined ? "" : `${label}: `;
  const passed = check.misuse === undefined && check.pass !== negated;
  let message: string;
  if (passed) {
    const subject = label ?? fmt(actual);
    message = `${subject} ${negated ? check.isNot : check.is}`;
  } else if (check.misuse !== undefined) {
    message = `${prefix}${check.misuse}`;
  } else if (negated) {
    message = `${prefix}expected ${fmt(actual)} not ${check.should}`;
  } else {
    message = `${prefix}${check.failure ?? `expected ${fmt(actual)} ${check.should}`}`;
  }
  const event: AssertionReport = label === undefined
    ? { passed, message }
    : { passed, message, label };
  for (const listener of [...listeners]) listener(event);
  if (!passed) {
    throw new AssertionError(message, {
      label,
      expected: check.expected,
      actual,
      matcher,
      negated,
    });
  }
}

/** `expected E, got A`, quoting strings after all when bare output would look the same ("1" vs 1). */
function expectedGot(expected: unknown, actual: unknown, fmt: (v: unknown) => string): string {
  const [e, a] = [fmt(expected), fmt(actual)];
  if (e !== a) return `expected ${e}, got ${a}`;
  return `expected ${formatValue(expected)}, got ${formatValue(actual)}`;
}

/** A plain object without its enumerable LABEL key, so messages do not show it. */
function withoutLabel(value: unknown): unknown {
  if (!isObject(value) || !Object.prototype.propertyIsEnumerable.call(value, LABEL)) return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const { [LABEL]: _label, ...rest } = value;
  return rest;
}

function isLabelledWrapper(value: unknown): value is Labelled<unknown> {
  if (!isObject(value) || typeof value[LABEL] !== "string") return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === "value";
}

function isObject(value: unknown): value is Record<PropertyKey, unknown> {
  return typeof value === "object" && value !== null;
}

/** The length of a string or array, the size of a Map or Set, the key count of a plain object. */
function sizeOf(value: unknown): number | undefined {
  if (typeof value === "string" || Array.isArray(value)) return value.length;
  if (value instanceof Map || value instanceof Set) return value.size;
  if (isObject(value)) {
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) return Object.keys(value).length;
  }
  return undefined;
}

function isComparable(a: unknown, b: unknown): a is number | bigint {
  return (typeof a === "number" && typeof b === "number") ||
    (typeof a === "bigint" && typeof b === "bigint");
}

function ordered(a: number | bigint, b: number | bigint, op: string): boolean {
  switch (op) {
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    default:
      return a <= b;
  }
}

/** Tests a regex without being affected by (or changing) a global regex's `lastIndex`. */
function matchesOnce(pattern: RegExp, text: string): boolean {
  return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, "")).test(text);
}

function deepEqual(a: unknown, b: unknown, seen = new Map<object, object>()): boolean {
  if (Object.is(a, b)) return true;
  if (!isObject(a) || !isObject(b)) return false;
  if (seen.get(a) === b) return true; // a cycle already being compared
  seen.set(a, b);
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && Object.is(a.getTime(), b.getTime());
  }
  if (a instanceof RegExp || b instanceof RegExp) {
    return a instanceof RegExp && b instanceof RegExp && String(a) === String(b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) return typedEqual(a, b);
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map) || a.size !== b.size) return false;
    for (const [key, value] of a) {
      if (!b.has(key) || !deepEqual(value, b.get(key), seen)) return false;
    }
    return true;
  }
  if (a instanceof Set || b instanceof Set) {
    if (!(a instanceof Set && b instanceof Set) || a.size !== b.size) return false;
    for (const item of a) {
      if (!b.has(item) && ![...b].some((other) => deepEqual(item, other, seen))) return false;
    }
    return true;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length !== b.length) return false;
  const keys = new Set([...definedKeys(a), ...definedKeys(b)]);
  for (const key of keys) {
    if (!deepEqual(a[key], b[key], seen)) return false;
  }
  return true;
}

function definedKeys(value: Record<PropertyKey, unknown>): string[] {
  return Object.keys(value).filter((key) => value[key] !== undefined);
}

function typedEqual(a: object, b: object): boolean {
  if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b)) return false;
  if (a.constructor !== b.constructor || a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.every((byte, i) => byte === y[i]);
}
