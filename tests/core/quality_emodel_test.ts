import { assertEquals } from "../assert.ts";
import { callQuality, G711_NO_PLC, G711_PLC, mosFromR, rFactor } from "../../core/audio/emodel.ts";

const near = (a: number, b: number, tolerance = 0.01) => Math.abs(a - b) <= tolerance;

Deno.test("MOS from R follows G.107 Annex B at the G.109 category boundaries", () => {
  // G.109 Table 1: R 90 / 80 / 70 / 60 / 50 ↔ MOS 4.34 / 4.03 / 3.60 / 3.10 / 2.58.
  const points: Array<[number, number]> = [[90, 4.34], [80, 4.03], [70, 3.60], [60, 3.10], [
    50,
    2.58,
  ]];
  for (const [r, mos] of points) assertEquals(near(mosFromR(r), mos), true, `R=${r}`);
  assertEquals(near(mosFromR(93.2), 4.41), true); // G.107's default R
  assertEquals(mosFromR(-5), 1);
  assertEquals(mosFromR(120), 4.5);
});

Deno.test("R falls with delay (Id) and with loss (Ie,eff) as G.107 describes", async (t) => {
  await t.step("no delay, no loss: the default 93.2", () => {
    assertEquals(rFactor({ delayMs: 0, lossPercent: 0 }), 93.2);
  });
  await t.step("delay costs 0.024 per ms, and 0.11 more per ms past 177.3 ms", () => {
    assertEquals(near(rFactor({ delayMs: 100, lossPercent: 0 }), 93.2 - 2.4), true);
    assertEquals(
      near(rFactor({ delayMs: 277.3, lossPercent: 0 }), 93.2 - 0.024 * 277.3 - 11),
      true,
    );
  });
  await t.step("loss: Ie,eff = 95·Ppl/(Ppl + Bpl) for G.711 (Ie = 0), random loss", () => {
    assertEquals(
      near(93.2 - rFactor({ delayMs: 0, lossPercent: 1, codec: G711_NO_PLC }), 95 / 5.3),
      true,
    );
    assertEquals(
      near(93.2 - rFactor({ delayMs: 0, lossPercent: 1, codec: G711_PLC }), 95 / 26.1),
      true,
    );
    assertEquals(near(93.2 - rFactor({ delayMs: 0, lossPercent: 10 }), 950 / 14.3), true);
  });
  await t.step("10% loss without concealment is a poor call (MOS below 2)", () => {
    assertEquals(mosFromR(rFactor({ delayMs: 20, lossPercent: 10 })) < 2, true);
  });
});

Deno.test("quality from a CALL_RTCP report: units, loss share, and no figure before packets", () => {
  assertEquals(
    callQuality({ rx: { sent: 0, lost: 0, jit: 0 }, tx: { sent: 0 }, rtt: 0 }),
    undefined,
  );
  const clean = callQuality({ rx: { sent: 500, lost: 0, jit: 1250 }, rtt: 400 })!;
  assertEquals(clean, { mos: 4.4, rtt: 0.4, jitter: 1.25, packetLoss: 0 });
  const lossy = callQuality({ rx: { sent: 450, lost: 50, jit: 2000 }, rtt: 0 })!;
  assertEquals(lossy.packetLoss, 10);
  assertEquals(lossy.mos < 2, true);
});
