/**
 * The few assertions the tests use, on top of `node:assert/strict`, with
 * `assertThrows` returning the error so a test can look at its fields.
 *
 * @module
 */
import { deepStrictEqual, match } from "node:assert/strict";

/** Deep, strict equality. */
export function assertEquals<T>(
  actual: unknown,
  expected: T,
  message?: string,
): asserts actual is T {
  if (message === undefined) deepStrictEqual(actual, expected);
  else deepStrictEqual(actual, expected, message);
}

/** The string matches the regular expression. */
export function assertMatch(value: string, regexp: RegExp, message?: string): void {
  if (message === undefined) match(value, regexp);
  else match(value, regexp, message);
}

/**
 * Asserts that `fn` throws an instance of `ErrorClass` whose message
 * includes `includes`, and returns the error.
 */
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  ErrorClass?: abstract new (...args: never[]) => E,
  includes?: string,
): E {
  try {
    fn();
  } catch (error) {
    check(error, ErrorClass, includes);
    return error as E;
  }
  throw new Error("expected the function to throw, but it returned");
}

/** Like {@link assertThrows} for a promise. */
export async function assertRejects<E extends Error = Error>(
  fn: () => Promise<unknown>,
  ErrorClass?: abstract new (...args: never[]) => E,
  includes?: string,
): Promise<E> {
  try {
    await fn();
  } catch (error) {
    check(error, ErrorClass, includes);
    return error as E;
  }
  throw new Error("expected the promise to reject, but it resolved");
}

function check(
  error: unknown,
  ErrorClass?: abstract new (...args: never[]) => Error,
  includes?: string,
): void {
  if (ErrorClass && !(error instanceof ErrorClass)) {
    throw new Error(
      `expected a ${ErrorClass.name}, got ${(error as Error)?.constructor?.name}: ${
        (error as Error)?.message
      }`,
    );
  }
  if (includes && !String((error as Error)?.message).includes(includes)) {
    throw new Error(
      `expected the error message to include ${JSON.stringify(includes)}, got ${
        JSON.stringify((error as Error)?.message)
      }`,
    );
  }
}
