/**
 * What a run writes stays where it belongs: folder names a scenario chooses
 * (`..`, slashes) stay inside --save-audio's folder, same-named scenarios
 * of different files do not collide, unwritable output places are usage
 * errors before any scenario runs, and a report that cannot be written at
 * the end is said in one sentence and kept elsewhere.
 */
import { deepStrictEqual as assertEquals, match as assertMatch, ok } from "node:assert/strict";
import { join } from "node:path";
import { listTree, ringoFlow, scenarioDir } from "./helpers.ts";

const TRAVERSAL = `import { agent, expect, scenario, State, until, wait } from "@ringo/flow";
scenario("..", async () => {
  const a = await agent("..");
  const b = await agent("../../escaped");
  await a.dial(b);
  await until(() => expect(b.state).toBe(State.Ringing));
  await b.accept();
  await until(() => expect(a.state).toBe(State.Established));
  await wait("500ms"); // audio frames to record: a call hung up at once may have none
  await a.hangup();
  await until(() => expect(b.state).toBe(State.Idle));
});
`;

const SAME_NAME = `import { scenario } from "@ringo/flow";
scenario("x", async () => {});
`;

Deno.test("names chosen by a scenario cannot lead its recordings out of --save-audio", async () => {
  await using dir = await scenarioDir({ "a/b.ts": TRAVERSAL, "a-b.ts": TRAVERSAL });
  const out = join(dir.path, "out", "audio");
  const before = listTree(dir.path).filter((p) => !p.startsWith("out"));
  const run = await ringoFlow(["run", dir.path, "--save-audio", out], { cwd: dir.path });
  assertEquals(run.code, 0, run.stdout + run.stderr);
  // Nothing beside the output folder changed; everything is inside it.
  assertEquals(listTree(dir.path).filter((p) => !p.startsWith("out")), before);
  const saved = listTree(out);
  ok(saved.some((p) => p.endsWith(".wav")), saved.join("\n"));
  // Two files whose names give the same folder name get two folders.
  const fileFolders = [...Deno.readDirSync(out)].map((e) => e.name).sort();
  assertEquals(fileFolders, ["a-b.ts", "a-b.ts-2"]);
  for (const folder of fileFolders) {
    const scenarios = [...Deno.readDirSync(join(out, folder))].map((e) => e.name);
    assertEquals(scenarios, ["_"]);
    const agents = [...Deno.readDirSync(join(out, folder, "_"))].map((e) => e.name).sort();
    assertEquals(agents, ["_", "_-..-escaped"]);
  }
});

Deno.test("an output place that cannot be written is a usage error before any scenario runs", async () => {
  await using dir = await scenarioDir({ "x.ts": SAME_NAME, "blocker": "a file" });
  const blocker = join(dir.path, "blocker");
  for (
    const [args, error] of [
      [["--junit", join(blocker, "report.xml")], /--junit .*blocker is a file, not a folder/],
      [["--junit", dir.path], /--junit .*: that is a folder, not a file/],
      [["--save-audio", join(blocker, "audio")], /--save-audio .*blocker is a file, not a folder/],
      [["--pcap", join(blocker, "sip") + "/"], /--pcap .*blocker is a file, not a folder/],
      [["--pcap", join(blocker, "run.pcap")], /--pcap .*blocker is a file, not a folder/],
      [
        ["--junit", "/proc/ringo-report.xml"],
        /--junit \/proc\/ringo-report\.xml: cannot write in \/proc/,
      ],
    ] as const
  ) {
    const run = await ringoFlow(["run", dir.path, ...args]);
    assertEquals(run.code, 2, `${args.join(" ")}: ${run.stdout}${run.stderr}`);
    assertMatch(run.stderr, error);
    ok(!run.stdout.includes("running"), "no scenario ran");
    ok(!/\n\s+at /.test(run.stderr), `no stack trace: ${run.stderr}`);
  }
});

Deno.test("a report that cannot be written at the end is one sentence, kept in the temp folder", async () => {
  await using dir = await scenarioDir({ "x.ts": SAME_NAME });
  await using tmp = await scenarioDir({});
  const run = await ringoFlow(["run", dir.path, "--junit", "/dev/full"], {
    env: { TMPDIR: tmp.path },
  });
  assertEquals(run.code, 2, run.stdout + run.stderr);
  assertMatch(run.stdout, /1 passed, 0 failed, 0 skipped/);
  assertMatch(
    run.stderr,
    /^error: cannot write the JUnit report \/dev\/full \(no space left on device\); it is in (\S+) instead$/m,
  );
  const kept = /it is in (\S+) instead/.exec(run.stderr)![1];
  assertMatch(await Deno.readTextFile(kept), /<testcase name="x"/);
  ok(!/\n\s+at /.test(run.stderr), run.stderr);
});

Deno.test("a report to a full stdout ends in one sentence, not a stack trace", async () => {
  await using dir = await scenarioDir({ "x.ts": SAME_NAME });
  const script = `${Deno.execPath()} run --unstable-kv --unstable-worker-options -A ${
    new URL("../../main.ts", import.meta.url).pathname
  } flow run ${dir.path} --json > /dev/full`;
  const output = await new Deno.Command("sh", {
    args: ["-c", script],
    env: { NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assertEquals(output.code, 2, stderr);
  assertMatch(
    stderr,
    /^error: cannot write the report to stdout \(no space left on device\); the rest of it is lost$/m,
  );
  ok(!/\n\s+at /.test(stderr), stderr);
});
