/**
 * Profile settings: every field round-trips through TOML, bad values name
 * their field, names follow the rules, and the public view has no secret.
 */
import { ProfileError } from "../../phone/errors.ts";
import {
  accountSettings,
  checkProfileName,
  parseProfileSettings,
  PROFILE_FIELDS,
  type ProfileSettings,
  publicProfile,
} from "../../phone/profile.ts";
import { parseProfileText, renderProfile } from "../../phone/profile_store.ts";
import { assertEquals, assertMatch, assertThrows } from "../assert.ts";

/** A profile with every field set. */
export const EVERY_FIELD: ProfileSettings = {
  username: "alice",
  domain: "pbx.example.com:5061",
  password: "s3cret",
  password_file: "~/sip.pw",
  password_cmd: "pass show sip/work",
  display_name: "Alice Example",
  auth_user: "alice-auth",
  transport: "tls",
  outbound: "sip:proxy.example.com;transport=tls",
  stun_server: "stun:stun.example.com",
  media_enc: "dtls_srtp",
  audio_codecs: ["opus/48000/2", "PCMU", "PCMA"],
  regint: 600,
  dtmf_mode: "info",
  notes: "the work line",
  custom_headers: [
    ["History-Info", "<sip:1@example.com>;index=1"],
    ["History-Info", "<sip:2@example.com>;index=1.1"],
    ["X-Trace-Id", "call-${uuid}"],
  ],
  header_display: [["Ticket", "https://tickets/${X-Ticket-Id}"]],
  notify: false,
  mwi: false,
  auto_hold: false,
  catchall: false,
  deflect: true,
  deflect_target: "4711",
  metadata: { team: "ops", site: "Berlin" },
};

Deno.test("a profile with every field round-trips through its TOML file", () => {
  const text = renderProfile(EVERY_FIELD);
  assertEquals(parseProfileText(text, "profile.toml"), EVERY_FIELD);
  assertEquals(Object.keys(EVERY_FIELD).sort(), [...PROFILE_FIELDS].sort());
});

Deno.test("custom headers keep their order and their duplicates", () => {
  const parsed = parseProfileText(renderProfile(EVERY_FIELD), "p.toml");
  assertEquals(parsed.custom_headers?.map(([n]) => n), [
    "History-Info",
    "History-Info",
    "X-Trace-Id",
  ]);
});

Deno.test("a wrong field is named with the file and what was expected", async (t) => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ["missing domain", { username: "a" }, /^work\/profile\.toml: domain: /],
    [
      "bad transport",
      { username: "a", domain: "x", transport: "sctp" },
      /transport: .*udp.*tcp.*tls/,
    ],
    ["negative regint", { username: "a", domain: "x", regint: -1 }, /regint: /],
    ["unknown field", { username: "a", domain: "x", pasword: "x" }, /unknown field "pasword"/],
    ["CR in a header value", {
      username: "a",
      domain: "x",
      custom_headers: [["X-A", "1\r\nBye: x"]],
    }, /custom_headers\[0\]\[1\]: a header value cannot contain CR or LF/],
    [
      "bad header name",
      { username: "a", domain: "x", custom_headers: [["X A", "1"]] },
      /custom_headers\[0\]\[0\]: a header name/,
    ],
    [
      "deflect without target",
      { username: "a", domain: "x", deflect: true },
      /deflect_target: is needed when deflect = true/,
    ],
    ["space in username", { username: "a b", domain: "x" }, /username: no spaces/],
  ];
  for (const [name, input, expected] of cases) {
    await t.step(name, () => {
      const error = assertThrows(
        () => parseProfileSettings(input, "work/profile.toml"),
        ProfileError,
      );
      assertMatch(error.message, expected);
    });
  }
});

Deno.test("a TOML syntax error names the file and the line", () => {
  const error = assertThrows(
    () => parseProfileText('username = "a"\ndomain = "x\n', "w/profile.toml"),
    ProfileError,
  );
  assertMatch(error.message, /^w\/profile\.toml: line 2: /);
});

Deno.test("profile names may hold spaces but not '/', control characters, '.' or '..'", () => {
  checkProfileName("work phone");
  checkProfileName("Büro 2");
  for (const bad of ["", "a/b", ".", "..", "tab\there", " lead", "trail "]) {
    assertThrows(() => checkProfileName(bad), ProfileError, "profile names");
  }
});

Deno.test("the public view of a profile has no password field and says where the password comes from", () => {
  const shown = publicProfile({
    name: "work",
    dir: "/p",
    file: "/p/profile.toml",
    settings: EVERY_FIELD,
  });
  const text = JSON.stringify(shown);
  for (const secret of ["s3cret", "pass show", "sip.pw"]) {
    assertEquals(text.includes(secret), false, secret);
  }
  assertEquals(shown.password_source, "cmd");
  assertEquals(shown.aor, "sip:alice@pbx.example.com:5061");
});

Deno.test("the engine account takes the resolved password, the headers, and the defaults", () => {
  const account = accountSettings(
    { username: "a", domain: "x", custom_headers: [["X-A", "1"]] },
    "pw",
  );
  assertEquals(account.password, "pw");
  assertEquals(account.regint, 3600);
  assertEquals(account.mwi, true);
  assertEquals(account.headers, [["X-A", "1"]]);
});
