/**
 * Call quality from RTCP figures: a simplified ITU-T G.107 E-model.
 *
 * `R = 93.2 − Id − Ie,eff` with the G.107 default values for everything
 * but delay and loss, and:
 * - `Id` by Cole & Rosenbluth's fit of G.107's delay impairment:
 *   `0.024·d + 0.11·(d − 177.3)·H(d − 177.3)`, `d` the one-way delay in ms;
 * - `Ie,eff = Ie + (95 − Ie) · Ppl / (Ppl / BurstR + Bpl)` (G.107 eq. 7-29)
 *   with random loss (`BurstR = 1`) and G.711's `Ie = 0`, `Bpl = 4.3`
 *   without packet-loss concealment or `25.1` with it (G.113 Appendix I);
 * - `MOS = 1 + 0.035·R + R·(R − 60)·(100 − R)·7·10⁻⁶` for `0 < R < 100`
 *   (G.107 Annex B).
 *
 * @module
 */

/** Equipment impairment of a codec for the E-model. */
export interface CodecImpairment {
  /** `Ie`: impairment with no loss. */
  ie: number;
  /** `Bpl`: robustness against packet loss. */
  bpl: number;
}

/** G.711 with no packet-loss concealment (baresip as ringo runs it: no `plc` module). */
export const G711_NO_PLC: CodecImpairment = { ie: 0, bpl: 4.3 };
/** G.711 with packet-loss concealment (G.711 Appendix I). */
export const G711_PLC: CodecImpairment = { ie: 0, bpl: 25.1 };

/** R with no impairment but G.107's defaults (`Ro − Is`). */
export const R_DEFAULT = 93.2;

/** What {@link rFactor} needs. */
export interface EModelInput {
  /** One-way mouth-to-ear delay in ms. */
  delayMs: number;
  /** Packet loss in percent (0–100). */
  lossPercent: number;
  codec?: CodecImpairment;
}

/**
 * The transmission rating factor R (0–100, higher is better).
 *
 * @example
 * ```ts
 * rFactor({ delayMs: 0, lossPercent: 0 }); // 93.2
 * ```
 */
export function rFactor(input: EModelInput): number {
  const codec = input.codec ?? G711_NO_PLC;
  const d = Math.max(0, input.delayMs);
  const id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
  const ppl = Math.min(100, Math.max(0, input.lossPercent));
  const ieEff = codec.ie + (95 - codec.ie) * ppl / (ppl + codec.bpl);
  return R_DEFAULT - id - ieEff;
}

/**
 * The mean opinion score (1–4.5) for a rating factor R (G.107 Annex B).
 *
 * @example
 * ```ts
 * mosFromR(93.2); // ≈ 4.41
 * mosFromR(50); // ≈ 2.58
 * ```
 */
export function mosFromR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

/** RTCP figures of one direction of a call, as baresip reports them. */
export interface RtcpFigures {
  /** Packets counted (sent by the peer / received). */
  sent?: number;
  lost?: number;
  /** Inter-arrival jitter in microseconds. */
  jit?: number;
}

/** Call quality, as scenarios read it. */
export interface CallQuality {
  /** Mean opinion score, 1–4.5 (E-model). */
  mos: number;
  /** Round-trip time in ms. */
  rtt: number;
  /** Inter-arrival jitter of the received audio in ms. */
  jitter: number;
  /** Share of the received packets that were lost, in percent. */
  packetLoss: number;
}

/**
 * Quality of what an agent receives, from one `CALL_RTCP` report
 * (`rtcp_stats` with `jit` and `rtt` in microseconds). The one-way delay
 * is half the round trip plus a jitter buffer of twice the jitter plus one
 * 20 ms packet. Undefined for a report that counts no packets yet.
 *
 * @example
 * ```ts
 * callQuality({ rx: { sent: 500, lost: 0, jit: 1250 }, rtt: 400 });
 * // { mos: 4.4, rtt: 0.4, jitter: 1.25, packetLoss: 0 }
 * ```
 */
export function callQuality(
  stats: { rx?: RtcpFigures; tx?: RtcpFigures; rtt?: number },
  codec: CodecImpairment = G711_NO_PLC,
): CallQuality | undefined {
  const received = stats.rx?.sent ?? 0;
  const lost = Math.max(0, stats.rx?.lost ?? 0);
  if (received + lost === 0) return undefined;
  const packetLoss = 100 * lost / (received + lost);
  const rtt = (stats.rtt ?? 0) / 1000;
  const jitter = (stats.rx?.jit ?? 0) / 1000;
  const delayMs = rtt / 2 + 2 * jitter + 20;
  const mos = mosFromR(rFactor({ delayMs, lossPercent: packetLoss, codec }));
  return {
    mos: round(mos, 2),
    rtt: round(rtt, 1),
    jitter: round(jitter, 2),
    packetLoss: round(packetLoss, 2),
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
