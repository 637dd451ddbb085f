/**
 * The Goertzel algorithm: the energy of one frequency in a block of
 * samples, without a full spectrum.
 *
 * @module
 */

/**
 * Squared magnitude of the DFT of `samples[start, start + length)` at
 * `hz`, for audio at `sampleRate`.
 *
 * @example
 * ```ts
 * const power = goertzelPower(samples, 0, 200, 1000, 8000);
 * ```
 */
export function goertzelPower(
  samples: ArrayLike<number>,
  start: number,
  length: number,
  hz: number,
  sampleRate: number,
): number {
  const w = 2 * Math.PI * hz / sampleRate;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = start; i < start + length; i++) {
    const s0 = samples[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

/**
 * The share of a block's energy that lies at `hz`: 1 for a pure sine at
 * `hz` spanning a whole number of cycles, near 0 for silence-free audio at
 * other frequencies, 0 for digital silence. (`2|X(hz)|² / (N · Σx²)`,
 * Parseval's relation for a rectangular window.)
 *
 * @example
 * ```ts
 * const tone = Float32Array.from({ length: 200 }, (_, i) => Math.sin(2 * Math.PI * 1000 * i / 8000));
 * toneShare(tone, 0, 200, 1000, 8000); // ≈ 1
 * toneShare(tone, 0, 200, 1400, 8000); // ≈ 0
 * ```
 */
export function toneShare(
  samples: ArrayLike<number>,
  start: number,
  length: number,
  hz: number,
  sampleRate: number,
): number {
  let energy = 0;
  for (let i = start; i < start + length; i++) energy += samples[i] * samples[i];
  if (energy === 0) return 0;
  return 2 * goertzelPower(samples, start, length, hz, sampleRate) / (length * energy);
}

/**
 * A block length close to `targetMs` that holds a whole number of cycles
 * of `hz` (so a tone at `hz` falls exactly on the Goertzel bin), searched
 * within ±25% of the target.
 *
 * @example
 * ```ts
 * windowLength(440, 8000, 25); // 200 samples: exactly 11 cycles
 * ```
 */
export function windowLength(hz: number, sampleRate: number, targetMs: number): number {
  const target = Math.round(sampleRate * targetMs / 1000);
  let best = target;
  let bestError = Infinity;
  // Nearest to the target first, so among equally good lengths the closest wins.
  for (let step = 0; step <= Math.round(target * 0.25); step++) {
    for (const n of step === 0 ? [target] : [target - step, target + step]) {
      const cycles = hz * n / sampleRate;
      const error = Math.abs(cycles - Math.round(cycles));
      if (error < bestError - 1e-9) {
        best = n;
        bestError = error;
      }
    }
  }
  return best;
}
