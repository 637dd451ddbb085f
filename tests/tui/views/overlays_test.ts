import { assertEquals, assertMatch } from "../../assert.ts";
import { type ContactEntry, ContactsView } from "../../../tui/views/contacts_view.ts";
import { type HistoryEntry, HistoryView } from "../../../tui/views/history_view.ts";
import { LogView } from "../../../tui/views/log_view.ts";
import { harness } from "../app_harness.ts";

function book(contacts: ContactEntry[]) {
  const edits: string[] = [];
  return {
    edits,
    contacts,
    load: () => Promise.resolve(structuredClone(contacts)),
    save: (next: readonly ContactEntry[]) => {
      contacts.splice(0, contacts.length, ...structuredClone(next));
      return Promise.resolve();
    },
    edit: () => Promise.resolve(void edits.push("$EDITOR")),
  };
}

Deno.test("contacts overlay", async (t) => {
  await t.step("lists each number; / searches; Enter hands the selected number over", async () => {
    const chosen: string[] = [];
    const view = new ContactsView(
      book([{ name: "Alice", numbers: ["+491555", "alice.work"] }, {
        name: "Bob",
        numbers: ["4711"],
      }]),
      (n) => chosen.push(n),
    );
    await view.reload();
    const h = harness(view);
    assertMatch(await h.text(), /Alice\s+\+491555\s+│\n\s+│\s+alice\.work/);
    await h.press("/bob\r");
    assertMatch(await h.text(), /Search bob/);
    await h.press("\r");
    assertEquals(chosen, ["4711"]);
  });

  await t.step(
    "a adds a contact with its numbers, e edits it, d deletes it after asking",
    async () => {
      const b = book([]);
      const view = new ContactsView(b);
      await view.reload();
      const h = harness(view);
      assertMatch(await h.text(), /No contacts yet/);
      await h.press("a");
      await h.press("Carol\t200, 201\r");
      assertEquals(b.contacts, [{ name: "Carol", numbers: ["200", "201"] }]);
      await h.press("e");
      await h.press("\x15Caroline\r");
      assertEquals(b.contacts[0].name, "Caroline");
      await h.press("d");
      assertMatch(await h.text(), /Delete contact Caroline\?/);
      await h.press("y");
      assertEquals(b.contacts, []);
    },
  );

  await t.step(
    "the form refuses an empty name or no number; E opens the file in $EDITOR",
    async () => {
      const b = book([]);
      const view = new ContactsView(b);
      await view.reload();
      const h = harness(view);
      await h.press("a\r");
      assertMatch(await h.text(), /the name cannot be empty/);
      await h.press("Dave\r");
      assertMatch(await h.text(), /give at least one number/);
      await h.press("\x1b");
      await h.press("E");
      assertEquals(b.edits, ["$EDITOR"]);
    },
  );
});

const CALLS: HistoryEntry[] = [
  {
    id: "2",
    direction: "incoming",
    peer: "sip:carol@pbx",
    number: "carol",
    startedAt: Date.UTC(2025, 0, 2, 10),
    durationSecs: 0,
    outcome: "missed",
  },
  {
    id: "1",
    direction: "outgoing",
    peer: "sip:bob@pbx",
    number: "bob",
    contact: "Bob",
    startedAt: Date.UTC(2025, 0, 1, 9),
    durationSecs: 125,
    outcome: "answered",
    reason: "Connection reset by user",
    headerViews: [{ label: "Queue", value: "support" }],
  },
];

Deno.test("call history overlay", async (t) => {
  await t.step("lists calls newest first with who and how they ended; Enter redials", async () => {
    const redialed: string[] = [];
    const view = new HistoryView(
      {
        calls: () => Promise.resolve(CALLS),
        remove: () => Promise.resolve(),
        clear: () => Promise.resolve(),
      },
      (p) => redialed.push(p),
      () => {},
    );
    await view.reload();
    const h = harness(view);
    const screen = await h.text();
    assertMatch(screen, /← sip:carol@pbx\s+missed/);
    assertMatch(screen, /→ Bob\s+02:05/);
    await h.press("\x1b[B\r");
    assertEquals(redialed, ["sip:bob@pbx"]);
  });

  await t.step(
    "i shows details with the header views; d deletes; D clears after asking",
    async () => {
      const calls = structuredClone(CALLS);
      const view = new HistoryView(
        {
          calls: () => Promise.resolve(calls),
          remove: (id) =>
            Promise.resolve(void calls.splice(calls.findIndex((c) => c.id === id), 1)),
          clear: () => Promise.resolve(void calls.splice(0)),
        },
        () => {},
        () => {},
      );
      await view.reload();
      const h = harness(view);
      await h.press("G");
      await h.press("i");
      assertMatch(await h.text(), /Queue\s+support/);
      await h.press("\x1b");
      await h.press("d");
      assertEquals(calls.map((c) => c.id), ["2"]);
      await h.press("D");
      assertMatch(await h.text(), /Delete all 1 calls/);
      await h.press("y");
      assertEquals(calls, []);
    },
  );
});

Deno.test("log overlay", async (t) => {
  const lines = Array.from({ length: 60 }, (_, i) => `line ${i} ${i % 2 ? "odd" : "even"}`);
  const listeners = new Set<() => void>();
  const source = {
    title: "Events",
    lines: () => lines,
    onChange: (l: () => void) => (listeners.add(l), () => listeners.delete(l)),
  };

  await t.step(
    "follows the tail, also as lines arrive; scrolling up pauses it, G follows again",
    async () => {
      const h = harness(new LogView(source, () => {}), 80, 20);
      assertMatch(await h.text(), /line 59 odd/);
      lines.push("line 60 even");
      for (const listener of listeners) listener();
      assertMatch(await h.text(), /line 60 even/);
      await h.press("\x1b[5~");
      const paused = await h.text();
      assertMatch(paused, /paused/);
      assertEquals(/line 60 even/.test(paused), false);
      await h.press("G");
      assertMatch(await h.text(), /following[\s\S]*line 60 even/);
    },
  );

  await t.step("/ filters the lines; w wraps long ones", async () => {
    const h = harness(new LogView(source, () => {}), 40, 20);
    await h.press("/line 1 \r");
    const filtered = await h.text();
    assertMatch(filtered, /line 1 odd/);
    assertEquals(/line 2 even/.test(filtered), false);
    lines.push("x".repeat(60));
    await h.press("/\x15\r");
    await h.press("w");
    assertMatch(await h.text(), /x{36}\s*│\n│ x{24}/);
  });
});
