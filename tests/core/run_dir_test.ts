import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { join } from "node:path";
import { explainNetworkReason, hostOf, removeStaleRunDirs } from "../../core/mod.ts";

Deno.test("the run folders of dead processes are removed, live ones kept", async () => {
  const base = await Deno.makeTempDir({ prefix: "ringo-run-dir-test-" });
  try {
    // A PID above the kernel's maximum cannot run; our own PID and our parent's do.
    const dead = join(base, "ringo-run-4194399-0a1b2c3d");
    const mine = join(base, `ringo-run-${Deno.pid}-0a1b2c3d`);
    const other = join(base, "ringo-something-else");
    for (const d of [dead, mine, other]) {
      await Deno.mkdir(join(d, "agent-A-x"), { recursive: true });
    }
    await Deno.writeTextFile(join(dead, "agent-A-x", "accounts"), "<sip:a@b>;regint=0\n");
    assertEquals(await removeStaleRunDirs(base), [dead]);
    const left = [...Deno.readDirSync(base)].map((e) => e.name).sort();
    assertEquals(left, [`ringo-run-${Deno.pid}-0a1b2c3d`, "ringo-something-else"].sort());
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("an unresolvable host is named as such; other reasons pass through", () => {
  assertEquals(
    explainNetworkReason(
      "Destination address required",
      "sip:bob@nonexistent.invalid:5060;transport=tcp",
    ),
    'cannot resolve nonexistent.invalid (no DNS address for it; baresip: "Destination address required")',
  );
  assertEquals(
    explainNetworkReason("Destination address required [89]", "sip:alice@pbx.invalid"),
    'cannot resolve pbx.invalid (no DNS address for it; baresip: "Destination address required [89]")',
  );
  assertEquals(explainNetworkReason("486 Busy Here", "sip:b@h"), "486 Busy Here");
  assertEquals(hostOf("<sip:alice@[::1]:5060>"), "[::1]");
  assertEquals(hostOf("pbx.example.com:5070"), "pbx.example.com");
  ok(
    explainNetworkReason("Destination address required", undefined).startsWith(
      "cannot resolve the host",
    ),
  );
});
