import { deepStrictEqual as assertEquals, equal, match } from "node:assert/strict";
import { describeFailure, describeLoadError, isLoadError } from "../../../flow/sandbox/failure.ts";

const URL_ = "file:///flows/call.ts";

Deno.test("a failure points at the scenario's first frame and shows its path", () => {
  const error = new TypeError("a.dail is not a function");
  error.stack = `TypeError: a.dail is not a function
    at helper (file:///ringo/flow/api/agent.ts:10:3)
    at file:///flows/call.ts:7:11
    at file:///flows/call.ts:2:1`;
  const failure = describeFailure(error, URL_, "flows/call.ts");
  equal(failure.message, "TypeError: a.dail is not a function");
  assertEquals(failure.location, { file: "flows/call.ts", line: 7, column: 11 });
  match(failure.stack!, /at flows\/call\.ts:7:11/);
});

Deno.test("ringo's own errors read without their class name, with the hint below", () => {
  const error = Object.assign(new Error('agent "A" cannot hold: it has no established call'), {
    name: "AgentError",
    hint: "dial first",
  });
  equal(
    describeFailure(error, URL_, "call.ts").message,
    'agent "A" cannot hold: it has no established call\n  hint: dial first',
  );
});

Deno.test("thrown non-errors are described too", () => {
  equal(describeFailure("oops", URL_, "call.ts").message, "uncaught value: oops");
});

Deno.test("module load errors are told apart from errors the code threw", () => {
  equal(isLoadError(new TypeError('Module not found "file:///x.ts".')), true);
  equal(isLoadError(new TypeError("SyntaxError: Expression expected")), true);
  equal(
    isLoadError(new SyntaxError("The requested module does not provide an export named 'x'")),
    true,
  );
  equal(isLoadError(new TypeError("Cannot read properties of undefined (reading 'state')")), false);
  equal(isLoadError(new Error("boom")), false);
});

Deno.test("a syntax error's location comes from Deno's message, without colors", () => {
  const error = new TypeError(
    "SyntaxError: Expected ',', got ';'\n    at \x1b[36mfile:///flows/call.ts\x1b[0m:\x1b[33m3\x1b[0m:\x1b[33m26\x1b[0m",
  );
  const failure = describeLoadError(error, URL_, "call.ts");
  assertEquals(failure.location, { file: "call.ts", line: 3, column: 26 });
  equal(failure.message, "SyntaxError: Expected ',', got ';'");
});
