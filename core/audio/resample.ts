/**
 * Sample-rate conversion and channel mapping for audio files that baresip's
 * `aufile` source must play at one fixed rate and channel count.
 *
 * @module
 */

/** Half-width of the windowed-sinc kernel, in input samples (at the lower rate). */
const KERNEL_HALF_WIDTH = 16;

/**
 * Resamples one channel from `fromRate` to `toRate` with a windowed-sinc
 * (Blackman) interpolator whose cut-off sits at the lower rate's Nyquist
 * frequency, so downsampling does not fold high frequencies back.
 *
 * @example
 * ```ts
 * const at48k = resample(samplesAt8k, 8000, 48000); // six times as many samples
 * ```
 */
export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return input.slice();
  const ratio = toRate / fromRate;
  const length = Math.round(input.length * ratio);
  const out = new Float32Array(length);
  // Cut-off relative to the input rate: 0.5 when upsampling, lower when downsampling.
  const cutoff = 0.5 * Math.min(1, ratio) * 0.95;
  const halfWidth = Math.ceil(KERNEL_HALF_WIDTH / Math.min(1, ratio));
  for (let i = 0; i < length; i++) {
    const center = i / ratio;
    const first = Math.max(0, Math.ceil(center - halfWidth));
    const last = Math.min(input.length - 1, Math.floor(center + halfWidth));
    let sum = 0;
    for (let j = first; j <= last; j++) {
      const x = j - center;
      sum += input[j] * 2 * cutoff * sinc(2 * cutoff * x) * blackman(x / halfWidth);
    }
    out[i] = sum;
  }
  return out;
}

/**
 * Maps channels: mono is copied to every output channel, more channels are
 * averaged to mono first.
 *
 * @example
 * ```ts
 * toChannels([left, right], 1); // [(left + right) / 2]
 * toChannels([mono], 2); // [mono, mono]
 * ```
 */
export function toChannels(channels: Float32Array[], count: number): Float32Array[] {
  if (channels.length === count) return channels;
  const mono = mixToMono(channels);
  return Array.from({ length: count }, () => mono);
}

/** The average of all channels. */
export function mixToMono(channels: Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0];
  const out = new Float32Array(channels[0]?.length ?? 0);
  for (const channel of channels) {
    for (let i = 0; i < out.length; i++) out[i] += channel[i] / channels.length;
  }
  return out;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/** Blackman window over [-1, 1]. */
function blackman(t: number): number {
  if (t <= -1 || t >= 1) return 0;
  const u = (t + 1) / 2;
  return 0.42 - 0.5 * Math.cos(2 * Math.PI * u) + 0.08 * Math.cos(4 * Math.PI * u);
}
