// The SIP ladder: one lane per SIP address (named after its agent), one
// arrow per message in time order. Each arrow is a button: click it (or
// Enter/Space) to read the whole message in a dialog.
import { svg } from "./charts.js";

const LANE_GAP = 230;
const ROW = 34;
const TOP = 52;
const LEFT = 80;

/** What an arrow says: the method, or the status code and reason. */
export function messageLabel(m) {
  if (m.method) {
    const cseq = /\r?\nCSeq:\s*\d+\s+(\S+)/i.exec(m.raw)?.[1];
    return m.method === "ACK" || !cseq || cseq === m.method ? m.method : `${m.method} (${cseq})`;
  }
  const reason = m.startLine.replace(/^SIP\/2\.0\s+/, "");
  const cseq = /\r?\nCSeq:\s*\d+\s+(\S+)/i.exec(m.raw)?.[1];
  return cseq ? `${reason} (${cseq})` : reason;
}

/** The lanes of a capture: its addresses in order of first use, each named. */
export function lanesOf(sip) {
  const lanes = [];
  const seen = new Set();
  for (const m of sip.messages) {
    for (const address of [m.source, m.destination]) {
      if (seen.has(address)) continue;
      seen.add(address);
      lanes.push({ address, name: sip.endpoints[address] ?? "" });
    }
  }
  return lanes;
}

/**
 * The ladder of one scenario's `sip` event as an SVG. `diff` (optional) is
 * a set of message indexes to mark as differing (compare view).
 */
export function sipLadder(sip, { title, diff } = {}) {
  const lanes = lanesOf(sip);
  const laneX = new Map(lanes.map((lane, i) => [lane.address, LEFT + i * LANE_GAP]));
  const width = LEFT + Math.max(lanes.length - 1, 1) * LANE_GAP + 120;
  const height = TOP + sip.messages.length * ROW + 20;
  const root = svg("svg", {
    class: "ladder",
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: "group",
    "aria-label": `${
      title ?? "SIP ladder"
    }: ${sip.messages.length} messages between ${lanes.length} addresses`,
  });
  for (const lane of lanes) {
    const x = laneX.get(lane.address);
    root.append(
      svg("text", { x, y: 16, "text-anchor": "middle", class: "lane-label" }, [
        lane.name || "peer",
      ]),
      svg("text", { x, y: 32, "text-anchor": "middle", class: "lane-addr" }, [lane.address]),
      svg("line", { x1: x, y1: 40, x2: x, y2: height - 10, class: "lane" }),
    );
  }
  const t0 = sip.messages[0]?.timestamp ?? 0;
  sip.messages.forEach((m, i) => {
    const y = TOP + i * ROW + 18;
    const x1 = laneX.get(m.source);
    const x2 = laneX.get(m.destination);
    const right = x2 >= x1;
    const label = messageLabel(m);
    const from = sip.endpoints[m.source] ?? m.source;
    const to = sip.endpoints[m.destination] ?? m.destination;
    const offset = `+${Math.round(m.timestamp - t0)} ms`;
    const kind = m.statusCode ? (m.statusCode >= 400 ? "error" : "response") : "request";
    const g = svg("g", {
      class: `msg ${kind}${diff?.has(i) ? " diff" : ""}`,
      tabindex: 0,
      role: "button",
      "aria-label": `${label}, ${from} to ${to}, ${offset}${
        diff?.has(i) ? ", differs from the other run" : ""
      }`,
      "data-index": i,
    });
    const head = right
      ? `${x2},${y} ${x2 - 8},${y - 4} ${x2 - 8},${y + 4}`
      : `${x2},${y} ${x2 + 8},${y - 4} ${x2 + 8},${y + 4}`;
    g.append(
      svg("rect", { class: "hit", x: 0, y: y - ROW + 8, width, height: ROW - 2 }),
      svg("text", { x: 4, y: y - 4, class: "time" }, [offset]),
      svg("line", { x1, y1: y, x2: right ? x2 - 6 : x2 + 6, y2: y }),
      svg("polygon", { points: head }),
      svg("text", { x: (x1 + x2) / 2, y: y - 6, "text-anchor": "middle" }, [label]),
    );
    const open = () => showMessage(m, from, to, offset);
    g.addEventListener("click", open);
    g.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        open();
      }
    });
    root.append(g);
  });
  const wrap = document.createElement("div");
  wrap.className = "ladder-wrap";
  wrap.append(root);
  return wrap;
}

function showMessage(m, from, to, offset) {
  const dialog = document.getElementById("sip-dialog");
  document.getElementById("sip-dialog-title").textContent = messageLabel(m);
  document.getElementById("sip-dialog-meta").textContent =
    `${m.transport} ${from} (${m.source}) → ${to} (${m.destination}), ${offset}, ${
      new Date(m.timestamp).toISOString()
    }`;
  document.getElementById("sip-dialog-body").textContent = m.raw.replace(/\r\n/g, "\n");
  dialog.showModal();
}
