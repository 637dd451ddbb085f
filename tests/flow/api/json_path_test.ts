import assert from "node:assert/strict";
import { jsonAt, preview, walk } from "../../../flow/api/json_path.ts";

const BODY = JSON.stringify({ data: { items: [{ id: 7, tags: [] }], total: 1, next: null } });

Deno.test("jsonAt reads names and array indexes separated by dots", () => {
  assert.equal(jsonAt(BODY, "data.items.0.id", "the body"), 7);
  assert.deepEqual(jsonAt(BODY, "data.items.0.tags", "the body"), []);
  assert.equal(jsonAt(BODY, "data.next", "the body"), null);
  assert.deepEqual(jsonAt(BODY, undefined, "the body"), JSON.parse(BODY));
  assert.deepEqual(jsonAt(BODY, "", "the body"), JSON.parse(BODY));
});

Deno.test("a path that leads nowhere is an error naming the path and where it stopped", async (t) => {
  const value = JSON.parse(BODY);
  const fails = (path: string, why: string) =>
    assert.throws(() => walk(value, path, "the body"), {
      name: "FlowError",
      message: `the body has no ${JSON.stringify(path)}: ${why}`,
    });
  await t.step("a missing member lists the members there", () => {
    fails("data.count", '"data" has no member "count" (members: items, total, next)');
    fails("meta", 'the top level has no member "meta" (members: data)');
  });
  await t.step("an index past the end gives the length", () => {
    fails("data.items.1.id", '"data.items" has no element 1 (length 1)');
  });
  await t.step("a name where an array is", () => {
    fails("data.items.first", '"data.items" is an array, "first" is not an index');
  });
  await t.step("going into a number or null", () => {
    fails("data.total.value", '"data.total" is number, not an object or array');
    fails("data.next.id", '"data.next" is null, not an object or array');
  });
});

Deno.test("a body that is not JSON says so with its beginning", () => {
  assert.throws(() => jsonAt("<html>oops</html>", "a", "the response of GET /x"), {
    message: 'the response of GET /x is not JSON: "<html>oops</html>"',
  });
  assert.equal(preview(""), "(empty)");
  assert.equal(preview("x".repeat(200)), JSON.stringify(`${"x".repeat(120)}…`));
});
