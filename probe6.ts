import { Agent } from "./core/agent.ts";
import { call } from "./tests/core/calls.ts";
import { CallState } from "./core/mod.ts";
const mode = Deno.args[0] ?? "complete";
const [a, b, c] = await Promise.all(["A", "B", "C"].map((name) => Agent.start({ name })));
for (const x of [a, b, c]) {
  x.addEventListener("event", (e) => {
    const d = (e as CustomEvent).detail;
    if (!/RTCP|MODULE|SDP|RTPESTAB/.test(d.type)) {
      console.log(x.name, d.type, d.callId?.slice(0, 8) ?? "", d.param ?? "", d.peerUri ?? "");
    }
  });
}
await call(a, b);
console.log("--- B atransfer C");
await b.attendedTransfer(c.contactUri);
await c.waitFor((s) => s.calls.some((x) => x.state === CallState.Ringing));
await c.accept();
await b.waitFor((s) =>
  s.calls.some((x) => x.direction === "outgoing" && x.state === CallState.Established)
);
console.log(
  "B calls",
  JSON.stringify(b.snapshot.calls.map((x) => [x.direction, x.state, x.held, x.peer.number])),
);
console.log("---", mode);
if (mode === "complete") await b.completeTransfer();
else await b.abortTransfer();
await new Promise((r) => setTimeout(r, 1500));
for (const x of [a, b, c]) {
  console.log(
    x.name,
    JSON.stringify(x.snapshot.calls.map((y) => [y.direction, y.state, y.held, y.peer.number])),
    JSON.stringify(x.snapshot.ended.map((y) => [y.peer.number, y.close.cause, y.close.reason])),
  );
}
await Promise.all([a.stop(), b.stop(), c.stop()]);
