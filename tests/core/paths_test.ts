import { assertEquals } from "../assert.ts";
import { ringoPaths } from "../../core/mod.ts";

Deno.test("ringo's folders follow XDG, with the defaults under HOME", () => {
  assertEquals(ringoPaths({ HOME: "/home/ann", XDG_RUNTIME_DIR: "/run/user/1000" }), {
    configDir: "/home/ann/.config/ringo",
    dataDir: "/home/ann/.local/share/ringo",
    sessionsDir: "/run/user/1000/ringo/sessions",
  });
  const set = ringoPaths({
    HOME: "/h",
    XDG_CONFIG_HOME: "/c",
    XDG_DATA_HOME: "/d",
    XDG_RUNTIME_DIR: "/r",
  });
  assertEquals([set.configDir, set.dataDir, set.sessionsDir], [
    "/c/ringo",
    "/d/ringo",
    "/r/ringo/sessions",
  ]);
});

Deno.test("without XDG_RUNTIME_DIR the sessions live in a per-user folder of the temp folder; relative XDG values are ignored", () => {
  const paths = ringoPaths({ HOME: "/home/ann", TMPDIR: "/var/tmp", XDG_DATA_HOME: "relative" });
  assertEquals(paths.sessionsDir, `/var/tmp/ringo-${Deno.uid()}/sessions`);
  assertEquals(paths.dataDir, "/home/ann/.local/share/ringo");
  assertEquals(ringoPaths({}).sessionsDir, `/tmp/ringo-${Deno.uid()}/sessions`);
});
