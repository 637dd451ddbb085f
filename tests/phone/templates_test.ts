/**
 * The list --format placeholders and the header_display templates.
 */
import { ProfileError } from "../../phone/errors.ts";
import {
  renderHeaderTemplate,
  renderHeaderViews,
  renderListFormat,
} from "../../phone/templates.ts";
import { assertEquals, assertThrows } from "../assert.ts";

const PROFILE = {
  name: "work",
  aor: "sip:alice@pbx",
  username: "alice",
  domain: "pbx",
  password_source: "inline" as const,
};

Deno.test("--format fills the placeholders, turns \\t and \\n into tabs and newlines, and leaves absent fields empty", () => {
  assertEquals(
    renderListFormat("{name}\\t{aor}\\t[{display_name}]", PROFILE),
    "work\tsip:alice@pbx\t[]",
  );
});

Deno.test("an unknown placeholder is an error that lists the known ones", () => {
  assertThrows(
    () => renderListFormat("{password}", PROFILE),
    ProfileError,
    "unknown placeholder {password}",
  );
});

Deno.test("header views take INVITE headers case-insensitively, compact names too, $$ is a dollar", () => {
  const headers: Array<[string, string]> = [["x-ticket-id", "42"], ["f", "<sip:bob@x>"]];
  assertEquals(
    renderHeaderTemplate("https://t/${X-Ticket-Id} from ${From} $$", headers),
    "https://t/42 from <sip:bob@x> $",
  );
});

Deno.test("a view is left out when none of its headers is there; absent ones are empty when another is", () => {
  assertEquals(
    renderHeaderViews([["A", "${X-A}"], ["B", "${X-B}/${X-Missing}"], ["Static", "always"]], [[
      "X-B",
      "2",
    ]]),
    [{ label: "B", value: "2/" }, { label: "Static", value: "always" }],
  );
});
