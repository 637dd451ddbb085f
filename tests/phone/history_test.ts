/**
 * The history store in Deno KV: calls per profile newest first, the dial
 * history deduplicated and capped, concurrent writers losing nothing, the
 * original's JSONL imported once.
 */
import { join } from "node:path";
import {
  type CallRecord,
  DIAL_HISTORY_LIMIT,
  fromOriginalLine,
  HistoryStore,
} from "../../phone/history.ts";
import { assertEquals, assertMatch } from "../assert.ts";

async function withDb(fn: (path: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "ringo-history-" });
  try {
    await fn(join(dir, "history.kv"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function call(profile: string, startedAt: number, peer = "sip:bob@pbx"): CallRecord {
  return {
    id: crypto.randomUUID(),
    profile,
    direction: "outgoing",
    peer,
    number: "bob",
    startedAt,
    answeredAt: startedAt + 1000,
    endedAt: startedAt + 5000,
    durationSecs: 4,
    outcome: "answered",
  };
}

Deno.test("calls are listed per profile and for all, newest first, and survive a reopen", async () => {
  await withDb(async (path) => {
    {
      await using h = await HistoryStore.open(path);
      await h.addCall(call("work", 1000));
      await h.addCall(call("home", 2000));
      await h.addCall(call("work", 3000));
    }
    await using h = await HistoryStore.open(path);
    assertEquals((await h.calls("work")).map((c) => c.startedAt), [3000, 1000]);
    assertEquals((await h.calls()).map((c) => c.profile), ["work", "home", "work"]);
    assertEquals((await h.calls(undefined, { limit: 1 })).length, 1);
  });
});

Deno.test("the dial history is deduplicated, newest first", async () => {
  await withDb(async (path) => {
    await using h = await HistoryStore.open(path);
    await h.addDial("4711", 1);
    await h.addDial("sip:bob@pbx", 2);
    await h.addDial("4711", 3);
    assertEquals(await h.dials(), ["4711", "sip:bob@pbx"]);
  });
});

Deno.test(`the dial history keeps the newest ${DIAL_HISTORY_LIMIT} targets`, async () => {
  await withDb(async (path) => {
    await using h = await HistoryStore.open(path);
    for (let i = 0; i < DIAL_HISTORY_LIMIT + 5; i++) await h.addDial(`n${i}`, i + 1);
    const dials = await h.dials();
    assertEquals(dials.length, DIAL_HISTORY_LIMIT);
    assertEquals([dials[0], dials.at(-1)], [`n${DIAL_HISTORY_LIMIT + 4}`, "n5"]);
    await h.addDial("n0", 10_000);
    assertEquals((await h.dials())[0], "n0");
  });
});

Deno.test("two stores on one file writing at once lose nothing", async () => {
  await withDb(async (path) => {
    const a = await HistoryStore.open(path);
    const b = await HistoryStore.open(path);
    try {
      await Promise.all([
        ...Array.from({ length: 50 }, (_, i) => a.addCall(call("work", 10_000 + i))),
        ...Array.from({ length: 50 }, (_, i) => b.addCall(call("home", 10_000 + i))),
        ...Array.from({ length: 20 }, (_, i) => a.addDial(`a${i}`)),
        ...Array.from({ length: 20 }, (_, i) => b.addDial(`b${i}`)),
        a.addDial("same"),
        b.addDial("same"),
      ]);
      assertEquals((await a.calls()).length, 100);
      const dials = await b.dials();
      assertEquals(dials.length, 41);
      assertEquals(new Set(dials).size, 41);
    } finally {
      a.close();
      b.close();
    }
  });
});

Deno.test("rename moves a profile's calls and messages; clear removes them", async () => {
  await withDb(async (path) => {
    await using h = await HistoryStore.open(path);
    await h.addCall(call("old", 1));
    await h.addMessage({
      id: "m1",
      profile: "old",
      direction: "incoming",
      peer: "sip:b@x",
      body: "hi",
      at: 5,
    });
    await h.renameProfile("old", "new");
    assertEquals([(await h.calls("old")).length, (await h.calls("new")).length], [0, 1]);
    assertEquals((await h.messages("new"))[0].profile, "new");
    assertEquals(await h.clearProfile("new"), 1);
    assertEquals([(await h.calls()).length, (await h.messages()).length], [0, 0]);
  });
});

const ORIGINAL = [
  '{"ts":"2024-01-15 14:30:05","dir":"outgoing","peer":"sip:alice@example.com","duration":"00:02:05","duration_secs":125}',
  '{"ts":"2024-01-15 15:00:00","dir":"incoming","peer":"sip:bob@example.com","duration":"missed","duration_secs":0}',
  '{"ts":"2024-01-16 09:00:00","dir":"outgoing","peer":"4711","duration":"no answer","duration_secs":0}',
  "not json",
  '{"ts":"yesterday","dir":"outgoing","peer":"x"}',
].join("\n");

Deno.test("the original's JSONL call_history imports once; bad lines are reported with their number", async () => {
  await withDb(async (path) => {
    await using h = await HistoryStore.open(path);
    const first = await h.importJsonl(ORIGINAL, "work");
    assertEquals([first.imported, first.alreadyThere], [3, 0]);
    assertEquals(first.skipped.map((s) => s.line), [4, 5]);
    assertMatch(first.skipped[1].reason, /"ts"/);
    const again = await h.importJsonl(ORIGINAL, "work");
    assertEquals([again.imported, again.alreadyThere], [0, 3]);
    const calls = await h.calls("work");
    assertEquals(calls.map((c) => c.outcome), ["no_answer", "missed", "answered"]);
    assertEquals(calls[2].durationSecs, 125);
  });
});

Deno.test("an original line's ts is the local end time; the start is ts minus the duration", async () => {
  const record = await fromOriginalLine(ORIGINAL.split("\n")[0], "work");
  assertEquals(record.endedAt, new Date(2024, 0, 15, 14, 30, 5).getTime());
  assertEquals(record.endedAt - record.startedAt, 125_000);
  assertEquals(record.number, "alice");
});
