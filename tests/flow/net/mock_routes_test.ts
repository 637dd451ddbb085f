import assert from "node:assert/strict";
import { describeRoute, MockRoutes } from "../../../flow/net/mock_routes.ts";
import type { WireRoute } from "../../../flow/net/wire.ts";

const answer = (body: string): WireRoute["action"] => ({
  kind: "static",
  response: { status: 200, headers: [], body },
});

function bodyOf(route: WireRoute | undefined): string | undefined {
  return route?.action.kind === "static" ? route.action.response.body : undefined;
}

Deno.test("mock routes pick exact paths over regexes and a method over any method", async (t) => {
  const routes = new MockRoutes();
  routes.set({ method: "*", path: { regex: "/calls/.*", flags: "" }, action: answer("any re") });
  routes.set({
    method: "POST",
    path: { regex: "/calls/.*", flags: "" },
    action: answer("post re"),
  });
  routes.set({ method: "*", path: { exact: "/calls/1" }, action: answer("any exact") });
  routes.set({ method: "get", path: { exact: "/calls/1" }, action: answer("get exact") });

  await t.step("an exact path for the method wins", () => {
    assert.equal(bodyOf(routes.match("GET", "/calls/1")), "get exact");
  });
  await t.step("an exact path for any method beats a regex for the method", () => {
    assert.equal(bodyOf(routes.match("POST", "/calls/1")), "any exact");
  });
  await t.step("among regexes the one for the method wins", () => {
    assert.equal(bodyOf(routes.match("POST", "/calls/2")), "post re");
    assert.equal(bodyOf(routes.match("DELETE", "/calls/2")), "any re");
  });
  await t.step("HEAD is answered by a GET route", () => {
    assert.equal(bodyOf(routes.match("HEAD", "/calls/1")), "get exact");
  });
  await t.step("nothing matches elsewhere", () => {
    assert.equal(routes.match("GET", "/other"), undefined);
  });
});

Deno.test("a regex route is anchored: it must match the whole path", () => {
  const routes = new MockRoutes();
  routes.set({ method: "*", path: { regex: "/calls/[0-9]+", flags: "" }, action: answer("call") });
  assert.equal(bodyOf(routes.match("GET", "/calls/12")), "call");
  assert.equal(routes.match("GET", "/calls/12/legs"), undefined);
  assert.equal(routes.match("GET", "/v1/calls/12"), undefined);
  assert.equal(routes.match("GET", "/calls/"), undefined);
});

Deno.test("registering the same method and path again replaces the answer in place", () => {
  const routes = new MockRoutes();
  routes.set({ method: "POST", path: { exact: "/hook" }, action: answer("first") });
  routes.set({ method: "POST", path: { exact: "/hook" }, action: answer("second") });
  assert.equal(routes.size, 1);
  assert.equal(bodyOf(routes.match("POST", "/hook")), "second");
  routes.set({ method: "GET", path: { exact: "/hook" }, action: answer("get") });
  assert.equal(routes.size, 2);
  assert.equal(bodyOf(routes.match("POST", "/hook")), "second");
});

Deno.test("routes are described as people write them", () => {
  assert.equal(describeRoute("POST", { exact: "/hook" }), "POST /hook");
  assert.equal(describeRoute("*", { regex: "/calls/.*", flags: "" }), "* re:/calls/.*");
});
