/**
 * Contact matching as the original: exact, else digits only with leading
 * zeros trimmed, equal or a suffix of at least 7 digits.
 */
import { join } from "node:path";
import {
  findContact,
  loadContacts,
  matchScore,
  saveContacts,
  userPart,
} from "../../phone/contacts.ts";
import { ProfileError } from "../../phone/errors.ts";
import { assertEquals, assertRejects } from "../assert.ts";

const BOOK = [
  { name: "Alice", numbers: ["+491555123456", "alice.work"] },
  { name: "Front desk", numbers: ["4711"] },
  { name: "Bob", numbers: ["0301234567"] },
];

Deno.test("a number matches across national, international and 00 formats", () => {
  for (
    const peer of [
      "+491555123456",
      "491555123456",
      "01555123456",
      "00491555123456",
      "sip:01555123456@pbx;user=phone",
    ]
  ) {
    assertEquals(findContact(BOOK, peer)?.name, "Alice", peer);
  }
});

Deno.test("a SIP user matches exactly", () => {
  assertEquals(findContact(BOOK, "sip:alice.work@pbx.example.com")?.name, "Alice");
  assertEquals(findContact(BOOK, "sip:alice@pbx.example.com"), undefined);
});

Deno.test("short numbers only match exactly", () => {
  assertEquals(findContact(BOOK, "4711")?.name, "Front desk");
  assertEquals(findContact(BOOK, "14711"), undefined);
  assertEquals(matchScore("123456", "99123456"), 0);
  assertEquals(matchScore("1234567", "991234567") > 0, true);
});

Deno.test("the best match wins: exact text over equal digits over a suffix", () => {
  const book = [{ name: "Suffix", numbers: ["1234567"] }, {
    name: "Exact",
    numbers: ["+49301234567"],
  }];
  assertEquals(findContact(book, "+49301234567")?.name, "Exact");
});

Deno.test("userPart takes the user of sip:, sips: and tel: URIs", () => {
  assertEquals(userPart("<sip:%2B4930@host>"), "+4930");
  assertEquals(userPart("tel:+4930;phone-context=x"), "+4930");
  assertEquals(userPart("4711"), "4711");
});

Deno.test("contacts.toml is read and written; a bad entry names its field", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "contacts.toml");
    assertEquals(await loadContacts(file), []);
    await saveContacts(file, BOOK);
    assertEquals(await loadContacts(file), BOOK);
    await Deno.writeTextFile(file, '[[contacts]]\nname = "X"\nnumbers = []\n');
    await assertRejects(
      () => loadContacts(file),
      ProfileError,
      "contacts[0].numbers: needs at least one number",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
