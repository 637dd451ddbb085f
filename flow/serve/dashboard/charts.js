// Small inline SVG charts: a trend line (duration, MOS) with one dot per
// run colored by its result, and a strip of recent results. Each chart has
// a text alternative (role="img" with an aria-label).

const SVG = "http://www.w3.org/2000/svg";

/** An SVG element with attributes. */
export function svg(name, attrs = {}, children = []) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const child of children) el.append(child);
  return el;
}

function resultClass(status) {
  if (status === "passed") return "passed";
  if (status === "failed" || status === "error") return "failed";
  if (status === "running" || status === "queued") return "running";
  return "other";
}

/**
 * A line of `values` (oldest first; null for a gap) in a 300×48 box.
 * `label` describes it for screen readers, `kind` picks the color.
 */
export function trendChart(points, { label, kind = "duration", format = (v) => String(v) }) {
  const width = 300;
  const height = 48;
  const pad = 4;
  const values = points.map((p) => p.value).filter((v) => v !== null && v !== undefined);
  const root = svg("svg", {
    class: "chart",
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
  });
  if (values.length === 0) {
    root.setAttribute("aria-label", `${label}: no data yet`);
    root.append(
      svg("text", { x: 4, y: 28, "font-size": 12, fill: "currentColor" }, ["no data yet"]),
    );
    return root;
  }
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const x = (i) =>
    pad +
    (points.length === 1 ? (width - 2 * pad) / 2 : (i * (width - 2 * pad)) / (points.length - 1));
  const y = (v) => height - pad - ((v - min) / span) * (height - 2 * pad);
  let d = "";
  points.forEach((p, i) => {
    if (p.value === null || p.value === undefined) return;
    d += `${d === "" ? "M" : "L"}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`;
  });
  root.append(svg("path", { d, class: `line ${kind === "mos" ? "mos" : ""}` }));
  points.forEach((p, i) => {
    if (p.value === null || p.value === undefined) return;
    const dot = svg("circle", {
      cx: x(i),
      cy: y(p.value),
      r: 3,
      class: `dot-${resultClass(p.status)}`,
    });
    dot.append(svg("title", {}, [`${format(p.value)} (${p.status})`]));
    root.append(dot);
  });
  const last = values.at(-1);
  root.setAttribute(
    "aria-label",
    `${label} over the last ${values.length} runs: from ${format(min)} to ${format(max)}, last ${
      format(last)
    }`,
  );
  return root;
}

/** One square per run (oldest first), colored and titled by result. */
export function resultStrip(runs, label) {
  const size = 10;
  const gap = 2;
  const root = svg("svg", {
    class: "strip",
    viewBox: `0 0 ${Math.max(runs.length, 1) * (size + gap)} ${size}`,
    width: Math.max(runs.length, 1) * (size + gap),
    height: size,
    role: "img",
  });
  const passed = runs.filter((r) => r.status === "passed").length;
  root.setAttribute("aria-label", `${label}: ${passed} of ${runs.length} recent runs passed`);
  runs.forEach((r, i) => {
    const rect = svg("rect", {
      x: i * (size + gap),
      y: 0,
      width: size,
      height: size,
      rx: 2,
      class: resultClass(r.status),
    });
    rect.append(svg("title", {}, [`${r.status} ${r.startedAt ?? r.queuedAt}`]));
    root.append(rect);
  });
  return root;
}
