/**
 * Signal levels.
 *
 * @module
 */

/** The level of digital silence in {@link dbfs}. */
export const SILENCE_DBFS = -120;

/**
 * RMS level in dBFS: `20·log10(rms)`, so a full-scale square wave is
 * 0 dBFS and a full-scale sine −3 dBFS; digital silence is
 * {@link SILENCE_DBFS}.
 *
 * @example
 * ```ts
 * dbfs(Float32Array.of(0.5, -0.5)); // ≈ -6.02
 * ```
 */
export function dbfs(samples: ArrayLike<number>): number {
  if (samples.length === 0) return SILENCE_DBFS;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  const rms = Math.sqrt(sum / samples.length);
  return rms > 0 ? Math.max(SILENCE_DBFS, 20 * Math.log10(rms)) : SILENCE_DBFS;
}
