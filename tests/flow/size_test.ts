import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import { parseMebibytes } from "../../flow/size.ts";

Deno.test("memory sizes read as MiB", () => {
  assertEquals(parseMebibytes("512MB"), 512);
  assertEquals(parseMebibytes("512mib"), 512);
  assertEquals(parseMebibytes("2GB"), 2048);
  assertEquals(parseMebibytes("1.5g"), 1536);
  assertEquals(parseMebibytes("65536K"), 64);
  assertEquals(parseMebibytes("300"), 300);
  assertEquals(parseMebibytes("none"), 0);
  throws(() => parseMebibytes("lots"), /--memory-limit "lots": expected a size of 16MB or more/);
  throws(() => parseMebibytes("1MB"), /16MB or more/);
});
