import { deepStrictEqual as assertEquals, rejects, throws } from "node:assert/strict";
import { join } from "node:path";
import { discoverScenarios, DiscoveryError, displayPath, withRoot } from "../../flow/discover.ts";

Deno.test("folders yield the .ts files that import @ringo/flow, sorted, recursively, without _helpers", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ringo-discover-test-" });
  try {
    const write = async (name: string, text: string) => {
      await Deno.mkdir(join(dir, name, ".."), { recursive: true });
      await Deno.writeTextFile(join(dir, name), text);
    };
    await write("b.ts", 'import { agent } from "@ringo/flow";\n');
    await write("a.ts", "import { scenario } from '@ringo/flow';\n");
    await write("sub/c.ts", 'import type { Agent } from "@ringo/flow";\n');
    await write("helper.ts", "export const x = 1;\n");
    await write("lib/util.ts", "export const y = 2;\n");
    await write("a_test.ts", 'import "@ringo/flow";\n');
    await write("_accounts.ts", 'import { env } from "@ringo/flow";\n');
    await write("node_modules/d.ts", 'import "@ringo/flow";\n');
    await write(".hidden/e.ts", 'import "@ringo/flow";\n');
    const files = await discoverScenarios([dir], dir);
    assertEquals(files.map((f) => f.file), ["a.ts", "b.ts", join("sub", "c.ts")]);
    assertEquals(files.every((f) => f.root === dir), true);

    const named = await discoverScenarios([join(dir, "helper.ts")], dir);
    assertEquals(named, [{ path: join(dir, "helper.ts"), file: "helper.ts", root: dir }]);
    await rejects(() => discoverScenarios([join(dir, "nope")], dir), DiscoveryError);
    await rejects(() => discoverScenarios([join(dir, "lib")], dir), /no scenario files/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("paths are shown relative to the current folder when inside it", () => {
  assertEquals(displayPath("/work/flows/call.ts", "/work"), "flows/call.ts");
  assertEquals(displayPath("/tmp/call.ts", "/work"), "/tmp/call.ts");
});

Deno.test("--root gives every file one folder to import from, and must hold them all", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "flows/smoke"), { recursive: true });
    await Deno.mkdir(join(dir, "elsewhere"));
    await Deno.writeTextFile(join(dir, "flows/smoke/call.ts"), `import "@ringo/flow";\n`);
    const files = await discoverScenarios(["flows/smoke"], dir);
    assertEquals(files[0].root, join(dir, "flows/smoke"));
    assertEquals(withRoot(files, "flows", dir).map((f) => f.root), [join(dir, "flows")]);
    throws(() => withRoot(files, "elsewhere", dir), /--root elsewhere does not contain/);
    throws(() => withRoot(files, "nope", dir), /--root nope: no such folder/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
