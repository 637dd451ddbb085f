import { assertEquals, assertMatch } from "../../assert.ts";
import { ProfileStore } from "../../../phone/profile_store.ts";
import { PROFILE_FIELDS } from "../../../phone/profile.ts";
import { validateDraft } from "../../../tui/phone_tui.ts";
import { type ProfileDraft, ProfileFormView } from "../../../tui/views/profile_form.ts";
import { PROFILE_FORM_FIELDS } from "../../../tui/views/profile_fields.ts";
import { harness } from "../app_harness.ts";

const DOWN = "\x1b[B";
const NEXT_TAB = "\x1b[6~";

/** A form whose save/close are recorded; validation is the real one. */
function form(existing?: { name: string; draft: ProfileDraft }) {
  const store = new ProfileStore({ profilesDir: "/nonexistent/ringo-test-profiles" });
  const saved: { name: string; draft: ProfileDraft; original?: string }[] = [];
  const closed: (string | undefined)[] = [];
  const view = new ProfileFormView({
    codecs: ["opus", "G722", "PCMU", "PCMA"],
    validate: (name, draft) => validateDraft(name, draft, store, existing?.name),
    save: (name, draft, original) => {
      saved.push({ name, draft, original });
      return Promise.resolve();
    },
    editAsToml: (_name, draft) => Promise.resolve({ ...draft, notes: "edited in $EDITOR" }),
    close: (name) => void closed.push(name),
  }, existing);
  return { view, saved, closed };
}

Deno.test("profile form", async (t) => {
  await t.step("covers every field of profile.toml", () => {
    const covered = PROFILE_FORM_FIELDS.map((f) => f.key).filter((k) => k !== "name").sort();
    assertEquals(covered, [...PROFILE_FIELDS].sort());
    for (const field of PROFILE_FORM_FIELDS) {
      assertEquals(field.description.length > 10, true, field.key);
    }
  });

  await t.step("shows the focused field's description and the tabs", async () => {
    const { view } = form();
    const screen = await harness(view).text();
    assertMatch(screen, /Account\s+│\s+Network\s+│\s+Audio\s+│\s+Features\s+│\s+Forwarding/);
    assertMatch(screen, /What ringo phone start <name> takes/);
  });

  await t.step("saving an empty form names the missing fields on the fields", async () => {
    const { view, saved } = form();
    const h = harness(view);
    await h.press("\x13");
    const screen = await h.text();
    assertMatch(screen, /Profile name \*.*✗ cannot be empty/);
    assertMatch(screen, /Username \*.*✗ required/);
    assertEquals(saved, []);
  });

  await t.step("a filled form saves the draft as profile.toml's fields", async () => {
    const { view, saved, closed } = form();
    const h = harness(view);
    await h.press("work\tbob\tpbx.example.com:5060\ts3cret");
    await h.press("\x13");
    assertEquals(saved, [{
      name: "work",
      draft: { username: "bob", domain: "pbx.example.com:5060", password: "s3cret" },
      original: undefined,
    }]);
    assertEquals(closed, ["work"]);
  });

  await t.step("selects cycle, toggles flip, and a bad value is named on its field", async () => {
    const { view } = form({ name: "work", draft: { username: "bob", domain: "pbx" } });
    const h = harness(view);
    await h.press(NEXT_TAB); // Network
    await h.press(" "); // transport: default → udp
    await h.press(DOWN.repeat(4) + "abc"); // regint
    await h.press("\x13");
    assertMatch(await h.text(), /Register interval.*✗/);
    assertEquals(view.draft().transport, "udp");
    await h.press("\x7f\x7f\x7f60");
    await h.press(NEXT_TAB + NEXT_TAB); // Features
    await h.press(" "); // notify: on (default) → off
    assertEquals(view.draft().notify, false);
    assertEquals(view.draft().regint, 60);
  });

  await t.step("the codec list toggles and reorders", async () => {
    const { view } = form({
      name: "w",
      draft: { username: "b", domain: "d", audio_codecs: ["PCMA"] },
    });
    const h = harness(view);
    await h.press(NEXT_TAB + NEXT_TAB); // Audio: PCMA (on) first, then opus, G722, PCMU
    assertMatch(await h.text(), /\[x\] PCMA[\s\S]*\[ \] opus/);
    await h.press(DOWN + " "); // opus on
    await h.press("\x1b[1;3A"); // Alt+↑: opus before PCMA
    assertEquals(view.draft().audio_codecs, ["opus", "PCMA"]);
  });

  await t.step(
    "header lists add, edit and delete rows; CR/LF is refused by the schema",
    async () => {
      const { view } = form({ name: "w", draft: { username: "b", domain: "d" } });
      const h = harness(view);
      await h.press(NEXT_TAB + NEXT_TAB + NEXT_TAB); // Features
      await h.press(DOWN.repeat(4)); // custom headers
      await h.press("\x01X-Trace\tcall-${uuid}");
      assertEquals(view.draft().custom_headers, [["X-Trace", "call-${uuid}"]]);
      await h.press("\x01X-Two\tb");
      assertEquals(view.draft().custom_headers, [["X-Trace", "call-${uuid}"], ["X-Two", "b"]]);
      await h.press("\x04");
      assertEquals(view.draft().custom_headers, [["X-Trace", "call-${uuid}"]]);
      await h.press("\x01Bad Name\tv\x13");
      assertMatch(await h.text(), /Custom headers.*✗ \[1\]\[0\]: a header name/);
    },
  );

  await t.step(
    "Esc asks before unsaved changes are dropped; Ctrl+E loads the edited TOML",
    async () => {
      const { view, closed } = form({ name: "w", draft: { username: "b", domain: "d" } });
      const h = harness(view);
      await h.press("\x1b");
      assertEquals(closed, [undefined]); // nothing changed: no question
      const second = form({ name: "w", draft: { username: "b", domain: "d" } });
      const h2 = harness(second.view);
      await h2.press("\x05");
      assertEquals(second.view.draft().notes, "edited in $EDITOR");
      await h2.press("\x1b");
      assertMatch(await h2.text(), /Discard the unsaved changes\?/);
      await h2.press("y");
      assertEquals(second.closed, [undefined]);
    },
  );
});
