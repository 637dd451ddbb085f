import { assertEquals, assertMatch } from "../../assert.ts";
import { type PickerActions, type PickerEntry, PickerView } from "../../../tui/views/picker.ts";
import { harness } from "../app_harness.ts";

function record(calls: string[], call: string): Promise<void> {
  calls.push(call);
  return Promise.resolve();
}

function actions(entries: PickerEntry[], calls: string[]): PickerActions {
  return {
    version: "9.9.9",
    entries: () => Promise.resolve(entries),
    start: (name) => record(calls, `start ${name}`),
    openForm: (name) => void calls.push(`form ${name ?? "(new)"}`),
    clone: (from, to) => {
      calls.push(`clone ${from} ${to}`);
      entries.push({ name: to, info: "" });
      return Promise.resolve();
    },
    rename: (from, to) => record(calls, `rename ${from} ${to}`),
    remove: (name) => {
      calls.push(`remove ${name}`);
      entries.splice(entries.findIndex((e) => e.name === name), 1);
      return Promise.resolve();
    },
    editSettings: () => record(calls, "settings"),
    quit: () => void calls.push("quit"),
  };
}

const ENTRIES = (): PickerEntry[] => [
  { name: "home", info: "sip:bob@home.lan" },
  { name: "work", info: "sip:alice@pbx.example.com" },
  { name: "work test", info: "sip:alice@test.example.com" },
];

Deno.test("profile picker", async (t) => {
  await t.step(
    "shows the logo, the version, the profiles with their info, and a count",
    async () => {
      const picker = new PickerView(actions(ENTRIES(), []));
      await picker.reload();
      const h = harness(picker);
      const screen = await h.text();
      assertMatch(screen, /┬─┐┬┌┐┌┌─┐┌─┐/);
      assertMatch(screen, /v9\.9\.9/);
      assertMatch(screen, /▸ home\s+sip:bob@home\.lan/);
      assertMatch(screen, /3 profiles/);
    },
  );

  await t.step("an empty folder says how to create the first profile", async () => {
    const picker = new PickerView(actions([], []));
    await picker.reload();
    assertMatch(await harness(picker).text(), /No profiles yet\.\s+Press Ctrl\+N/);
  });

  await t.step("every search token must match; the rest are hidden", async () => {
    const calls: string[] = [];
    const picker = new PickerView(actions(ENTRIES(), calls));
    await picker.reload();
    const h = harness(picker);
    await h.press("wrk tst");
    const screen = await h.text();
    assertMatch(screen, /▸ work test/);
    assertEquals(/sip:bob@home/.test(screen), false);
    assertMatch(screen, /1 of 3/);
    await h.press("\r");
    assertEquals(calls, ["start work test"]);
  });

  await t.step("no match says so", async () => {
    const picker = new PickerView(actions(ENTRIES(), []));
    await picker.reload();
    const h = harness(picker);
    await h.press("zzz");
    assertMatch(await h.text(), /No profile matches "zzz"/);
  });

  await t.step("arrows wrap around; Ctrl+E edits and Ctrl+N creates", async () => {
    const calls: string[] = [];
    const picker = new PickerView(actions(ENTRIES(), calls));
    await picker.reload();
    const h = harness(picker);
    await h.press("\x1b[A"); // up from the first wraps to the last
    await h.press("\x05");
    await h.press("\x0e");
    assertEquals(calls, ["form work test", "form (new)"]);
  });

  await t.step(
    "Ctrl+D asks first and deletes on y; Ctrl+Y clones under the name typed",
    async () => {
      const calls: string[] = [];
      const picker = new PickerView(actions(ENTRIES(), calls));
      await picker.reload();
      const h = harness(picker);
      await h.press("\x04");
      assertMatch(await h.text(), /Delete profile home and its folder\?/);
      await h.press("n");
      assertEquals(calls, []);
      await h.press("\x04");
      await h.press("y");
      assertEquals(calls, ["remove home"]);
      assertMatch(await h.text(), /Deleted home/);
      await h.press("\x19");
      assertMatch(await h.text(), /Clone work as/);
      await h.press("\x15two\r"); // Ctrl+U clears the suggested name
      assertEquals(calls.at(-1), "clone work two");
    },
  );

  await t.step("Esc quits", async () => {
    const calls: string[] = [];
    const picker = new PickerView(actions(ENTRIES(), calls));
    await picker.reload();
    await harness(picker).press("\x1b");
    assertEquals(calls, ["quit"]);
  });

  await t.step(
    "a profile that does not load is listed with its error and cannot start",
    async () => {
      const calls: string[] = [];
      const picker = new PickerView(
        actions([{ name: "broken", info: "", error: "domain: cannot be empty" }], calls),
      );
      await picker.reload();
      const h = harness(picker);
      assertMatch(await h.text(), /broken\s+cannot load: domain: cannot be empty/);
      await h.press("\r");
      assertEquals(calls, []);
      assertMatch(await h.text(), /fix it first/);
    },
  );
});
