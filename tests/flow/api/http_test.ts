import assert from "node:assert/strict";
import { encodeBody, headerPairs, headerRecord } from "../../../flow/api/http.ts";

Deno.test("a request body is text, a form, or JSON with its content type", async (t) => {
  await t.step("an object is JSON with content-type application/json", () => {
    const headers: Array<[string, string]> = [];
    assert.equal(encodeBody({ to: "bob", n: [1] }, headers), '{"to":"bob","n":[1]}');
    assert.deepEqual(headers, [["content-type", "application/json"]]);
  });
  await t.step("a content type the scenario set is kept", () => {
    const headers: Array<[string, string]> = [["Content-Type", "application/vnd.api+json"]];
    encodeBody({ a: 1 }, headers);
    assert.deepEqual(headers, [["Content-Type", "application/vnd.api+json"]]);
  });
  await t.step("URLSearchParams is a form", () => {
    const headers: Array<[string, string]> = [];
    assert.equal(encodeBody(new URLSearchParams({ a: "1", b: "x y" }), headers), "a=1&b=x+y");
    assert.deepEqual(headers, [["content-type", "application/x-www-form-urlencoded"]]);
  });
  await t.step("a string is sent as it is, with no content type added", () => {
    const headers: Array<[string, string]> = [];
    assert.equal(encodeBody("raw", headers), "raw");
    assert.deepEqual(headers, []);
  });
});

Deno.test("headers: pairs from a record, a record with lower-case names from pairs", () => {
  assert.deepEqual(headerPairs({ "X-Count": 2, Accept: "text/plain" }), [
    ["X-Count", "2"],
    ["Accept", "text/plain"],
  ]);
  assert.deepEqual(headerRecord([["Set-Cookie", "a=1"], ["set-cookie", "b=2"], ["X-A", "y"]]), {
    "set-cookie": "a=1, b=2",
    "x-a": "y",
  });
  assert.throws(() => headerPairs([["", "x"]]), /a header name must be a non-empty string/);
});
