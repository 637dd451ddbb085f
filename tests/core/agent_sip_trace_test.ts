/**
 * The SIP trace of real baresip agents: messages kept per agent with their
 * direction, and the received INVITE of an incoming call found by Call-ID —
 * with custom headers sent by a raw UDP peer.
 */
import { createSocket } from "node:dgram";
import { assertEquals } from "../assert.ts";
import {
  Agent,
  Capabilities,
  CapabilityError,
  detectBaresip,
  formatVersion,
  headerValue,
  headerValues,
  parseSipText,
} from "../../core/mod.ts";
import { rawInvite } from "../raw_invite.ts";
import { traced } from "./calls.ts";
import { startPbx, TEST_USERS } from "../pbx/pbx.ts";

Deno.test("an agent keeps its SIP signalling and the INVITE of an incoming call", async (t) => {
  await using a = await Agent.start({ name: "A", sipTrace: true });
  await using b = await Agent.start({ name: "B", sipTrace: true });

  await t.step("a loopback call: both ends see INVITE, 180, 200, ACK, BYE, 200", async () => {
    await a.dial(b.contactUri);
    const ringing = await b.waitFor((s) => s.calls.some((c) => c.state === "ringing"));
    await b.accept();
    await a.waitFor((s) => s.calls.some((c) => c.state === "established"));
    await b.waitFor((s) => s.calls.some((c) => c.state === "established"));
    await a.hangup();
    await b.waitFor((s) => s.calls.length === 0);
    await a.waitFor((s) => s.calls.length === 0);
    // The 200 to the BYE may be parsed just after CALL_CLOSED.
    await traced(
      a,
      (m) => m.statusCode === 200 && /BYE/.test(headerValue(m.headers, "CSeq")!),
      "the 200 to the BYE",
    );

    const callId = ringing.calls[0].id!;
    const invite = b.receivedInvite();
    assertEquals(invite?.callId, callId);
    assertEquals(b.receivedInvite(callId), invite);
    assertEquals(invite?.source.port, a.ports.sip);
    const flow = (agent: Agent) =>
      agent.sipMessages.filter((m) => m.callId === callId).map((m) =>
        `${m.direction} ${m.method ?? m.statusCode}`
      );
    assertEquals(flow(a), [
      "sent INVITE",
      "received 180",
      "received 200",
      "sent ACK",
      "sent BYE",
      "received 200",
    ]);
    assertEquals(flow(b), [
      "received INVITE",
      "sent 180",
      "sent 200",
      "received ACK",
      "received BYE",
      "sent 200",
    ]);
    assertEquals(a.receivedInvite(), undefined);
    assertEquals(b.log.text().includes(`── SIP received `), true);
  });

  await t.step("custom headers of an INVITE from another peer are found by name", async () => {
    const socket = createSocket("udp4");
    await new Promise<void>((r) => socket.bind(0, "127.0.0.1", r));
    const port = socket.address().port;
    try {
      const callId = `raw-${crypto.randomUUID()}`;
      const invite = rawInvite(b.contactUri, port, callId, [
        ["X-Test", "hello world"],
        ["X-Multi", "one"],
        ["x-multi", "two"],
        ["X-Uuid", "4b1f0c2e-8d7e-4a51-9b7a-0f6c2d3e4f5a"],
      ]);
      await new Promise<void>((resolve, reject) =>
        socket.send(invite, b.ports.sip, "127.0.0.1", (e) => (e ? reject(e) : resolve()))
      );
      // The trace (stdout) may be read after the ringing event (ctrl_tcp).
      await b.waitFor(
        (s) =>
          s.calls.some((c) => c.id === callId && c.state === "ringing") &&
          b.receivedInvite(callId) !== undefined,
        { description: "B rings for the raw INVITE, whose trace is read" },
      );
      const received = b.receivedInvite();
      assertEquals(received?.callId, callId);
      assertEquals(headerValue(received!.headers, "x-test"), "hello world");
      assertEquals(headerValues(received!.headers, "X-MULTI"), ["one", "two"]);
      assertEquals(headerValue(received!.headers, "f"), `<sip:raw@127.0.0.1:${port}>;tag=r1`);
      assertEquals(
        headerValue(received!.headers, "X-Uuid"),
        "4b1f0c2e-8d7e-4a51-9b7a-0f6c2d3e4f5a",
      );
      const busy = new Promise<void>((resolve) => {
        const onMessage = (data: Uint8Array) => {
          if (!new TextDecoder().decode(data).startsWith("SIP/2.0 486")) return;
          socket.off("message", onMessage);
          resolve();
        };
        socket.on("message", onMessage);
      });
      await b.reject();
      await b.waitFor((s) => s.calls.length === 0);
      assertEquals(b.receivedInvite(), received, "the last incoming call's INVITE stays readable");
      await busy; // the raw peer gets the 486 (the test's own timeout if it never comes)
    } finally {
      socket.close();
    }
  });
});

Deno.test("custom INVITE headers: sent per call on baresip ≥ 2.0.0, a clear error before", async () => {
  const install = await detectBaresip();
  const caps = new Capabilities(install.version);
  const headers: Array<[string, string]> = [
    ["X-Call", "id-${uuid}"],
    ["X-Call", "again-${uuid}"],
    ["X-Price", "$$5 a b"],
  ];
  if (!caps.has("custom-headers")) {
    const error = await Agent.start({
      name: "H",
      account: { username: "h", domain: "127.0.0.1", headers },
    }).then(
      async (a) => {
        await a.stop();
        throw new Error("an agent with headers started on a baresip without custom headers");
      },
      (e: Error) => e,
    );
    assertEquals(error instanceof CapabilityError, true, String(error));
    assertEquals(
      error.message,
      `custom SIP headers on outgoing INVITEs needs baresip ≥ 2.0.0 (this is baresip ${
        formatVersion(install.version)
      })`,
    );
    return;
  }
  // baresip ≥ 2.0.0: two calls, each INVITE with its own uuid shared by its headers.
  await using b = await Agent.start({ name: "B", sipTrace: true });
  await using a = await Agent.start({
    name: "A",
    account: { username: "a", domain: "127.0.0.1", headers },
  });
  const uuids: string[] = [];
  for (let call = 0; call < 2; call++) {
    await a.dial(b.contactUri);
    await b.waitFor((s) => s.calls.some((c) => c.state === "ringing"));
    const invite = b.receivedInvite()!;
    const values = headerValues(invite.headers, "X-Call");
    const uuid = values[0].slice(3);
    assertEquals(values, [`id-${uuid}`, `again-${uuid}`]);
    assertEquals(headerValue(invite.headers, "X-Price"), "$5 a b");
    uuids.push(uuid);
    await b.reject();
    await a.waitFor((s) => s.calls.length === 0);
  }
  assertEquals(uuids[0] === uuids[1], false);
});

Deno.test("custom INVITE headers reach a raw SIP peer on the wire, one uuid per INVITE", async () => {
  const install = await detectBaresip();
  if (!new Capabilities(install.version).has("custom-headers")) return; // refused: test above
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const port = socket.address().port;
  const invites: ReturnType<typeof parseSipText>[] = [];
  const arrived = new EventTarget();
  socket.on("message", (bytes: Uint8Array, from: { port: number; address: string }) => {
    const message = parseSipText(new TextDecoder().decode(bytes));
    if (message?.method !== "INVITE") return;
    invites.push(message);
    arrived.dispatchEvent(new Event("invite"));
    // Decline it, so the caller's call ends at once.
    const reply = [
      "SIP/2.0 486 Busy Here",
      ...message.headers.filter(([n]) => /^(via|v|from|f|to|t|call-id|i|cseq)$/i.test(n))
        .map(([n, v]) => /^(to|t)$/i.test(n) ? `${n}: ${v};tag=raw` : `${n}: ${v}`),
      "Content-Length: 0",
      "",
      "",
    ].join("\r\n");
    socket.send(new TextEncoder().encode(reply), from.port, from.address);
  });
  try {
    await using a = await Agent.start({
      name: "A",
      account: {
        username: "a",
        domain: "127.0.0.1",
        headers: [["X-Test-Id", "${uuid}"], ["X-Other", "call ${uuid} $$1"]],
      },
    });
    for (let n = 1; n <= 2; n++) {
      const got = new Promise((r) => arrived.addEventListener("invite", r, { once: true }));
      await a.dial(`sip:peer@127.0.0.1:${port}`);
      await got;
      await a.waitFor((s) => s.calls.length === 0, { description: "A's call declined" });
    }
    const ids = invites.map((m) => headerValue(m!.headers, "X-Test-Id")!);
    assertEquals(ids.length, 2);
    for (const [i, m] of invites.entries()) {
      assertEquals(/^[0-9a-f-]{36}$/.test(ids[i]), true, ids[i]);
      assertEquals(headerValue(m!.headers, "X-Other"), `call ${ids[i]} $1`);
    }
    assertEquals(ids[0] === ids[1], false);
  } finally {
    socket.close();
  }
});

Deno.test("the SIP trace through a real kamailio: registration and a proxied INVITE", async () => {
  await using pbx = await startPbx();
  const account = (user: "alice" | "bob") => ({
    username: user,
    domain: `${pbx.domain}:${pbx.port}`,
    password: TEST_USERS[user],
  });
  await using alice = await Agent.start({
    name: "alice",
    account: account("alice"),
    sipTrace: true,
  });
  await using bob = await Agent.start({ name: "bob", account: account("bob"), sipTrace: true });
  await Promise.all([alice.register(), bob.register()]);
  await Promise.all([
    alice.waitFor((s) => s.registration.state === "registered"),
    bob.waitFor((s) => s.registration.state === "registered"),
  ]);
  await traced(
    alice,
    (m) => m.statusCode === 200 && /REGISTER/.test(headerValue(m.headers, "CSeq")!),
    "the 200 to the REGISTER",
  );
  const registration = alice.sipMessages
    .filter((m) => /REGISTER/.test(headerValue(m.headers, "CSeq") ?? ""))
    .map((m) => `${m.direction} ${m.method ?? m.statusCode}`);
  assertEquals(registration, ["sent REGISTER", "received 401", "sent REGISTER", "received 200"]);

  await alice.dial("bob");
  const s = await bob.waitFor((s) =>
    s.calls.some((c) => c.state === "ringing") && bob.receivedInvite() !== undefined
  );
  const invite = bob.receivedInvite()!;
  assertEquals(invite.callId, s.calls[0].id);
  assertEquals(invite.source.port, pbx.port, "the INVITE comes from the proxy");
  assertEquals(headerValues(invite.headers, "Via").length, 2, "the proxy's Via and alice's");
  assertEquals(headerValue(invite.headers, "Record-Route")?.includes(`${pbx.port}`), true);
  await bob.reject();
  await alice.waitFor((s) => s.calls.length === 0);
});
