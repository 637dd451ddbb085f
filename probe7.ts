import { Agent } from "./core/agent.ts";
import { call } from "./tests/core/calls.ts";
const a = await Agent.start({ name: "A" });
const b = await Agent.start({ name: "B" });
a.addEventListener("event", (e) => {
  const d = (e as CustomEvent).detail;
  if (!/RTCP|MODULE/.test(d.type)) {
    console.log("A", d.type, d.param ?? "", JSON.stringify(d.raw).slice(0, 400));
  }
});
await call(a, b);
await b.hold();
await new Promise((r) => setTimeout(r, 500));
console.log(JSON.stringify(a.snapshot.calls));
await a.stop();
await b.stop();
