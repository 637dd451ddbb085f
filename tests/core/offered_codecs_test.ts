import { assertEquals } from "../assert.ts";
import { offeredCodecs } from "../../core/config_overrides.ts";

Deno.test("offeredCodecs lists the codecs whose module is in the folder, in the default order", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ringo-codecs-" });
  try {
    for (const module of ["g711", "opus", "menu"]) {
      await Deno.writeTextFile(`${dir}/${module}.so`, "");
    }
    assertEquals(offeredCodecs(dir), ["opus", "PCMU", "PCMA"]);
    assertEquals(offeredCodecs(`${dir}/missing`), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
