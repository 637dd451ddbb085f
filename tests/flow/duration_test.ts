import assert from "node:assert/strict";
import { DurationError, formatDuration, parseDuration } from "../../flow/duration.ts";

Deno.test("parseDuration reads units, bare numbers as seconds, and compound forms", async (t) => {
  await t.step("each unit converts to milliseconds", () => {
    assert.equal(parseDuration("500ms"), 500);
    assert.equal(parseDuration("10s"), 10_000);
    assert.equal(parseDuration("2m"), 120_000);
    assert.equal(parseDuration("1h"), 3_600_000);
  });
  await t.step("fractions are allowed and rounded to whole milliseconds", () => {
    assert.equal(parseDuration("1.5s"), 1500);
    assert.equal(parseDuration(".25s"), 250);
    assert.equal(parseDuration("0.0004s"), 0);
  });
  await t.step("numbers and numeric strings are seconds", () => {
    assert.equal(parseDuration(10), 10_000);
    assert.equal(parseDuration(0.5), 500);
    assert.equal(parseDuration("2"), 2000);
    assert.equal(parseDuration(0), 0);
  });
  await t.step("spaces around and between number and unit are accepted", () => {
    assert.equal(parseDuration(" 10 s "), 10_000);
    assert.equal(parseDuration("1m30s"), 90_000);
    assert.equal(parseDuration("2m 03s"), 123_000);
    assert.equal(parseDuration("1h 02m 03s"), 3_723_000);
  });
});

Deno.test("parseDuration rejects what it cannot read with the expected forms in the message", async (t) => {
  await t.step("an unknown unit names the input", () => {
    assert.throws(() => parseDuration("10x"), {
      name: "DurationError",
      message:
        'invalid duration "10x": expected a number of seconds or a string like 500ms, 10s, 2m',
    });
  });
  for (const bad of ["", "s", "ms10", "1s 2m", "1s1s", "-1s", "1,5s", "10 seconds"]) {
    await t.step(`${JSON.stringify(bad)} is invalid`, () => {
      assert.throws(() => parseDuration(bad), DurationError);
    });
  }
  await t.step("negative and non-finite numbers are invalid", () => {
    assert.throws(() => parseDuration(-1), { message: /^invalid duration -1: expected/ });
    assert.throws(() => parseDuration(NaN), DurationError);
    assert.throws(() => parseDuration(Infinity), DurationError);
  });
  await t.step("a non-string, non-number says its type", () => {
    assert.throws(() => parseDuration(null as unknown as string), {
      message: /invalid duration null/,
    });
  });
});

Deno.test("formatDuration picks milliseconds, seconds or minutes by size", async (t) => {
  await t.step("under a second prints milliseconds", () => {
    assert.equal(formatDuration(0), "0ms");
    assert.equal(formatDuration(450), "450ms");
    assert.equal(formatDuration(450.4), "450ms");
  });
  await t.step("under a minute prints seconds with two decimals", () => {
    assert.equal(formatDuration(999.6), "1.00s");
    assert.equal(formatDuration(1234), "1.23s");
    assert.equal(formatDuration(59_990), "59.99s");
  });
  await t.step("a minute or more prints minutes and padded seconds", () => {
    assert.equal(formatDuration(59_996), "1m 00s");
    assert.equal(formatDuration(123_000), "2m 03s");
    assert.equal(formatDuration(3_723_000), "1h 02m 03s");
  });
  await t.step("the minute forms parse back", () => {
    assert.equal(parseDuration(formatDuration(123_000)), 123_000);
    assert.equal(parseDuration(formatDuration(1234)), 1230);
  });
  await t.step("negative or non-finite input throws", () => {
    assert.throws(() => formatDuration(-1), DurationError);
    assert.throws(() => formatDuration(NaN), DurationError);
  });
});
