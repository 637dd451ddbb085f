import { assertEquals, assertThrows } from "../assert.ts";
import {
  decodeWav,
  encodeWav,
  parseWavHeader,
  WavError,
  withFixedSizes,
} from "../../core/audio/wav.ts";
import { WavTail } from "../../core/audio/wav_tail.ts";
import { convertForSource, prepareSource, SOURCE_FORMAT } from "../../core/audio/source.ts";
import { ToneDetector } from "../../core/audio/tone_detector.ts";

/** A WAV file built by hand: `fmt` fields and raw sample bytes. */
function wavBytes(
  format: { tag: number; channels: number; rate: number; bits: number; extensible?: boolean },
  data: Uint8Array,
  dataSize = data.length,
): Uint8Array {
  const fmtSize = format.extensible ? 40 : 16;
  const out = new Uint8Array(12 + 8 + fmtSize + 8 + data.length);
  const v = new DataView(out.buffer);
  const text = (at: number, s: string) => [...s].forEach((c, i) => (out[at + i] = c.charCodeAt(0)));
  text(0, "RIFF");
  v.setUint32(4, dataSize ? out.length - 8 : 0, true);
  text(8, "WAVE");
  text(12, "fmt ");
  v.setUint32(16, fmtSize, true);
  v.setUint16(20, format.extensible ? 0xfffe : format.tag, true);
  v.setUint16(22, format.channels, true);
  v.setUint32(24, format.rate, true);
  const block = format.channels * format.bits / 8;
  v.setUint32(28, format.rate * block, true);
  v.setUint16(32, block, true);
  v.setUint16(34, format.bits, true);
  if (format.extensible) {
    v.setUint16(36, 22, true);
    v.setUint16(38, format.bits, true);
    v.setUint16(44, format.tag, true); // sub-format GUID starts with the tag
  }
  const dataAt = 20 + fmtSize;
  text(dataAt, "data");
  v.setUint32(dataAt + 4, dataSize, true);
  out.set(data, dataAt + 8);
  return out;
}

Deno.test("WAV files of common layouts decode to the same samples", async (t) => {
  const values = [0, 0.5, -0.5, 0.25];
  await t.step("16-bit PCM written by encodeWav round-trips", () => {
    const audio = decodeWav(encodeWav({ sampleRate: 8000, channels: [Float32Array.from(values)] }));
    assertEquals(audio.sampleRate, 8000);
    assertEquals([...audio.channels[0]].map((x) => Math.round(x * 4) / 4), values);
  });
  await t.step("8-, 24- and 32-bit integers, 32-bit float and WAVE_FORMAT_EXTENSIBLE", () => {
    const u8 = Uint8Array.from(values, (x) => Math.round(x * 128 + 128));
    const i24 = new Uint8Array(values.length * 3);
    values.forEach((x, i) => {
      const v = Math.round(x * 8388608) & 0xffffff;
      i24.set([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff], i * 3);
    });
    const i32 = new Uint8Array(
      new Int32Array(values.map((x) => Math.round(x * 2147483647))).buffer,
    );
    const f32 = new Uint8Array(Float32Array.from(values).buffer);
    const cases: Array<[string, Uint8Array]> = [
      ["u8", wavBytes({ tag: 1, channels: 1, rate: 16000, bits: 8 }, u8)],
      ["s24", wavBytes({ tag: 1, channels: 1, rate: 44100, bits: 24 }, i24)],
      ["s32", wavBytes({ tag: 1, channels: 1, rate: 48000, bits: 32 }, i32)],
      ["f32", wavBytes({ tag: 3, channels: 1, rate: 22050, bits: 32 }, f32)],
      ["ext", wavBytes({ tag: 1, channels: 1, rate: 44100, bits: 24, extensible: true }, i24)],
    ];
    for (const [name, bytes] of cases) {
      const got = [...decodeWav(bytes).channels[0]].map((x) => Math.round(x * 100) / 100);
      assertEquals(got, values, name);
    }
  });
  await t.step("stereo samples are split into channels", () => {
    const audio = decodeWav(
      encodeWav({
        sampleRate: 8000,
        channels: [Float32Array.of(0.5, 0.5), Float32Array.of(-0.5, 0)],
      }),
    );
    assertEquals(audio.channels.length, 2);
    assertEquals(Math.round(audio.channels[1][0] * 2), -1);
  });
});

Deno.test("a WAV still being written (sizes 0) reads to its end and can be fixed", () => {
  const live = wavBytes(
    { tag: 1, channels: 1, rate: 8000, bits: 16 },
    new Uint8Array(new Int16Array([1000, 2000, 3000]).buffer),
    0,
  );
  assertEquals(parseWavHeader(live).declaredDataBytes, 0);
  assertEquals(decodeWav(live).channels[0].length, 3);
  const fixed = withFixedSizes(live);
  const view = new DataView(fixed.buffer);
  assertEquals(view.getUint32(4, true), fixed.length - 8);
  assertEquals(parseWavHeader(fixed).declaredDataBytes, 6);
});

Deno.test("files that are not WAV, or not PCM, are refused with the reason", () => {
  assertThrows(() => decodeWav(new TextEncoder().encode("ID3 not a wav")), WavError, "not a WAV");
  const adpcm = wavBytes({ tag: 2, channels: 1, rate: 8000, bits: 4 }, new Uint8Array(4));
  assertThrows(() => decodeWav(adpcm), WavError, "format tag 2");
});

Deno.test("a WAV that is still growing is read piece by piece", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/live.wav`;
    const header = wavBytes({ tag: 1, channels: 1, rate: 8000, bits: 16 }, new Uint8Array(0), 0);
    await Deno.writeFile(path, header);
    const tail = await WavTail.open(path, { fromEnd: true });
    assertEquals((await tail.read()).length, 0);
    await Deno.writeFile(
      path,
      new Uint8Array(new Int16Array([16384, -16384, 8192]).buffer).subarray(0, 5),
      {
        append: true,
      },
    );
    assertEquals([...await tail.read()], [0.5, -0.5]); // the odd byte waits for its pair
    await Deno.writeFile(path, Uint8Array.of(0x20), { append: true });
    assertEquals([...await tail.read()], [0.25]);
    tail.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a prompt is converted to what baresip's aufile plays: 48 kHz stereo, looped past 20 s", () => {
  const rate = 11025;
  const prompt = Float32Array.from(
    { length: rate },
    (_, i) => 0.5 * Math.sin(2 * Math.PI * 700 * i / rate),
  );
  const { wav, promptMs } = convertForSource(encodeWav({ sampleRate: rate, channels: [prompt] }));
  const audio = decodeWav(wav);
  assertEquals(audio.sampleRate, SOURCE_FORMAT.sampleRate);
  assertEquals(audio.channels.length, 2);
  assertEquals(Math.round(promptMs), 1000);
  assertEquals(audio.channels[0].length / SOURCE_FORMAT.sampleRate >= 21, true);
  const detector = new ToneDetector({ hz: 700, sampleRate: SOURCE_FORMAT.sampleRate });
  assertEquals(detector.push(audio.channels[0].subarray(30_000, 60_000)), true);
  assertThrows(
    () => convertForSource(encodeWav({ sampleRate: 8000, channels: [new Float32Array(0)] })),
    WavError,
    "no audio",
  );
});

Deno.test("sources: tones and silence map to ausine, files to a converted aufile restarted per whole loop", async () => {
  assertEquals((await prepareSource({ kind: "tone", hz: 440 }, "/unused", 1)).device, "ausine,440");
  assertEquals((await prepareSource({ kind: "silence" }, "/unused", 1)).device, "ausine,20000");
  const dir = await Deno.makeTempDir();
  try {
    const prompt = new Float32Array(24_000).fill(0.1); // 3 s at 8 kHz
    await Deno.writeFile(`${dir}/in.wav`, encodeWav({ sampleRate: 8000, channels: [prompt] }));
    const source = await prepareSource({ kind: "file", path: `${dir}/in.wav` }, dir, 7);
    assertEquals(source.device, `aufile,${dir}/send-7.wav`);
    assertEquals(source.restartMs, 21_000); // 7 whole repeats of 3 s, the first past 20 s
    const converted = decodeWav(await Deno.readFile(`${dir}/send-7.wav`));
    assertEquals(converted.channels[0].length, 48_000 * 22); // 21 s and a 1 s margin
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
