import { assertEquals } from "../assert.ts";
import { LogBuffer } from "../../core/mod.ts";

Deno.test("log buffer", async (t) => {
  await t.step("joins chunks into lines and strips colours and baresip's status line", () => {
    const log = new LogBuffer();
    const seen: string[] = [];
    log.onLine((l) => seen.push(l));
    log.push("\x1b[31mua: init");
    log.push(
      " failed\x1b[;m\n[0:00:01] audio=0/0 (bit/s)    [0:00:02] audio=0/0 (bit/s)    audio: send DTMF digit: '1'\n",
    );
    assertEquals(seen, ["ua: init failed", "audio: send DTMF digit: '1'"]);
  });

  await t.step("keeps only the last lines and says how many were dropped", () => {
    const log = new LogBuffer(2);
    log.push("a\nb\nc\n");
    assertEquals(log.tail(5), ["b", "c"]);
    assertEquals(log.text(), "… 1 earlier lines dropped\nb\nc\n");
  });

  await t.step("flush keeps an unterminated last line", () => {
    const log = new LogBuffer();
    log.push("partial");
    assertEquals(log.tail(1), []);
    log.flush();
    assertEquals(log.tail(1), ["partial"]);
  });
});
