// Two runs side by side: summaries, scenario results, event lists aligned
// (a longest-common-subsequence of their normalized lines, so that a
// different port or time does not count as a difference), SIP ladders with
// the differing messages marked, and audio.
import { api } from "./api.js";
import { badge, describeEvent, duration, el, errorBox, mos, show } from "./dom.js";
import { messageLabel, sipLadder } from "./ladder.js";
import { audioSection, loadRun } from "./run.js";

/**
 * The longest common subsequence of `a` and `b` (arrays of strings) as
 * aligned pairs: `[i, j]`, `[i, null]` (only in a) or `[null, j]`.
 */
export function align(a, b) {
  const n = a.length;
  const m = b.length;
  const table = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i][j] = a[i] === b[j]
        ? table[i + 1][j + 1] + 1
        : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  const pairs = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) pairs.push([i++, j++]);
    else if (j >= m || (i < n && table[i + 1][j] >= table[i][j + 1])) pairs.push([i++, null]);
    else pairs.push([null, j++]);
  }
  return pairs;
}

/** An event line with what differs between any two runs (numbers, ids, addresses) blanked. */
export function normalized(text) {
  return text.replace(/\d+(\.\d+)?/g, "#").replace(/[0-9a-f]{8,}/gi, "…");
}

/** The compare page for `#/compare[/a[/b]]`. */
export async function comparePage(main, a, b) {
  if (!a || !b) return await pickRuns(main, a);
  const [left, right] = await Promise.all([loadRun(a), loadRun(b)]);
  show(
    main,
    el("h1", {}, [`Compare ${left.run.id} with ${right.run.id}`]),
    el("div", { class: "compare" }, [summary(left.run, "A"), summary(right.run, "B")]),
    scenarioTable(left.run, right.run),
    eventTable(left, right),
    ladders(left, right),
    el("div", { class: "compare" }, [
      el("section", { "aria-label": "Audio of run A" }, [
        audioSection(left.run) || el("p", {}, ["A saved no audio."]),
      ]),
      el("section", { "aria-label": "Audio of run B" }, [
        audioSection(right.run) || el("p", {}, ["B saved no audio."]),
      ]),
    ]),
  );
}

async function pickRuns(main, first) {
  const base = first ? await api(`/api/runs/${first}`) : undefined;
  const query = base ? `?monitor=${encodeURIComponent(base.monitor)}&limit=100` : "?limit=100";
  const { runs } = await api(`/api/runs${query}`);
  const options = (selected) =>
    runs.map((r) =>
      el("option", { value: r.id, selected: r.id === selected }, [
        `${r.id} ${r.monitor} ${r.status} ${r.startedAt ?? r.queuedAt}`,
      ])
    );
  const pickA = el("select", { id: "pick-a" }, options(first ?? runs[1]?.id));
  const pickB = el(
    "select",
    { id: "pick-b" },
    options(runs.find((r) => r.id !== (first ?? runs[1]?.id))?.id),
  );
  show(
    main,
    el("h1", {}, ["Compare two runs"]),
    runs.length < 2 ? errorBox("Comparing needs two runs in the archive.") : "",
    el("form", {
      class: "filters",
      onsubmit: (e) => {
        e.preventDefault();
        location.hash = `#/compare/${pickA.value}/${pickB.value}`;
      },
    }, [
      el("label", { for: "pick-a" }, ["Run A", pickA]),
      el("label", { for: "pick-b" }, ["Run B", pickB]),
      el("button", { type: "submit", class: "primary" }, ["Compare"]),
    ]),
  );
}

function summary(run, side) {
  return el("section", { "aria-label": `Run ${side}` }, [
    el("h2", {}, [
      `${side}: `,
      el("a", { href: `#/runs/${run.id}` }, [run.id]),
      " ",
      badge(run.status),
    ]),
    el("p", {}, [
      `${run.monitor}, ${run.startedAt ?? run.queuedAt}, ${
        duration(run.durationMs)
      }; ${run.counts.passed} passed, ${run.counts.failed} failed`,
    ]),
    run.message && run.status !== "passed" ? el("p", { class: "failure" }, [run.message]) : "",
  ]);
}

function scenarioTable(a, b) {
  const key = (s) => `${s.file} › ${s.name}`;
  const keys = [...new Set([...a.scenarios.map(key), ...b.scenarios.map(key)])];
  const byKey = (run) => new Map(run.scenarios.map((s) => [key(s), s]));
  const left = byKey(a);
  const right = byKey(b);
  const cell = (s) =>
    s ? [badge(s.status), ` ${duration(s.durationMs)}, MOS ${mos(lowestMos(s))}`] : ["not run"];
  return el("table", { id: "compare-scenarios" }, [
    el("caption", {}, ["Scenario results"]),
    el("thead", {}, [
      el("tr", {}, ["Scenario", "A", "B", ""].map((h) => el("th", { scope: "col" }, [h]))),
    ]),
    el(
      "tbody",
      {},
      keys.map((k) => {
        const differs = left.get(k)?.status !== right.get(k)?.status;
        return el("tr", { class: differs ? "diff" : "" }, [
          el("td", {}, [k]),
          el("td", {}, cell(left.get(k))),
          el("td", {}, cell(right.get(k))),
          el("td", {}, [differs ? el("span", { class: "diff-mark" }, ["≠ differs"]) : "same"]),
        ]);
      }),
    ),
  ]);
}

function lowestMos(scenario) {
  const values = scenario.agents.flatMap((a) => (a.quality ? [a.quality.mos] : []));
  return values.length > 0 ? Math.min(...values) : undefined;
}

function eventTable(left, right) {
  const lines = (data) => {
    const names = new Map(
      data.events.filter((e) => e.type === "scenario-start").map((e) => [e.id, e.name]),
    );
    return data.events.filter((e) => e.type !== "sip" && e.type !== "run-start").map((e) =>
      describeEvent(e, names)
    );
  };
  const a = lines(left);
  const b = lines(right);
  const pairs = align(a.map(normalized), b.map(normalized));
  const differing = pairs.filter(([i, j]) => i === null || j === null).length;
  return el("section", { "aria-labelledby": "compare-events-title" }, [
    el("h2", { id: "compare-events-title" }, [
      `Events (${differing} line${differing === 1 ? "" : "s"} differ)`,
    ]),
    el("table", { class: "aligned", id: "compare-events" }, [
      el("caption", { class: "visually-hidden" }, [
        "Events of A and B, aligned; rows only one run has are marked",
      ]),
      el("thead", {}, [
        el("tr", {}, [el("th", { scope: "col" }, ["A"]), el("th", { scope: "col" }, ["B"])]),
      ]),
      el(
        "tbody",
        {},
        pairs.map(([i, j]) => {
          const differs = i === null || j === null;
          return el("tr", { class: differs ? "diff" : "" }, [
            el("td", { class: i === null ? "empty" : "" }, [
              i === null ? el("span", { class: "diff-mark" }, ["only in B →"]) : a[i],
            ]),
            el("td", { class: j === null ? "empty" : "" }, [
              j === null ? el("span", { class: "diff-mark" }, ["← only in A"]) : b[j],
            ]),
          ]);
        }),
      ),
    ]),
  ]);
}

function ladders(left, right) {
  const names = (data) =>
    new Map(data.events.filter((e) => e.type === "scenario-start").map((e) => [e.id, e.name]));
  const ln = names(left);
  const rn = names(right);
  const byName = (sips, n) => new Map(sips.map((s) => [n.get(s.scenarioId) ?? s.scenarioId, s]));
  const l = byName(left.sip, ln);
  const r = byName(right.sip, rn);
  const scenarios = [...new Set([...l.keys(), ...r.keys()])];
  if (scenarios.length === 0) return "";
  return el("section", { "aria-labelledby": "compare-ladders" }, [
    el("h2", { id: "compare-ladders" }, ["SIP ladders"]),
    ...scenarios.map((name) => {
      const a = l.get(name);
      const b = r.get(name);
      const pairs = align(
        (a?.messages ?? []).map(messageLabel),
        (b?.messages ?? []).map(messageLabel),
      );
      const diffA = new Set(pairs.filter(([, j]) => j === null).map(([i]) => i));
      const diffB = new Set(pairs.filter(([i]) => i === null).map(([, j]) => j));
      return el("div", {}, [
        el("h3", {}, [name]),
        el("div", { class: "compare" }, [
          a
            ? sipLadder(a, { title: `${name} in A`, diff: diffA })
            : el("p", {}, ["A captured no SIP here."]),
          b
            ? sipLadder(b, { title: `${name} in B`, diff: diffB })
            : el("p", {}, ["B captured no SIP here."]),
        ]),
      ]);
    }),
  ]);
}
