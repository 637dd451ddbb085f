/**
 * Password sources: cmd > file > inline, one trailing newline stripped,
 * and a failing source stops with a sentence that holds no password.
 */
import { ProfileError } from "../../phone/errors.ts";
import { resolvePassword, stripOneNewline } from "../../phone/password.ts";
import type { Profile, ProfileSettings } from "../../phone/profile.ts";
import { assertEquals, assertMatch, assertRejects } from "../assert.ts";

async function withProfile(
  settings: Partial<ProfileSettings>,
  fn: (p: Profile, dir: string) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "ringo-pw-" });
  try {
    await fn({
      name: "work",
      dir,
      file: `${dir}/profile.toml`,
      settings: { username: "a", domain: "x", ...settings },
    }, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the inline password is used when it is the only source", async () => {
  await withProfile(
    { password: "inline-pw" },
    async (p) => assertEquals(await resolvePassword(p), "inline-pw"),
  );
});

Deno.test("password_file wins over the inline password; a relative path is relative to the profile folder", async () => {
  await withProfile({ password: "inline", password_file: "pw.txt" }, async (p, dir) => {
    await Deno.writeTextFile(`${dir}/pw.txt`, "from-file\n");
    assertEquals(await resolvePassword(p), "from-file");
  });
});

Deno.test("password_cmd wins over both, and only one trailing newline is stripped", async () => {
  await withProfile({
    password: "inline",
    password_file: "pw.txt",
    password_cmd: "printf 'from-cmd \\n\\n'",
  }, async (p, dir) => {
    await Deno.writeTextFile(`${dir}/pw.txt`, "from-file\n");
    assertEquals(await resolvePassword(p), "from-cmd \n");
  });
});

Deno.test("a failing password_cmd stops with its exit code and last error line", async () => {
  await withProfile({ password_cmd: "echo 'vault is locked' >&2; exit 3" }, async (p) => {
    const error = await assertRejects(() => resolvePassword(p), ProfileError);
    assertMatch(
      error.message,
      /^profile "work": password_cmd exited with code 3 \(vault is locked\)$/,
    );
  });
});

Deno.test("a password_cmd that prints nothing is an error", async () => {
  await withProfile({ password_cmd: "true" }, async (p) => {
    await assertRejects(() => resolvePassword(p), ProfileError, "printed nothing");
  });
});

Deno.test("an unreadable or empty password_file stops the launch", async () => {
  await withProfile({ password_file: "missing.txt" }, async (p) => {
    const error = await assertRejects(() => resolvePassword(p), ProfileError);
    assertMatch(error.message, /cannot read password_file .*missing\.txt/);
  });
  await withProfile({ password_file: "empty.txt" }, async (p, dir) => {
    await Deno.writeTextFile(`${dir}/empty.txt`, "\n");
    await assertRejects(() => resolvePassword(p), ProfileError, "is empty");
  });
});

Deno.test("no source at all means no password", async () => {
  await withProfile({}, async (p) => assertEquals(await resolvePassword(p), undefined));
});

Deno.test("stripOneNewline removes one LF or CRLF and nothing else", () => {
  assertEquals(stripOneNewline("a\n\n"), "a\n");
  assertEquals(stripOneNewline("a\r\n"), "a");
  assertEquals(stripOneNewline(" a "), " a ");
});
