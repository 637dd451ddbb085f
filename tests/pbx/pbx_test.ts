import assert from "node:assert/strict";
import dgram from "node:dgram";
import { groupMembers, PBX_DOMAIN, startPbx, TEST_USERS, type TestPbx } from "./pbx.ts";
import {
  digestAuthorization,
  parseChallenge,
  SipUdpClient,
  type Transaction,
} from "./sip_client.ts";

const REGISTRAR_URI = `sip:${PBX_DOMAIN}`;

/** Register `user` with `password`; the contact is the client's own UDP port. */
function register(client: SipUdpClient, user: string, password: string): Promise<Transaction> {
  return client.requestWithAuth(
    {
      method: "REGISTER",
      uri: REGISTRAR_URI,
      from: user,
      to: `sip:${user}@${PBX_DOMAIN}`,
      headers: ["Expires: 60"],
    },
    password,
  );
}

/** The -f argument of a running process, read from /proc/<pid>/cmdline. */
async function configPathOf(pid: number): Promise<string> {
  const argv = (await Deno.readTextFile(`/proc/${pid}/cmdline`)).split("\0");
  const path = argv[argv.indexOf("-f") + 1];
  assert.ok(path?.endsWith("kamailio.cfg"), `unexpected cmdline ${argv.join(" ")}`);
  return path;
}

/** PIDs of live processes whose command line mentions `needle`. */
async function processesMentioning(needle: string): Promise<number[]> {
  const found: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const cmdline = await Deno.readTextFile(`/proc/${entry.name}/cmdline`);
      const stat = await Deno.readTextFile(`/proc/${entry.name}/stat`);
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      if (state !== "Z" && cmdline.includes(needle)) found.push(Number(entry.name));
    } catch {
      // process ended while scanning
    }
  }
  return found;
}

/** True if the process exists and is not a zombie (reaping orphans is init's job). */
async function isRunning(pid: number): Promise<boolean> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Assert that stop() left neither the main process, its children, nor the temp dir. */
async function assertFullyStopped(pbx: TestPbx, configPath: string, children: number[]) {
  assert.deepEqual(await processesMentioning(configPath), []);
  assert.deepEqual(await groupMembers(pbx.pid), []);
  for (const pid of [pbx.pid, ...children]) {
    assert.equal(await isRunning(pid), false, `process ${pid} is still running`);
  }
  assert.equal(await exists(configPath), false, "temp config still exists");
}

Deno.test("the test PBX registers, authenticates and routes SIP between the test users", async (t) => {
  const pbx = await startPbx();
  const configPath = await configPathOf(pbx.pid);
  const alice = await SipUdpClient.open(pbx);
  const bob = await SipUdpClient.open(pbx);
  try {
    await t.step("it listens on 127.0.0.1 with the fixed test users and domain 127.0.0.1", () => {
      assert.equal(pbx.host, "127.0.0.1");
      assert.equal(pbx.domain, "127.0.0.1");
      assert.ok(pbx.port > 0 && pbx.port < 65536);
      assert.deepEqual(pbx.users, {
        alice: "alice-secret",
        bob: "bob-secret",
        carol: "carol-secret",
        dave: "dave-secret",
      });
      assert.deepEqual(pbx.users, { ...TEST_USERS });
      assert.match(pbx.log(), /udp: 127\.0\.0\.1 \[127\.0\.0\.1\]:\d+/);
    });

    await t.step("an OPTIONS request to the PBX itself is answered with 200 over UDP", async () => {
      const tx = await alice.request({
        method: "OPTIONS",
        uri: `sip:${PBX_DOMAIN}:${pbx.port}`,
        from: "alice",
      });
      assert.equal(tx.response.status, 200);
      assert.equal(tx.response.header("server"), "ringo-test-pbx");
    });

    await t.step("an OPTIONS request over TCP on the same port is answered with 200", async () => {
      const conn = await Deno.connect({ hostname: pbx.host, port: pbx.port });
      try {
        const local = conn.localAddr as Deno.NetAddr;
        const request = [
          `OPTIONS sip:${PBX_DOMAIN}:${pbx.port};transport=tcp SIP/2.0`,
          `Via: SIP/2.0/TCP 127.0.0.1:${local.port};branch=z9hG4bK-tcp-${crypto.randomUUID()}`,
          "Max-Forwards: 70",
          "From: <sip:alice@127.0.0.1>;tag=tcp1",
          `To: <sip:${PBX_DOMAIN}:${pbx.port}>`,
          `Call-ID: tcp-${crypto.randomUUID()}`,
          "CSeq: 1 OPTIONS",
          "Content-Length: 0",
          "",
          "",
        ].join("\r\n");
        await conn.write(new TextEncoder().encode(request));
        let text = "";
        const buf = new Uint8Array(4096);
        while (!text.includes("\r\n\r\n")) {
          const n = await conn.read(buf);
          if (n === null) break;
          text += new TextDecoder().decode(buf.subarray(0, n));
        }
        assert.match(text, /^SIP\/2\.0 200 /);
      } finally {
        conn.close();
      }
    });

    await t.step(
      "a REGISTER without credentials is challenged with 401 and an MD5 digest for realm 127.0.0.1",
      async () => {
        const tx = await alice.request({
          method: "REGISTER",
          uri: REGISTRAR_URI,
          from: "alice",
          to: `sip:alice@${PBX_DOMAIN}`,
        });
        assert.equal(tx.response.status, 401);
        const challenge = parseChallenge(tx.response.header("www-authenticate") ?? "");
        assert.equal(challenge.realm, "127.0.0.1");
        assert.ok(challenge.nonce, "challenge carries a nonce");
        assert.equal(challenge.qop, "auth");
      },
    );

    await t.step(
      "a REGISTER with the right password is accepted with 200 and binds the contact",
      async () => {
        const tx = await register(alice, "alice", TEST_USERS.alice);
        assert.equal(tx.response.status, 200, tx.response.startLine);
        assert.match(
          tx.response.header("contact") ?? "",
          new RegExp(`127\\.0\\.0\\.1:${alice.port}`),
        );
        assert.match(tx.response.header("contact") ?? "", /expires=(60|59)/);
      },
    );

    await t.step("a REGISTER with a wrong password is rejected with 403", async () => {
      const tx = await register(alice, "alice", "not-alice-secret");
      assert.equal(tx.response.status, 403);
    });

    await t.step(
      "a REGISTER for an unknown user is rejected with 404 without a challenge",
      async () => {
        const tx = await alice.request({
          method: "REGISTER",
          uri: REGISTRAR_URI,
          from: "mallory",
          to: `sip:mallory@${PBX_DOMAIN}`,
        });
        assert.equal(tx.response.status, 404);
      },
    );

    await t.step(
      "a REGISTER whose credentials belong to another user is rejected with 403",
      async () => {
        const first = await alice.request({
          method: "REGISTER",
          uri: REGISTRAR_URI,
          from: "carol",
          to: `sip:carol@${PBX_DOMAIN}`,
        });
        assert.equal(first.response.status, 401);
        const auth = digestAuthorization(first.response.header("www-authenticate")!, {
          method: "REGISTER",
          uri: REGISTRAR_URI,
          username: "alice",
          password: TEST_USERS.alice,
        });
        const second = await alice.request({
          method: "REGISTER",
          uri: REGISTRAR_URI,
          from: "carol",
          to: `sip:carol@${PBX_DOMAIN}`,
          callId: first.callId,
          fromTag: first.fromTag,
          cseq: 2,
          headers: [`Authorization: ${auth}`],
        });
        assert.equal(second.response.status, 403);
      },
    );

    await t.step("a MESSAGE without credentials is challenged with 407", async () => {
      const tx = await alice.request({
        method: "MESSAGE",
        uri: `sip:bob@${PBX_DOMAIN}`,
        from: "alice",
        body: "hi",
      });
      assert.equal(tx.response.status, 407);
      const challenge = parseChallenge(tx.response.header("proxy-authenticate") ?? "");
      assert.equal(challenge.realm, "127.0.0.1");
    });

    await t.step(
      "an authenticated MESSAGE to a known user who is not registered gets 480",
      async () => {
        const tx = await alice.requestWithAuth(
          { method: "MESSAGE", uri: `sip:dave@${PBX_DOMAIN}`, from: "alice", body: "hi" },
          TEST_USERS.alice,
        );
        assert.equal(tx.response.status, 480);
      },
    );

    await t.step("an authenticated MESSAGE to an unknown user gets 404", async () => {
      const tx = await alice.requestWithAuth(
        { method: "MESSAGE", uri: `sip:nobody@${PBX_DOMAIN}`, from: "alice", body: "hi" },
        TEST_USERS.alice,
      );
      assert.equal(tx.response.status, 404);
    });

    await t.step("a MESSAGE with a wrong proxy password is rejected with 403", async () => {
      const tx = await alice.requestWithAuth(
        { method: "MESSAGE", uri: `sip:bob@${PBX_DOMAIN}`, from: "alice", body: "hi" },
        "wrong",
      );
      assert.equal(tx.response.status, 403);
    });

    await t.step(
      "a MESSAGE from a caller who is not a test user is rejected with 403",
      async () => {
        const tx = await alice.request({
          method: "MESSAGE",
          uri: `sip:bob@${PBX_DOMAIN}`,
          from: "mallory",
          body: "hi",
        });
        assert.equal(tx.response.status, 403);
      },
    );

    await t.step(
      "an authenticated MESSAGE to a registered user is relayed to its contact and answered",
      async () => {
        assert.equal((await register(bob, "bob", TEST_USERS.bob)).response.status, 200);
        const sending = alice.requestWithAuth(
          { method: "MESSAGE", uri: `sip:bob@${PBX_DOMAIN}`, from: "alice", body: "hello bob" },
          TEST_USERS.alice,
        );
        const incoming = await bob.nextRequest();
        assert.equal(incoming.method, "MESSAGE");
        assert.equal(incoming.uri, `sip:bob@127.0.0.1:${bob.port}`);
        assert.equal(incoming.body, "hello bob");
        assert.equal(incoming.header("proxy-authorization"), undefined, "credentials consumed");
        await bob.reply(incoming, 200, "OK", { toTag: "bobmsg" });
        assert.equal((await sending).response.status, 200);
      },
    );

    await t.step(
      "an INVITE dialog is record-routed: ACK and BYE reach the callee through the PBX",
      async () => {
        const sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
          "m=audio 40000 RTP/AVP 0\r\n";
        // kamailio's two UDP workers may relay a 180 and a 200 sent back to
        // back in either order: bob answers once alice has seen the 180.
        let ringing!: () => void;
        const rang = new Promise<void>((resolve) => (ringing = resolve));
        const inviting = alice.requestWithAuth(
          {
            method: "INVITE",
            uri: `sip:bob@${PBX_DOMAIN}`,
            from: "alice",
            body: sdp,
            contentType: "application/sdp",
            onProvisional: (response) => {
              if (response.status === 180) ringing();
            },
          },
          TEST_USERS.alice,
        );
        const invite = await bob.nextRequest();
        assert.equal(invite.method, "INVITE");
        const recordRoute = invite.header("record-route") ?? "";
        assert.match(recordRoute, new RegExp(`sip:127\\.0\\.0\\.1:${pbx.port};lr`));
        const bobContact = `<sip:bob@127.0.0.1:${bob.port}>`;
        await bob.reply(invite, 180, "Ringing", { toTag: "bobtag" });
        await rang;
        await bob.reply(invite, 200, "OK", {
          toTag: "bobtag",
          headers: [`Contact: ${bobContact}`, "Content-Type: application/sdp"],
          body: sdp,
        });
        const tx = await inviting;
        assert.equal(tx.response.status, 200);
        assert.ok(tx.provisional.some((r) => r.status === 180), "180 Ringing was relayed");
        const routeSet = tx.response.headers.get("record-route") ?? [];
        assert.ok(routeSet.length > 0, "200 OK carries the Record-Route");

        const inDialog = {
          uri: `sip:bob@127.0.0.1:${bob.port}`,
          from: "alice",
          to: `sip:bob@${PBX_DOMAIN}`,
          toTag: "bobtag",
          fromTag: tx.fromTag,
          callId: tx.callId,
          headers: [...routeSet].reverse().map((r) => `Route: ${r}`),
        };
        await alice.request({ ...inDialog, method: "ACK", cseq: tx.cseq });
        const ack = await bob.nextRequest();
        assert.equal(ack.method, "ACK");
        assert.equal(ack.header("call-id"), tx.callId);

        const byeing = alice.request({ ...inDialog, method: "BYE", cseq: tx.cseq + 1 });
        const bye = await bob.nextRequest();
        assert.equal(bye.method, "BYE");
        assert.match(bye.header("via") ?? "", new RegExp(`127\\.0\\.0\\.1:${pbx.port}`));
        await bob.reply(bye, 200, "OK");
        assert.equal((await byeing).response.status, 200);
      },
    );
  } finally {
    await alice.close();
    await bob.close();
    const children = (await groupMembers(pbx.pid)).filter((p) => p !== pbx.pid);
    await t.step(
      "stop() ends kamailio and all its forked children and removes the temp dir",
      async () => {
        assert.ok(children.length > 0, "kamailio had forked children");
        await pbx.stop();
        await assertFullyStopped(pbx, configPath, children);
        await pbx.stop(); // idempotent
      },
    );
  }
});

Deno.test("several test PBXs run side by side on different ports and all stop cleanly", async () => {
  const pbxs = await Promise.all([startPbx(), startPbx(), startPbx()]);
  const configs = await Promise.all(pbxs.map((p) => configPathOf(p.pid)));
  try {
    assert.equal(new Set(pbxs.map((p) => p.port)).size, 3);
    for (const pbx of pbxs) {
      await using client = await SipUdpClient.open(pbx);
      const tx = await register(client, "carol", TEST_USERS.carol);
      assert.equal(tx.response.status, 200);
    }
  } finally {
    await Promise.all(pbxs.map((p) => p.stop()));
  }
  for (const [i, pbx] of pbxs.entries()) await assertFullyStopped(pbx, configs[i], []);
});

Deno.test("extraUsers are accounts beside the test users, with their own passwords", async () => {
  await using pbx = await startPbx({ extraUsers: { load7: "load7-secret" } });
  assert.equal(pbx.users.load7, "load7-secret");
  assert.equal(pbx.users.alice, TEST_USERS.alice);
  await using client = await SipUdpClient.open(pbx);
  assert.equal((await register(client, "load7", "load7-secret")).response.status, 200);
  assert.equal((await register(client, "load7", "alice-secret")).response.status, 403);
  assert.equal((await register(client, "alice", TEST_USERS.alice)).response.status, 200);
});

Deno.test("`await using` stops the PBX at the end of the scope", async () => {
  let pid = 0;
  let configPath = "";
  {
    await using pbx = await startPbx();
    pid = pbx.pid;
    configPath = await configPathOf(pid);
  }
  assert.deepEqual(await groupMembers(pid), []);
  assert.deepEqual(await processesMentioning(configPath), []);
});

Deno.test("a PBX whose port is taken fails to start with kamailio's log in the error", async () => {
  const blocker = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => blocker.bind(0, "127.0.0.1", () => resolve()));
  const port = blocker.address().port;
  try {
    await assert.rejects(
      startPbx({ port, readyTimeoutMs: 5000 }),
      (err: Error) => {
        assert.match(err.message, /did not become ready: kamailio exited early/);
        assert.match(err.message, /kamailio log tail/);
        assert.match(err.message, /bind|in use/i);
        return true;
      },
    );
  } finally {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  }
});

Deno.test("extraConfig is appended to the generated kamailio config", async () => {
  const marker = `extra-config-${crypto.randomUUID()}`;
  await using pbx = await startPbx({
    extraConfig: `event_route[core:worker-one-init] {\n\txlog("L_INFO", "${marker}\\n");\n}\n`,
  });
  const configPath = await configPathOf(pbx.pid);
  assert.match(await Deno.readTextFile(configPath), new RegExp(marker));
  // worker-one-init runs in the first UDP worker, possibly after another worker answered.
  for (let i = 0; i < 100 && !pbx.log().includes(marker); i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(pbx.log().includes(marker), "the extra event_route ran");
});

Deno.test("a kamailio that does not react to SIGTERM is SIGKILLed after the grace period", async () => {
  const pbx = await startPbx();
  const configPath = await configPathOf(pbx.pid);
  const children = (await groupMembers(pbx.pid)).filter((p) => p !== pbx.pid);
  Deno.kill(pbx.pid, "SIGSTOP"); // a stopped process cannot handle SIGTERM
  const started = performance.now();
  await pbx.stop();
  assert.ok(performance.now() - started >= 2500, "stop() waited for the grace period");
  await assertFullyStopped(pbx, configPath, children);
});
