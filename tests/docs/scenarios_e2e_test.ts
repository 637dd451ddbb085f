/**
 * Every scenario in the README and in docs/ runs as written: each fenced
 * `ts` block that imports `@ringo/flow` is a scenario file, run with one
 * `ringo flow run` against the test PBX, a stand-in for the HTTP API the
 * examples call, and the files they name. Blocks without that import are
 * fragments of a scenario and are not run.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { basename, join, relative } from "node:path";
import { encodeWav } from "../../core/audio/wav.ts";
import { startPbx, TEST_USERS } from "../pbx/pbx.ts";
import { parseNdjson, REPO, ringoFlow, scenarioDir } from "../flow/e2e.ts";
import { freePort } from "../flow/net/ports.ts";

/** Markdown files whose scenarios are run: the README and everything below docs/. */
async function pages(): Promise<string[]> {
  const found = [join(REPO, "README.md")];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (entry.name.endsWith(".md")) found.push(path);
    }
  };
  await walk(join(REPO, "docs"));
  return found.sort();
}

/** The scenario blocks of a page, with a file name for each. */
async function scenarios(page: string): Promise<Array<{ name: string; code: string }>> {
  const text = await Deno.readTextFile(page);
  const stem = relative(REPO, page).replace(/\.md$/, "").replaceAll("/", "_");
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)]
    .map((m) => m[1])
    .filter((code) => /from "@ringo\/flow"/.test(code))
    .map((code, i) => ({ name: `${stem}_${i + 1}`, code }));
}

Deno.test("the scenarios of the README and docs/ pass as written", async () => {
  const blocks = (await Promise.all((await pages()).map(scenarios))).flat();
  // The README's, getting started's two, audio, http's two, writing scenarios', migrating's.
  assertEquals(blocks.length >= 8, true, blocks.map((b) => b.name).join(", "));

  await using pbx = await startPbx();
  // The HTTP API the examples call (docs/flow/http.md).
  const api = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const url = new URL(request.url);
    if (request.method === "POST" && url.pathname === "/calls") {
      return request.headers.get("authorization") === "Bearer docs-token"
        ? Response.json({ data: { call: { id: "c-1" } } }, { status: 201 })
        : new Response("unauthorized", { status: 401 });
    }
    return new Response("not found", { status: 404 });
  });
  try {
    const prompt = new Float32Array(8000).map((_, i) =>
      0.3 * Math.sin((2 * Math.PI * 440 * i) / 8000)
    );
    await using dir = await scenarioDir({
      ...Object.fromEntries(blocks.map((b) => [`flows/${b.name}.ts`, b.code])),
      "docs.env": [
        `SIP_DOMAIN=${pbx.domain}:${pbx.port}`,
        "A_USER=alice",
        `A_PASS=${TEST_USERS.alice}`,
        "B_USER=bob",
        `B_PASS=${TEST_USERS.bob}`,
        `API_URL=http://127.0.0.1:${api.addr.port}`,
        "API_TOKEN=docs-token",
        `WEBHOOK_PORT=${freePort()}`,
      ].join("\n"),
    });
    await Deno.mkdir(join(dir.path, "flows/prompts"));
    await Deno.writeFile(
      join(dir.path, "flows/prompts/welcome.wav"),
      encodeWav({ sampleRate: 8000, channels: [prompt] }),
    );
    const run = await ringoFlow(["run", "flows/", "--env-file", "docs.env", "--json"], {
      cwd: dir.path,
    });
    const ends = parseNdjson(run.stdout).filter((e) => e.type === "scenario-end");
    const bad = ends.filter((e) => e.status !== "passed").map((e) =>
      `${basename(String(e.file))} › ${e.name}: ${e.status} ${JSON.stringify(e.error ?? "")}`
    );
    assertEquals(bad, [], run.stdout + run.stderr);
    const files = new Set(ends.map((e) => basename(String(e.file), ".ts")));
    assertEquals([...files].sort(), blocks.map((b) => b.name).sort());
    assertEquals(run.code, 0);
  } finally {
    await api.shutdown();
  }
});
