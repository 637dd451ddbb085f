import { assertEquals } from "../../assert.ts";
import { type Key, key, KeyDecoder, keyId } from "../../../tui/term/keys.ts";

const enc = new TextEncoder();

/** Every sequence the decoder knows, with the key id it must give. */
const SEQUENCES: [string, string][] = [
  ["a", "a"],
  ["Z", "Z"],
  ["?", "?"],
  [" ", "space"],
  ["é", "é"],
  ["中", "中"],
  ["👍", "👍"],
  ["\r", "enter"],
  ["\n", "enter"],
  ["\t", "tab"],
  ["\x1b[Z", "shift+tab"],
  ["\x7f", "backspace"],
  ["\x08", "backspace"],
  ["\x1b[3~", "delete"],
  ["\x1b[2~", "insert"],
  ["\x1b[A", "up"],
  ["\x1b[B", "down"],
  ["\x1b[C", "right"],
  ["\x1b[D", "left"],
  ["\x1bOA", "up"],
  ["\x1bOD", "left"],
  ["\x1b[H", "home"],
  ["\x1b[F", "end"],
  ["\x1bOH", "home"],
  ["\x1bOF", "end"],
  ["\x1b[1~", "home"],
  ["\x1b[4~", "end"],
  ["\x1b[7~", "home"],
  ["\x1b[8~", "end"],
  ["\x1b[5~", "pageup"],
  ["\x1b[6~", "pagedown"],
  ["\x1bOP", "f1"],
  ["\x1b[15~", "f5"],
  ["\x1b[24~", "f12"],
  ["\x1b[1;5A", "ctrl+up"],
  ["\x1b[1;2C", "shift+right"],
  ["\x1b[1;3D", "alt+left"],
  ["\x1b[5;5~", "ctrl+pageup"],
  ["\x01", "ctrl+a"],
  ["\x03", "ctrl+c"],
  ["\x05", "ctrl+e"],
  ["\x0e", "ctrl+n"],
  ["\x10", "ctrl+p"],
  ["\x12", "ctrl+r"],
  ["\x13", "ctrl+s"],
  ["\x19", "ctrl+y"],
  ["\x04", "ctrl+d"],
  ["\x1a", "ctrl+z"],
  ["\x00", "ctrl+space"],
  ["\x1bb", "alt+b"],
  ["\x1bB", "alt+B"],
  ["\x1b.", "alt+."],
  ["\x1b\x7f", "alt+backspace"],
  ["\x1b\r", "alt+enter"],
  ["\x1b\x12", "ctrl+alt+r"],
  ["\x1bé", "alt+é"],
  ["\x1b[97;5u", "ctrl+a"],
  ["\x1b[13u", "enter"],
];

function ids(keys: Key[]): string[] {
  return keys.map(keyId);
}

/** Feeds `bytes` split at the given cut points, then flushes like the timeout would. */
function decodeSplit(bytes: Uint8Array, cuts: number[]): Key[] {
  const decoder = new KeyDecoder();
  const keys: Key[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    keys.push(...decoder.feed(bytes.subarray(from, cut)));
    from = cut;
  }
  return keys;
}

Deno.test("key decoder", async (t) => {
  await t.step("decodes every known sequence whole", () => {
    for (const [input, id] of SEQUENCES) {
      assertEquals(ids(new KeyDecoder().feed(enc.encode(input))), [id], JSON.stringify(input));
    }
  });

  await t.step("decodes every sequence split at every byte boundary", () => {
    for (const [input, id] of SEQUENCES) {
      const bytes = enc.encode(input);
      for (let cut = 1; cut < bytes.length; cut++) {
        // A lone Esc at a cut is ambiguous; the timeout has not fired yet here.
        assertEquals(
          ids(decodeSplit(bytes, [cut])),
          [id],
          `${JSON.stringify(input)} cut at ${cut}`,
        );
      }
    }
  });

  await t.step("decodes all sequences back to back, fed one byte at a time", () => {
    const all = enc.encode(SEQUENCES.map(([s]) => s).join(""));
    const cuts = Array.from({ length: all.length - 1 }, (_, i) => i + 1);
    assertEquals(ids(decodeSplit(all, cuts)), SEQUENCES.map(([, id]) => id));
  });

  await t.step("a lone Esc waits for the timeout, then is Escape", () => {
    const decoder = new KeyDecoder();
    assertEquals(decoder.feed(enc.encode("\x1b")), []);
    assertEquals(decoder.waitingForEscape, true);
    assertEquals(ids(decoder.flush()), ["escape"]);
    assertEquals(decoder.waitingForEscape, false);
  });

  await t.step("Esc then a sequence is Escape followed by the key", () => {
    assertEquals(ids(new KeyDecoder().feed(enc.encode("\x1b\x1b[A"))), ["escape", "up"]);
  });

  await t.step("an unfinished sequence at the timeout becomes Alt keys, not lost input", () => {
    const decoder = new KeyDecoder();
    assertEquals(decoder.feed(enc.encode("\x1b[")), []);
    assertEquals(ids(decoder.flush()), ["alt+["]);
    assertEquals(decoder.feed(enc.encode("\x1bO")), []);
    assertEquals(ids(decoder.flush()), ["alt+O"]);
  });

  await t.step("printable keys carry their text; Ctrl and named keys carry none", () => {
    const [a, ctrlA, up, space] = new KeyDecoder().feed(enc.encode("a\x01\x1b[A "));
    assertEquals(a.text, "a");
    assertEquals(ctrlA.text, undefined);
    assertEquals(up.text, undefined);
    assertEquals(space.text, " ");
  });

  await t.step("bracketed paste arrives as one paste key with its text, split anywhere", () => {
    const text = "sip:alice@example.com\r\n中文 \x1b[A literal";
    const bytes = enc.encode(`x\x1b[200~${text}\x1b[201~y`);
    for (let cut = 1; cut < bytes.length; cut++) {
      const keys = decodeSplit(bytes, [cut]);
      assertEquals(ids(keys), ["x", "paste", "y"], `cut at ${cut}`);
      assertEquals(keys[1].text, "sip:alice@example.com\n中文 \x1b[A literal");
    }
  });

  await t.step("a paste is not ended by the Esc timeout", () => {
    const decoder = new KeyDecoder();
    decoder.feed(enc.encode("\x1b[200~12\x1b"));
    assertEquals(decoder.waitingForEscape, false);
    assertEquals(decoder.flush(), []);
    assertEquals(decoder.feed(enc.encode("[201~")).map((k) => k.text), ["12"]);
  });

  await t.step("a UTF-8 character split across chunks is one key", () => {
    const bytes = enc.encode("👍🏽");
    for (let cut = 1; cut < bytes.length; cut++) {
      assertEquals(ids(decodeSplit(bytes, [cut])), ["👍", "🏽"], `cut at ${cut}`);
    }
  });

  await t.step(
    "unknown sequences and focus reports are dropped without eating the next key",
    () => {
      assertEquals(ids(new KeyDecoder().feed(enc.encode("\x1b[I\x1b[O\x1b[99~\x1b[?1;2cq"))), [
        "q",
      ]);
    },
  );

  await t.step("stray and broken UTF-8 bytes are skipped", () => {
    assertEquals(ids(new KeyDecoder().feed(new Uint8Array([0x80, 0xc3, 0x41, 0x62]))), ["A", "b"]);
  });

  await t.step("keyId orders modifiers ctrl, alt, shift", () => {
    assertEquals(keyId(key("up", { shift: true, ctrl: true, alt: true })), "ctrl+alt+shift+up");
  });
});
