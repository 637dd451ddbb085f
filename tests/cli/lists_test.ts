import { assertEquals } from "../assert.ts";
import { splitList, withBareFlagValues } from "../../cli/lists.ts";

Deno.test("splitList joins repeated, comma-separated values and drops empty items", () => {
  assertEquals(splitList(["smoke,pbx", "slow", " a , ,b "]), ["smoke", "pbx", "slow", "a", "b"]);
  assertEquals(splitList([]), []);
});

Deno.test("withBareFlagValues gives a lone flag its default and otherwise takes the next argument", () => {
  const defaults = { "--save-audio": "ringo-audio", "--allow-net": "*" };
  assertEquals(
    withBareFlagValues(["run", "x.ts", "--save-audio", "--allow-net"], defaults),
    ["run", "x.ts", "--save-audio=ringo-audio", "--allow-net=*"],
  );
  assertEquals(
    withBareFlagValues(
      ["run", "--save-audio", "out", "--allow-net=127.0.0.1:80", "x.ts"],
      defaults,
    ),
    ["run", "--save-audio", "out", "--allow-net=127.0.0.1:80", "x.ts"],
  );
  assertEquals(
    withBareFlagValues(["run", "--", "--save-audio"], defaults),
    ["run", "--", "--save-audio"],
  );
});
