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

  await t.step("keeps stdout and stderr lines apart even when chunks interleave", () => {
    const log = new LogBuffer();
    log.push("ua: regis", "stdout");
    log.push("warning: x\n", "stderr");
    log.push("tering\n", "stdout");
    assertEquals(log.tail(2), ["warning: x", "ua: registering"]);
  });

  await t.step("with the SIP trace on, messages become readable blocks and are kept", () => {
    const log = new LogBuffer(5000, { sipTrace: { localPorts: [5070], now: () => 0 } });
    const seen: string[] = [];
    log.onSipMessage((m) => seen.push(m.startLine));
    log.push("call: connecting\n\x1b[36;1m#\nUDP 127.0.0.1:5070 -> 127.0.0.1:5080\nOPTIONS sip:b");
    log.push("@x SIP/2.0\r\nCall-ID: c1\r\nContent-Length: 2\r\n\r\nhi\x1b[;m\ndone\n");
    assertEquals(seen, ["OPTIONS sip:b@x SIP/2.0"]);
    assertEquals(log.sipMessages().map((m) => m.direction), ["sent"]);
    assertEquals(log.text().split("\n"), [
      "call: connecting",
      "── SIP sent 00:00:00.000 UDP 127.0.0.1:5070 → 127.0.0.1:5080 ──",
      "  OPTIONS sip:b@x SIP/2.0",
      "  Call-ID: c1",
      "  Content-Length: 2",
      "",
      "  hi",
      "done",
      "",
    ]);
  });
});
