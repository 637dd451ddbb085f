/**
 * The scenario sandbox end to end: what scenarios may not do fails with a
 * message naming the permission and ringo's flag, what the flags grant
 * works, and the sandbox holds when ringo itself runs from a URL.
 */
import { deepStrictEqual as assertEquals, match as assertMatch } from "node:assert/strict";
import { join } from "node:path";
import {
  DENO_FLAGS,
  lastLine,
  parseNdjson,
  PASSING_CALL,
  REPO,
  ringoFlow,
  scenarioDir,
} from "./e2e.ts";
import { serveRawFiles } from "../raw_file_host.ts";

const ESCAPES = `import { loadEnv, scenario } from "@ringo/flow";

scenario("runs a program", () => {
  new Deno.Command("id").outputSync();
});
scenario("reads /etc/passwd", async () => {
  await Deno.readTextFile("/etc/passwd");
});
scenario("writes a file", async () => {
  await Deno.writeTextFile(new URL("./out.txt", import.meta.url), "x");
});
scenario("reads HOME", () => {
  Deno.env.get("HOME");
});
scenario("opens a connection", async () => {
  await fetch("http://127.0.0.1:59999/");
});
scenario("loads an env file outside its folder", async () => {
  await loadEnv("/etc/environment");
});
scenario("reads its own folder", async () => {
  await Deno.readTextFile(new URL("./escapes.ts", import.meta.url));
});
`;

Deno.test("a scenario cannot escape its sandbox, and the failure says how to grant access", async () => {
  await using dir = await scenarioDir({ "escapes.ts": ESCAPES });
  const run = await ringoFlow(["run", dir.path, "--json"]);
  assertEquals(run.code, 1, run.stderr);
  const ends = parseNdjson(run.stdout).filter((e) => e.type === "scenario-end");
  const failure = (name: string) => {
    const end = ends.find((e) => e.name === name) as {
      status: string;
      error?: { message: string };
    };
    assertEquals(end.status, "failed", `${name} should fail`);
    return end.error!.message;
  };
  assertMatch(
    failure("runs a program"),
    /Requires run access to "id": scenarios may not run programs/,
  );
  assertMatch(
    failure("reads /etc/passwd"),
    /Requires read access to "\/etc\/passwd".*--allow-read=\/etc\/passwd/,
  );
  assertMatch(failure("writes a file"), /Requires write access .*scenarios may not write files/);
  assertMatch(
    failure("reads HOME"),
    /Requires env access to "HOME".*env\("HOME"\).*--allow-env=HOME/,
  );
  assertMatch(
    failure("opens a connection"),
    /Requires net access to "127\.0\.0\.1:59999".*--allow-net=127\.0\.0\.1:59999/,
  );
  assertMatch(
    failure("loads an env file outside its folder"),
    /may only read its own folder[\s\S]*--allow-read/,
  );
  assertEquals(ends.find((e) => e.name === "reads its own folder")?.status, "passed");
});

Deno.test("--allow-read and --allow-env grant scenarios exactly what they name", async () => {
  await using data = await scenarioDir({ "numbers.txt": "42\n" });
  await using dir = await scenarioDir({
    "granted.ts": `import { expect } from "@ringo/flow";
const text = await Deno.readTextFile(${JSON.stringify(join(data.path, "numbers.txt"))});
expect(text.trim()).toBe("42");
expect(Deno.env.get("RINGO_E2E_GRANTED")).toBe("yes");
`,
  });
  const run = await ringoFlow(
    ["run", dir.path, "--allow-read", data.path, "--allow-env", "RINGO_E2E_GRANTED"],
    { env: { RINGO_E2E_GRANTED: "yes" } },
  );
  assertEquals(run.code, 0, run.stdout + run.stderr);
});

Deno.test("run from a URL with --import-map, ringo still resolves @ringo/flow and keeps the sandbox", async () => {
  await using host = serveRawFiles();
  const entry = await ringoEntryPath();
  await using dir = await scenarioDir({
    "call.ts": PASSING_CALL,
    "escape.ts":
      `import { expect } from "@ringo/flow";\nexpect(1).toBe(1);\nnew Deno.Command("id").outputSync();\n`,
  });
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      ...DENO_FLAGS,
      "--import-map",
      `${host.url}/import_map.json`,
      `${host.url}/${entry[0]}`,
      ...entry.slice(1),
      "run",
      dir.path,
    ],
    cwd: dir.path,
    env: { NO_COLOR: "1", RUST_BACKTRACE: "0" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  assertEquals(output.code, 1, stdout + stderr);
  assertMatch(stdout, /✓ call\.ts › call/);
  assertMatch(
    stdout,
    /✗ escape\.ts › escape \(\d+ms\)\n\s+NotCapable: Requires run access to "id"/,
  );
  assertEquals(lastLine(stdout), "1 passed, 1 failed, 0 skipped");
});

/** The entry file relative to the repository, and the arguments before `run`. */
async function ringoEntryPath(): Promise<string[]> {
  try {
    const cli = await Deno.readTextFile(join(REPO, "cli/flow.ts"));
    await Deno.stat(join(REPO, "main.ts"));
    if (cli.includes("../flow/cli.ts")) return ["main.ts", "flow"];
  } catch {
    // not wired yet
  }
  return ["tests/flow/fixtures/flow_entry.ts"];
}
