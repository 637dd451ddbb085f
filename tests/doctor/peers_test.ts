import { assertEquals } from "../assert.ts";
import { peerChecks } from "../../doctor/peers.ts";
import { fakePrograms, fakes } from "./fakes.ts";

Deno.test("kamailio and SIPp are found with their versions", async () => {
  await using f = await fakes();
  await fakePrograms(f, {
    kamailio: "version: kamailio 5.6.3 (x86_64/linux) \nflags: USE_TCP",
    sipp: "\n SIPp v3.6.1-SCTP-PCAP-RTPSTREAM.\n",
  });
  const [kamailio, sipp] = await peerChecks({ PATH: f.bin }, "debian", []);
  assertEquals([kamailio.name, kamailio.status], ["kamailio", "ok"]);
  assertEquals(kamailio.summary.startsWith(`5.6.3 (${f.bin}/kamailio): `), true, kamailio.summary);
  assertEquals([sipp.name, sipp.status], ["sipp", "ok"]);
  assertEquals(sipp.summary.startsWith(`3.6.1 (${f.bin}/sipp): `), true, sipp.summary);
});

Deno.test("missing peers are optional, with the command that installs them here", async () => {
  const [kamailio, sipp] = await peerChecks({ PATH: "/nonexistent" }, "debian", []);
  assertEquals([kamailio.status, sipp.status], ["absent", "absent"]);
  assertEquals(kamailio.fix, "sudo apt-get install kamailio kamailio-utils-modules");
  assertEquals(sipp.fix, "sudo apt-get install sip-tester");
  const [onMac] = await peerChecks({ PATH: "/nonexistent" }, "macos", []);
  assertEquals(onMac.fix, "brew install kamailio");
  const [unknown] = await peerChecks({ PATH: "/nonexistent" }, "other", []);
  assertEquals(unknown.fix, undefined);
});
