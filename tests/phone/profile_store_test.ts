/**
 * The profiles folder: add, load, edit, clone, rename and remove, with the
 * same validation as reading, files readable only by the user.
 */
import { ProfileError } from "../../phone/errors.ts";
import { ProfileStore } from "../../phone/profile_store.ts";
import { assertEquals, assertMatch, assertRejects } from "../assert.ts";
import { EVERY_FIELD } from "./profile_test.ts";

async function withStore(fn: (store: ProfileStore, dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "ringo-profiles-" });
  try {
    await fn(new ProfileStore({ profilesDir: `${dir}/profiles` }), dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a profile with every field is written, read back equal, and readable by its user only", async () => {
  await withStore(async (store) => {
    await store.add("work phone", EVERY_FIELD);
    assertEquals((await store.load("work phone")).settings, EVERY_FIELD);
    assertEquals(store.names(), ["work phone"]);
    assertEquals((await Deno.stat(store.fileOf("work phone"))).mode! & 0o777, 0o600);
  });
});

Deno.test("adding an invalid profile fails with the field and writes nothing", async () => {
  await withStore(async (store) => {
    const error = await assertRejects(
      () => store.add("bad", { username: "a", domain: "x", media_enc: "rot13" }),
      ProfileError,
    );
    assertMatch(error.message, /media_enc/);
    assertEquals(store.has("bad"), false);
  });
});

Deno.test("adding an existing profile is refused", async () => {
  await withStore(async (store) => {
    await store.add("w", { username: "a", domain: "x" });
    await assertRejects(
      () => store.add("w", { username: "b", domain: "y" }),
      ProfileError,
      "already exists",
    );
  });
});

Deno.test("edit sets and unsets fields and validates the result", async () => {
  await withStore(async (store) => {
    await store.add("w", { username: "a", domain: "x", notes: "old" });
    await store.edit("w", { transport: "tcp" }, ["notes"]);
    assertEquals((await store.load("w")).settings, {
      username: "a",
      domain: "x",
      transport: "tcp",
    });
    await assertRejects(() => store.edit("w", {}, ["username"]), ProfileError, "username");
    await assertRejects(() => store.edit("w", {}, ["colour"]), ProfileError, "no such field");
  });
});

Deno.test("clone copies, rename moves, remove deletes", async () => {
  await withStore(async (store) => {
    await store.add("a", { username: "a", domain: "x" });
    await store.clone("a", "b");
    await store.rename("b", "c");
    assertEquals(store.names(), ["a", "c"]);
    await store.remove("a");
    assertEquals(store.names(), ["c"]);
    await assertRejects(
      () => store.remove("a"),
      ProfileError,
      'there is no profile "a" (profiles: c)',
    );
  });
});

Deno.test("loading a missing profile lists the ones there are", async () => {
  await withStore(async (store) => {
    await assertRejects(() => store.load("work"), ProfileError, "there are no profiles yet");
  });
});
