import { assertEquals, assertMatch, assertThrows } from "../assert.ts";
import {
  AgentError,
  headerList,
  parseAccountSettings,
  renderAccountLine,
  renderAgentConfig,
  SILENT_SOURCE,
} from "../../core/mod.ts";

Deno.test("agent config rendering", async (t) => {
  const base = {
    modulePath: "/usr/lib/baresip/modules",
    sipPort: 20100,
    ctrlPort: 20200,
    audioDevice: "ringo-20200",
  };

  await t.step("a loopback agent listens and pins its addresses to 127.0.0.1", () => {
    const text = renderAgentConfig({ ...base, loopback: true });
    assertMatch(text, /^sip_listen\t127\.0\.0\.1:20100$/m);
    assertMatch(text, /^net_interface\t127\.0\.0\.1$/m);
    assertMatch(text, /^ctrl_tcp_listen\t127\.0\.0\.1:20200$/m);
  });

  await t.step("a remote agent listens on all interfaces but keeps ctrl_tcp on loopback", () => {
    const text = renderAgentConfig({ ...base, loopback: false });
    assertMatch(text, /^sip_listen\t0\.0\.0\.0:20100$/m);
    assertEquals(/net_interface/.test(text), false);
    assertMatch(text, /^ctrl_tcp_listen\t127\.0\.0\.1:20200$/m);
  });

  await t.step("uses virtual audio only: aubridge player, sine source at 48 kHz stereo", () => {
    const text = renderAgentConfig({ ...base, loopback: true });
    assertMatch(text, /^audio_player\taubridge,ringo-20200$/m);
    assertMatch(text, new RegExp(`^audio_source\\t${SILENT_SOURCE}$`, "m"));
    assertMatch(text, /^ausrc_srate\t48000$/m);
    assertMatch(text, /^ausrc_channels\t2$/m);
    assertEquals(/alsa|pulse|stdio/.test(text), false);
  });

  await t.step("loads menu before ctrl_tcp, and sndfile only when recording", () => {
    const plain = renderAgentConfig({ ...base, loopback: true });
    assertEquals(plain.indexOf("menu.so") < plain.indexOf("ctrl_tcp.so"), true);
    assertEquals(plain.includes("sndfile"), false);
    const rec = renderAgentConfig({ ...base, loopback: true, recordDir: "/tmp/rec" });
    assertMatch(rec, /^module\tsndfile\.so$/m);
    assertMatch(rec, /^snd_path\t\/tmp\/rec$/m);
  });
});

Deno.test("account line rendering", async (t) => {
  await t.step("renders every setting baresip's account line knows", () => {
    const line = renderAccountLine({
      username: "alice",
      domain: "pbx.example.com:5080",
      password: "s3cret",
      display_name: "Alice A",
      transport: "tcp",
      auth_user: "alice-auth",
      outbound: "sip:proxy.example.com;transport=tls",
      stun_server: "stun.example.com:3478",
      media_enc: "srtp",
      mwi: true,
      dtmf_mode: "info",
    }, { regint: 600 });
    assertEquals(
      line,
      '"Alice A" <sip:alice@pbx.example.com:5080;transport=tcp>;auth_user=alice-auth;auth_pass=s3cret;' +
        'outbound="sip:proxy.example.com;transport=tls";medianat=stun;stunserver=stun:stun.example.com:3478;' +
        "mediaenc=srtp;regint=600;mwi=yes;dtmfmode=info;answermode=manual",
    );
  });

  await t.step("a minimal account does not register when regint is 0", () => {
    assertEquals(
      renderAccountLine({ username: "b", domain: "127.0.0.1:5070" }, { regint: 0 }),
      "<sip:b@127.0.0.1:5070>;regint=0;answermode=manual",
    );
  });

  await t.step("refuses a password baresip would cut at a ';' or space", () => {
    assertThrows(
      () => renderAccountLine({ username: "a", domain: "d", password: "x;y" }, { regint: 0 }),
      AgentError,
      "password cannot contain",
    );
  });

  await t.step("validates settings and names the bad field", () => {
    assertThrows(
      () => parseAccountSettings({ username: "a", domain: "d", transport: "sctp" }),
      AgentError,
      "transport",
    );
    assertThrows(
      () => parseAccountSettings({ username: "a b", domain: "d" }),
      AgentError,
      "username",
    );
    assertThrows(
      () => parseAccountSettings({ username: "a", domain: "d", pasword: "x" }),
      AgentError,
      "invalid account setting",
    );
  });

  await t.step("keeps header order and repeats", () => {
    assertEquals(headerList([["X-A", "1"], ["X-B", "2"], ["X-A", "3"]]), [["X-A", "1"], [
      "X-B",
      "2",
    ], ["X-A", "3"]]);
    assertEquals(headerList({ "X-Id": 7 }), [["X-Id", "7"]]);
  });
});
