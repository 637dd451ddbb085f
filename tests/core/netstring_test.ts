import { assertEquals, assertThrows } from "../assert.ts";
import { encodeNetstring, NetstringError, NetstringParser } from "../../core/mod.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function randomFrames(count: number, seed: number): string[] {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31);
  return Array.from({ length: count }, (_, i) => {
    const len = next() % 300;
    // include multi-byte characters, commas, colons and digits inside payloads
    return JSON.stringify({ i, text: "ä,:9".repeat(len % 7) + "x".repeat(len) });
  });
}

Deno.test("netstring parser", async (t) => {
  await t.step("decodes frames split and merged at random byte boundaries", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const frames = randomFrames(200, seed);
      const stream = new Uint8Array(frames.flatMap((f) => [...encodeNetstring(f)]));
      const parser = new NetstringParser();
      const out: string[] = [];
      let offset = 0;
      let r = seed;
      while (offset < stream.length) {
        r = (r * 48271) % 2147483647;
        const size = 1 + (r % 700);
        for (const payload of parser.push(stream.subarray(offset, offset + size))) {
          out.push(dec.decode(payload));
        }
        offset += size;
      }
      assertEquals(out, frames);
      assertEquals(parser.pendingBytes, 0);
    }
  });

  await t.step("decodes a stream fed one byte at a time", () => {
    const frames = randomFrames(30, 99);
    const stream = new Uint8Array(frames.flatMap((f) => [...encodeNetstring(f)]));
    const parser = new NetstringParser();
    const out: string[] = [];
    for (const byte of stream) {
      for (const p of parser.push(Uint8Array.of(byte))) out.push(dec.decode(p));
    }
    assertEquals(out, frames);
  });

  await t.step("accepts an empty payload", () => {
    assertEquals(new NetstringParser().push(enc.encode("0:,")).map((p) => dec.decode(p)), [""]);
  });

  await t.step("rejects a frame over the size limit before buffering it", () => {
    const parser = new NetstringParser({ maxFrameBytes: 10 });
    assertThrows(
      () => parser.push(enc.encode("11:")),
      NetstringError,
      "too large: 11+ bytes, the limit is 10",
    );
  });

  await t.step("rejects garbage in the length, naming the byte", () => {
    assertThrows(
      () => new NetstringParser().push(enc.encode("1x:a,")),
      NetstringError,
      "found 'x'",
    );
    assertThrows(() => new NetstringParser().push(enc.encode("\x00")), NetstringError, "byte 0x00");
  });

  await t.step("rejects a frame without its trailing comma", () => {
    assertThrows(
      () => new NetstringParser().push(enc.encode("3:abc;")),
      NetstringError,
      "expected ',' after 3 bytes, found ';'",
    );
  });

  await t.step("rejects an empty length", () => {
    assertThrows(
      () => new NetstringParser().push(enc.encode(":abc,")),
      NetstringError,
      "empty length",
    );
  });

  await t.step("stays broken after an error, because the stream cannot be trusted", () => {
    const parser = new NetstringParser();
    assertThrows(() => parser.push(enc.encode("x")));
    assertThrows(() => parser.push(enc.encode("1:a,")), NetstringError);
  });

  await t.step("encodes the byte length, not the character length", () => {
    assertEquals(dec.decode(encodeNetstring("ä")), "2:ä,");
  });
});
