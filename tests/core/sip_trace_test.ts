import { assertEquals } from "../assert.ts";
import {
  headerRecord,
  headerValue,
  headerValues,
  type SipMessage,
  SipTraceParser,
  type TraceItem,
} from "../../core/mod.ts";

/** Real output of baresip 1.0.0 -s (stdout and stderr) for a loopback call, callee side (port 29172). */
const CALLEE = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/sip_trace_1.0.0_callee.json", import.meta.url)),
) as string;
/** The caller side of the same call (port 20769). */
const CALLER = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/sip_trace_1.0.0_caller.json", import.meta.url)),
) as string;

function parseAll(chunks: string[], localPorts: number[]) {
  const parser = new SipTraceParser({ localPorts, now: () => 1_700_000_000_000 });
  const items: TraceItem[] = [];
  for (const chunk of chunks) items.push(...parser.push(chunk));
  items.push(...parser.flush());
  const messages = items.flatMap((i) => (i.kind === "sip" ? [i.message] : []));
  const text = items.map((i) => (i.kind === "text" ? i.text : "")).join("");
  return { messages, text };
}

function summary(messages: SipMessage[]): string[] {
  return messages.map((m) => `${m.direction} ${m.method ?? m.statusCode}`);
}

/** A small seeded PRNG so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

function splitRandomly(text: string, next: () => number): string[] {
  const chunks: string[] = [];
  let at = 0;
  while (at < text.length) {
    const size = 1 + Math.floor(next() * 120);
    chunks.push(text.slice(at, at + size));
    at += size;
  }
  return chunks;
}

Deno.test("sip trace parser", async (t) => {
  const whole = parseAll([CALLEE], [29172, 29173]);

  await t.step("finds every message of a real 1.0.0 call, with its direction", () => {
    assertEquals(summary(whole.messages), [
      "received INVITE",
      "sent 180",
      "sent 200",
      "received ACK",
      "received BYE",
      "sent 200",
    ]);
    assertEquals(
      summary(parseAll([CALLER], [20769, 20770]).messages),
      ["sent INVITE", "received 180", "received 200", "sent ACK", "sent BYE", "received 200"],
    );
  });

  await t.step("keeps transport, addresses, start line, headers and body", () => {
    const invite = whole.messages[0];
    assertEquals(invite.transport, "UDP");
    assertEquals(invite.source, { host: "127.0.0.1", port: 20769 });
    assertEquals(invite.destination, { host: "127.0.0.1", port: 29172 });
    assertEquals(invite.startLine, "INVITE sip:b@127.0.0.1:29172 SIP/2.0");
    assertEquals(invite.callId, "4478e45c75c19854");
    assertEquals(invite.timestamp, 1_700_000_000_000);
    assertEquals(headerValue(invite.headers, "cseq"), "41333 INVITE");
    assertEquals(invite.headers.length, 12);
    assertEquals(headerValue(invite.headers, "Supported"), "");
    assertEquals(new TextEncoder().encode(invite.body).length, 340);
    assertEquals(invite.body.startsWith("v=0\r\n"), true);
    assertEquals(invite.raw.endsWith("a=ptime:20\r\n"), true);
    assertEquals(whole.messages[1].startLine, "SIP/2.0 180 Ringing");
    assertEquals(whole.messages[1].body, "");
  });

  await t.step("passes the rest of the output through as text, trace markers removed", () => {
    assertEquals(whole.text.includes("Incoming call from:  sip:a@127.0.0.1:20769"), true);
    assertEquals(whole.text.includes("\x1b[36;1m"), false);
    assertEquals(whole.text.includes("Call-ID"), false);
    assertEquals(whole.text.includes("audio tx pipeline:      ausine ---> PCMU\n"), true);
  });

  await t.step("gives the same result however the output is split", () => {
    const next = random(42);
    for (let run = 0; run < 200; run++) {
      const split = parseAll(splitRandomly(CALLEE, next), [29172, 29173]);
      assertEquals(split.messages, whole.messages, `run ${run}`);
      assertEquals(split.text, whole.text, `run ${run}`);
    }
    const bytewise = parseAll([...CALLEE], [29172, 29173]);
    assertEquals(bytewise.messages, whole.messages);
    assertEquals(bytewise.text, whole.text);
  });

  await t.step("reads the 3.x/4.x format with baresip's time of day before '#'", () => {
    const now = new Date(2026, 10, 25, 14, 31, 0).getTime();
    const parser = new SipTraceParser({ localPorts: [29172], now: () => now });
    const timed = CALLEE.replaceAll("\x1b[36;1m#\n", "\x1b[36;1m14:30:01.123#\n");
    const items = parser.push(timed);
    const messages = items.flatMap((i) => (i.kind === "sip" ? [i.message] : []));
    assertEquals(messages.length, 6);
    assertEquals(messages[0].timestamp, new Date(2026, 10, 25, 14, 30, 1, 123).getTime());
  });

  await t.step("without colours, a message ends after Content-Length bytes of body", () => {
    const plain = CALLEE.replaceAll("\x1b[36;1m", "").replaceAll("\x1b[;m\n", "\n");
    const next = random(7);
    for (let run = 0; run < 50; run++) {
      const split = parseAll(splitRandomly(plain, next), [29172]);
      assertEquals(summary(split.messages), summary(whole.messages), `run ${run}`);
      assertEquals(split.messages[0].body, whole.messages[0].body);
    }
  });

  await t.step("a '#' line that is not followed by addresses stays text", () => {
    const { messages, text } = parseAll(["#\nnot an address\n# comment\nok\n"], []);
    assertEquals(messages, []);
    assertEquals(text, "#\nnot an address\n# comment\nok\n");
  });

  await t.step("TCP from a new local port: sent, and replies to that port are received", () => {
    const trace = [
      "\x1b[36;1m#\nTCP 127.0.0.1:40001 -> 10.0.0.1:5060\nREGISTER sip:pbx SIP/2.0\r\nCall-ID: r\r\nContent-Length: 0\r\n\r\n\x1b[;m\n",
      "\x1b[36;1m#\nTCP 10.0.0.1:5060 -> 127.0.0.1:40001\nSIP/2.0 200 OK\r\nCall-ID: r\r\nContent-Length: 0\r\n\r\n\x1b[;m\n",
      "\x1b[36;1m#\nTCP [::1]:5062 -> [::1]:5070\nOPTIONS sip:a SIP/2.0\r\ni: o\r\nl: 0\r\n\r\n\x1b[;m\n",
    ];
    const { messages } = parseAll(trace, [5070]);
    assertEquals(summary(messages), ["sent REGISTER", "received 200", "received OPTIONS"]);
    assertEquals(messages[2].source, { host: "::1", port: 5062 });
    assertEquals(messages[2].callId, "o");
  });

  await t.step("unfolds continuation lines", () => {
    const { messages } = parseAll([
      "\x1b[36;1m#\nUDP 1.2.3.4:5060 -> 1.2.3.5:5070\nINVITE sip:a SIP/2.0\r\nX-Long: one\r\n  two\r\nl: 0\r\n\r\n\x1b[;m\n",
    ], [5070]);
    assertEquals(headerValue(messages[0].headers, "x-long"), "one two");
  });
});

Deno.test("sip headers", async (t) => {
  const headers: Array<[string, string]> = [
    ["Via", "SIP/2.0/UDP a"],
    ["v", "SIP/2.0/UDP b"],
    ["f", "<sip:a@x>;tag=1"],
    ["X-Test", "one"],
    ["x-test", "two"],
    ["i", "abc"],
  ];

  await t.step("looks names up case-insensitively, compact forms included", () => {
    assertEquals(headerValue(headers, "FROM"), "<sip:a@x>;tag=1");
    assertEquals(headerValue(headers, "f"), "<sip:a@x>;tag=1");
    assertEquals(headerValue(headers, "Call-Id"), "abc");
    assertEquals(headerValue(headers, "X-Missing"), undefined);
  });

  await t.step("keeps repeats: all values in order, or joined with ', '", () => {
    assertEquals(headerValues(headers, "X-TEST"), ["one", "two"]);
    assertEquals(headerValue(headers, "via"), "SIP/2.0/UDP a, SIP/2.0/UDP b");
  });

  await t.step("a record keyed by full names, first spelling, repeats joined", () => {
    assertEquals(headerRecord(headers), {
      "Via": "SIP/2.0/UDP a, SIP/2.0/UDP b",
      "From": "<sip:a@x>;tag=1",
      "X-Test": "one, two",
      "Call-ID": "abc",
    });
  });
});
