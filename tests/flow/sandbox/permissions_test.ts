import { deepStrictEqual as assertEquals, equal, match } from "node:assert/strict";
import { explainDenied, isReadable, workerPermissions } from "../../../flow/sandbox/permissions.ts";

Deno.test("a scenario worker may read its folders and nothing else unless granted", () => {
  assertEquals(workerPermissions(["/flows"]), {
    run: false,
    write: false,
    ffi: false,
    sys: false,
    import: false,
    read: ["/flows"],
    net: false,
    env: false,
  });
  const granted = workerPermissions(["/flows", "/repo"], {
    allowRead: ["/data"],
    allowNet: ["pbx.example.com:5060"],
    allowEnv: true,
  });
  assertEquals(granted.read, ["/flows", "/repo", "/data"]);
  assertEquals(granted.net, ["pbx.example.com:5060"]);
  equal(granted.env, true);
  equal(workerPermissions(["/f"], { allowNet: [] }).net, false);
  // ringo's own modules, for the sandbox's thread, come after the scenario's folders.
  assertEquals(workerPermissions(["/f"], {}, ["/ringo/flow/"]).read, ["/f", "/ringo/flow/"]);
});

Deno.test("denials without a target, and import and sys denials, name ringo's flags", () => {
  match(
    explainDenied("Requires env access, run again with the --allow-env flag")!,
    /^Requires env access: a Node module read the whole environment.*--allow-env=NAME/,
  );
  match(
    explainDenied(
      'Requires import access to "esm.sh:443", run again with the --allow-import flag',
    )!,
    /`ringo flow run --allow-import=esm\.sh:443`$/,
  );
  match(
    explainDenied('Requires sys access to "hostname", run again with the --allow-sys flag')!,
    /ringo has no flag to allow it/,
  );
});

Deno.test("--allow-import becomes Deno's import permission for hosts and jsr.io", () => {
  equal(workerPermissions(["/f"], { allowImport: ["npm:zod"] }).import, false);
  assertEquals(workerPermissions(["/f"], { allowImport: ["jsr:@std/assert"] }).import, [
    "jsr.io:443",
  ]);
  assertEquals(workerPermissions(["/f"], { allowImport: ["esm.sh"] }).import, ["esm.sh:443"]);
  equal(workerPermissions(["/f"], { allowImport: true }).import, true);
});

Deno.test("the sandbox grants read access to exactly the ringo modules its thread loads", async () => {
  const { RINGO_SANDBOX_MODULES } = await import("../../../flow/sandbox/permissions.ts");
  const info = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", new URL("../../../flow/sandbox/worker.ts", import.meta.url).pathname],
    stdout: "piped",
    stderr: "null",
  }).output();
  const graph = JSON.parse(new TextDecoder().decode(info.stdout)) as {
    modules: Array<{ specifier: string }>;
  };
  const files = graph.modules.map((m) => m.specifier).filter((s) => s.startsWith("file:"))
    .map((s) => new URL(s).pathname);
  const uncovered = files.filter((f) =>
    !RINGO_SANDBOX_MODULES.some((granted) => f === granted || f.startsWith(granted))
  );
  assertEquals(uncovered, []);
});

Deno.test("Deno's permission messages are rewritten to name ringo's flags", async (t) => {
  await t.step("read names --allow-read with the path", () => {
    match(
      explainDenied('Requires read access to "/etc/passwd", run again with the --allow-read flag')!,
      /^Requires read access to "\/etc\/passwd": .*`ringo flow run --allow-read=\/etc\/passwd`$/,
    );
  });
  await t.step("env suggests env() first", () => {
    match(
      explainDenied('Requires env access to "HOME", run again with the --allow-env flag')!,
      /env\("HOME"\).*--allow-env=HOME/,
    );
  });
  await t.step("run and write say there is no flag", () => {
    match(
      explainDenied('Requires run access to "id", run again with the --allow-run flag')!,
      /scenarios may not run programs \(ringo has no flag to allow it\)/,
    );
    match(
      explainDenied('Requires write access to "/tmp/x", run again with the --allow-write flag')!,
      /scenarios may not write files/,
    );
  });
  await t.step("other messages are left alone", () => {
    equal(explainDenied("x is not a function"), undefined);
  });
});

Deno.test("the host reads a file for a scenario only inside the scenario's readable paths", () => {
  equal(isReadable("/flows/secrets.env", ["/flows"]), true);
  equal(isReadable("/flows", ["/flows"]), true);
  equal(isReadable("/flows/../etc/passwd", ["/flows"]), false);
  equal(isReadable("/flowsx/a.env", ["/flows"]), false);
  equal(isReadable("/data/a.env", ["/flows", "/data"]), true);
});
