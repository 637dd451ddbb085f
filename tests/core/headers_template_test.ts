import { assertEquals, assertThrows } from "../assert.ts";
import {
  AgentError,
  encodeHeaderValue,
  expandHeaderTemplates,
  uaAddHeaderParams,
} from "../../core/mod.ts";

Deno.test("custom header templates", async (t) => {
  await t.step("one uuid per call, shared by every header of the INVITE", () => {
    const headers: Array<[string, string]> = [
      ["X-Call", "call-${uuid}"],
      ["X-Again", "${uuid}/${uuid}"],
      ["X-Plain", "no template"],
    ];
    assertEquals(expandHeaderTemplates(headers, "u-1"), [
      ["X-Call", "call-u-1"],
      ["X-Again", "u-1/u-1"],
      ["X-Plain", "no template"],
    ]);
    const first = expandHeaderTemplates(headers);
    const second = expandHeaderTemplates(headers);
    const uuid = first[0][1].slice(5);
    assertEquals(/^[0-9a-f-]{36}$/.test(uuid), true);
    assertEquals(first[1][1], `${uuid}/${uuid}`);
    assertEquals(second[0][1] === first[0][1], false);
  });

  await t.step("$$ is a literal dollar, other dollars stay, order and repeats kept", () => {
    assertEquals(
      expandHeaderTemplates([["H", "$$5"], ["H", "$$${uuid}"], ["H", "$x ${other}"]], "u"),
      [["H", "$5"], ["H", "$u"], ["H", "$x ${other}"]],
    );
    assertEquals(expandHeaderTemplates([["H", "$$${uuid}$$"]], "u"), [["H", "$u$"]]);
  });

  await t.step("values are percent-encoded outside RFC 3261's hvalue characters", () => {
    assertEquals(encodeHeaderValue("Foo-Bar_1.0"), "Foo-Bar_1.0");
    assertEquals(encodeHeaderValue("a[b]/c?d:e+f$"), "a[b]/c?d:e+f$");
    assertEquals(encodeHeaderValue("Foo Bar"), "Foo%20Bar");
    assertEquals(encodeHeaderValue("a=b;c,d"), "a%3Db%3Bc%2Cd");
    assertEquals(encodeHeaderValue("100%"), "100%25");
    assertEquals(encodeHeaderValue("ä"), "%C3%A4");
    assertEquals(
      uaAddHeaderParams("History-Info", "<sip:1@x.com>;index=1"),
      "History-Info=%3Csip:1%40x.com%3E%3Bindex%3D1 0",
    );
  });

  await t.step("a bad name or a line break in a value is refused", () => {
    assertThrows(() => uaAddHeaderParams("X Bad", "v"), AgentError, "invalid header name");
    assertThrows(
      () => uaAddHeaderParams("X-A", "v\r\nInjected: 1"),
      AgentError,
      "cannot contain control characters (found CR at 1)",
    );
  });
});
