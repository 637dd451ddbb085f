import { assertEquals } from "../assert.ts";
import { splitList, withBareFlagValues } from "../../cli/lists.ts";

Deno.test("splitList joins repeated, comma-separated values and drops empty items", () => {
  assertEquals(splitList(["smoke,pbx", "slow", " a , ,b "]), ["smoke", "pbx", "slow", "a", "b"]);
  assertEquals(splitList([]), []);
});

Deno.test("withBareFlagValues gives lone flags their default and leaves attached values alone", () => {
  const defaults = { "--save-audio": "ringo-audio", "--allow-net": "*" };
  assertEquals(
    withBareFlagValues(["run", "--save-audio", "x.ts", "--allow-net=127.0.0.1:80"], defaults),
    ["run", "--save-audio=ringo-audio", "x.ts", "--allow-net=127.0.0.1:80"],
  );
  assertEquals(
    withBareFlagValues(["run", "--", "--save-audio"], defaults),
    ["run", "--", "--save-audio"],
  );
});
