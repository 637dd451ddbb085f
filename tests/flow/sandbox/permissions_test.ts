import { deepStrictEqual as assertEquals, equal, match } from "node:assert/strict";
import { explainDenied, isReadable, workerPermissions } from "../../../flow/sandbox/permissions.ts";

Deno.test("a scenario worker may read its folders and nothing else unless granted", () => {
  assertEquals(workerPermissions(["/flows"]), {
    run: false,
    write: false,
    ffi: false,
    sys: false,
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
