import { throws } from "node:assert/strict";
import {
  AgentError,
  checkAccountText,
  checkCommandParams,
  parseAccountSettings,
  requireHeader,
  requireMessageBody,
  requireSipText,
  requireTarget,
} from "../../core/mod.ts";

const refused = (fn: () => unknown, message: RegExp) =>
  throws(fn, (e: unknown) => e instanceof AgentError && message.test(e.message));

Deno.test("SIP strings with control characters are refused with a sentence naming the field", async (t) => {
  await t.step("dial and transfer targets", () => {
    requireTarget("dial target", "sip:b@127.0.0.1:5070");
    requireTarget("dial target", "1000");
    refused(
      () => requireTarget("dial target", "sip:b@127.0.0.1:5070\r\nX-Injected: ESCAPED"),
      /^the dial target cannot contain control characters \(found CR at 20\)/,
    );
    refused(() => requireTarget("transfer target", "sip:c@h\nX: 1"), /transfer target .*found LF/);
    refused(() => requireTarget("dial target", "sip:b@h\u0000x"), /found NUL/);
    refused(() => requireTarget("dial target", "sip:b@h>;tag=x"), /cannot contain '>'/);
    refused(() => requireTarget("dial target", "sip:b@h x"), /cannot contain a space/);
    refused(() => requireTarget("dial target", "sip:b@h\u2028x"), /found U\+2028/);
  });
  await t.step("headers: names are tokens, values have no control characters but tabs", () => {
    requireHeader("X-Customer", "42\tok");
    refused(() => requireHeader("X-A", "1\r\nX-B: 2"), /^the header X-A cannot contain/);
    refused(() => requireHeader("X A", "1"), /invalid header name "X A"/);
    refused(() => requireHeader("X-A\r\nX-B", "1"), /invalid header name/);
  });
  await t.step("every account field, through parseAccountSettings", () => {
    for (const field of ["password", "display_name", "auth_user", "outbound", "stun_server"]) {
      refused(
        () => parseAccountSettings({ username: "a", domain: "pbx", [field]: "x\r\nX-Evil: 1" }),
        new RegExp(`^the account ${field} cannot contain control characters`),
      );
    }
    refused(
      () => parseAccountSettings({ username: "a", domain: "pbx", headers: { "X-A": "1\n2" } }),
      /header X-A/,
    );
    refused(
      () => parseAccountSettings({ username: "a", domain: "pbx", headers: [["X-A", "1\u00002"]] }),
      /found NUL/,
    );
    checkAccountText({ username: "alice", domain: "pbx", password: "s3cr;et" });
  });
  await t.step("reasons, DTMF and MESSAGE bodies", () => {
    refused(() => requireSipText("response reason", "Busy\r\nX: 1"), /^the response reason/);
    refused(() => requireSipText("DTMF digits", "1\n2"), /DTMF digits/);
    requireMessageBody("line one\r\nline two\ttab");
    refused(() => requireMessageBody("a\u0000b"), /^the MESSAGE body .*found NUL/);
  });
  await t.step("the last guard before ctrl_tcp refuses line breaks in any command", () => {
    checkCommandParams("dial", "sip:b@h");
    checkCommandParams("message", "sip:b@h line1\nline2");
    refused(
      () => checkCommandParams("uanew", "<sip:a@h>;auth_pass=x\r\nX"),
      /parameter of 'uanew'/,
    );
    refused(() => checkCommandParams("message", "sip:b@h a\u0000b"), /found NUL/);
  });
});
