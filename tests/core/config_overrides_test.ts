/**
 * A session's changes to an agent's config: real devices, TLS, codec
 * modules and [baresip.extra], the last value of a key winning.
 */
import { renderAgentConfig } from "../../core/config.ts";
import {
  applyConfigOverrides,
  audioSourceOf,
  codecModules,
  extrasLines,
} from "../../core/config_overrides.ts";
import { assertEquals, assertMatch, assertThrows } from "../assert.ts";

const BASE = renderAgentConfig({
  modulePath: "/m",
  sipPort: 5070,
  ctrlPort: 4444,
  loopback: false,
  audioDevice: "ringo-1",
});

function lines(text: string, key: string): string[] {
  return text.split("\n").filter((l) => l.split("\t")[0] === key).map((l) => l.split("\t")[1]);
}

Deno.test("a sound system replaces the virtual player and alert, and loads its module once", () => {
  const text = applyConfigOverrides(
    BASE,
    extrasLines({ audio: { driver: "pulse", player: "speakers" } }),
  );
  assertEquals(lines(text, "audio_player"), ["pulse,speakers"]);
  assertEquals(lines(text, "audio_alert"), ["pulse,speakers"]);
  assertEquals(lines(text, "module").filter((m) => m === "pulse.so").length, 1);
  assertEquals(audioSourceOf({ audio: { driver: "pulse" } }), "pulse,default");
});

Deno.test("extra lines come last and a key given there replaces the generated one", () => {
  const text = applyConfigOverrides(
    BASE,
    extrasLines({
      sipCafile: "/etc/ssl/ca.pem",
      extra: [["call_max_calls", "8"], ["dns_server", "10.0.0.1:53"]],
    }),
  );
  assertEquals(lines(text, "call_max_calls"), ["8"]);
  assertEquals(lines(text, "sip_cafile"), ["/etc/ssl/ca.pem"]);
  assertMatch(text, /dns_server\t10\.0\.0\.1:53\n$/);
});

Deno.test("modules are added beside the other modules, before the application modules", () => {
  const text = applyConfigOverrides(BASE, [["module", "opus.so"]]);
  const order = text.split("\n").map((l) => l.split("\t")[0]);
  assertEquals(order.indexOf("module_app") > order.lastIndexOf("module"), true);
});

Deno.test("config keys and values that would break the file are refused", () => {
  assertThrows(
    () => applyConfigOverrides(BASE, [["bad key", "1"]]),
    RangeError,
    "invalid baresip config key",
  );
  assertThrows(
    () => applyConfigOverrides(BASE, [["a", "1\nmodule\tevil.so"]]),
    RangeError,
    "line breaks",
  );
});

Deno.test("codec names map to the modules that provide them", () => {
  assertEquals(codecModules(["opus/48000/2", "PCMU", "PCMA", "G722", "unknown"]), [
    "opus",
    "g711",
    "g722",
  ]);
});
