// The login page, the monitors page, one monitor's page and the runs list.
import { api, ApiError } from "./api.js";
import { resultStrip, trendChart } from "./charts.js";
import { badge, duration, el, errorBox, mos, show, when } from "./dom.js";

/** The login form; `onLoggedIn(session)` runs after a successful login. */
export function loginPage(main, onLoggedIn, notice) {
  const message = el("div", { "aria-live": "assertive" });
  const user = el("input", { id: "user", name: "user", autocomplete: "username", required: true });
  const password = el("input", {
    id: "password",
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const submit = el("button", { type: "submit", class: "primary" }, ["Log in"]);
  const form = el("form", {
    class: "login",
    onsubmit: async (e) => {
      e.preventDefault();
      submit.disabled = true;
      message.replaceChildren();
      try {
        const session = await api("/api/session", {
          method: "POST",
          json: { user: user.value, password: password.value },
        });
        onLoggedIn(session);
      } catch (error) {
        message.replaceChildren(
          errorBox(error instanceof ApiError ? error.message : String(error)),
        );
        password.value = "";
        password.focus();
      } finally {
        submit.disabled = false;
      }
    },
  }, [
    el("label", { for: "user" }, ["User", user]),
    el("label", { for: "password" }, ["Password", password]),
    submit,
  ]);
  show(main, el("h1", {}, ["Log in"]), notice ? errorBox(notice) : "", message, form);
  user.focus();
}

/** The monitors page: one card per monitor with its state, trends and a Run-now button. */
export async function monitorsPage(main, session, { onRunStarted }) {
  const { monitors } = await api("/api/monitors");
  const cards = el(
    "div",
    { class: "cards" },
    monitors.map((m) => monitorCard(m, session, onRunStarted)),
  );
  show(
    main,
    el("h1", {}, ["Monitors"]),
    monitors.length === 0 ? el("p", {}, ["The config has no [[monitor]] yet."]) : cards,
  );
}

function monitorCard(m, session, onRunStarted) {
  const oldestFirst = [...m.recent].reverse();
  const finished = oldestFirst.filter((r) => r.durationMs !== undefined);
  const rate = m.successRate === undefined ? "–" : `${Math.round(m.successRate * 100)} %`;
  const runButton = session.scopes.includes("run")
    ? el("button", {
      type: "button",
      class: "primary",
      "data-run": m.name,
      onclick: async (e) => {
        e.target.disabled = true;
        try {
          const started = await api(`/api/monitors/${encodeURIComponent(m.name)}/runs`, {
            method: "POST",
          });
          onRunStarted(started.id);
        } catch (error) {
          e.target.after(errorBox(error.message));
          e.target.disabled = false;
        }
      },
    }, [`Run ${m.name} now`])
    : "";
  return el("article", {
    class: "card",
    "data-monitor": m.name,
    "aria-labelledby": `monitor-${m.name}`,
  }, [
    el("h2", { id: `monitor-${m.name}` }, [
      el("a", { href: `#/monitors/${encodeURIComponent(m.name)}` }, [m.name]),
      badge(m.state === "idle" && m.lastRun ? m.lastRun.status : m.state),
    ]),
    m.description ? el("p", { class: "muted" }, [m.description]) : "",
    el("dl", {}, [
      el("dt", {}, ["Last run"]),
      el(
        "dd",
        {},
        m.lastRun
          ? [
            el("a", { href: `#/runs/${m.lastRun.id}` }, [m.lastRun.status]),
            " ",
            when(m.lastRun.startedAt ?? m.lastRun.queuedAt),
          ]
          : ["never"],
      ),
      el("dt", {}, ["Next run"]),
      el("dd", {}, [m.nextRun ? when(m.nextRun) : m.schedule ? "–" : "on demand"]),
      el("dt", {}, ["Schedule"]),
      el("dd", {}, [m.schedule ? `${m.schedule}${m.timezone ? ` (${m.timezone})` : ""}` : "none"]),
      el("dt", {}, ["Success rate"]),
      el("dd", {}, [`${rate} of ${m.recent.length} recent`]),
    ]),
    resultStrip(oldestFirst, `${m.name} results`),
    el("p", { class: "chart-label" }, ["Duration"]),
    trendChart(finished.map((r) => ({ value: r.durationMs / 1000, status: r.status })), {
      label: `${m.name} run duration in seconds`,
      format: (v) => `${v.toFixed(1)} s`,
    }),
    el("p", { class: "chart-label" }, ["MOS (lowest agent)"]),
    trendChart(finished.map((r) => ({ value: r.mos ?? null, status: r.status })), {
      label: `${m.name} MOS`,
      kind: "mos",
      format: (v) => v.toFixed(2),
    }),
    el("div", { class: "actions" }, [
      runButton,
      el("a", { class: "button", href: `#/monitors/${encodeURIComponent(m.name)}` }, ["Runs"]),
    ]),
  ]);
}

/** One monitor: its config and its runs, with two picked for comparing. */
export async function monitorPage(main, name) {
  const m = await api(`/api/monitors/${encodeURIComponent(name)}`);
  const { runs } = await api(`/api/runs?monitor=${encodeURIComponent(name)}&limit=100`);
  show(
    main,
    el("h1", {}, [`Monitor ${m.name} `, badge(m.state)]),
    m.description ? el("p", {}, [m.description]) : "",
    el("table", {}, [
      el("caption", {}, ["Configuration"]),
      el("tbody", {}, [
        row("Paths", m.paths.join(", ")),
        row(
          "Schedule",
          m.schedule ? `${m.schedule}${m.timezone ? ` (${m.timezone})` : ""}` : "on demand",
        ),
        row("Timeout", duration(m.timeoutMs)),
        row("Retries", String(m.retries)),
        row("Tags", m.tags.join(", ") || "all"),
        row("Excluded tags", m.excludeTags.join(", ") || "none"),
        row("Env files", m.envFiles.join(", ") || "none (values are never shown)"),
        row("Audio saved", m.saveAudio ? "yes" : "no"),
      ]),
    ]),
    runsTable(runs, { compare: true, caption: `Runs of ${m.name}` }),
  );
}

function row(name, value) {
  return el("tr", {}, [el("th", { scope: "row" }, [name]), el("td", {}, [value])]);
}

/** All runs, filtered by monitor and status. */
export async function runsPage(main, params) {
  const query = new URLSearchParams();
  for (const key of ["monitor", "status", "before"]) {
    if (params.get(key)) query.set(key, params.get(key));
  }
  query.set("limit", "100");
  const [{ runs, next }, { monitors }] = await Promise.all([
    api(`/api/runs?${query}`),
    api("/api/monitors"),
  ]);
  const monitor = el("select", { id: "filter-monitor", name: "monitor" }, [
    el("option", { value: "" }, ["all"]),
    ...monitors.map((m) =>
      el("option", { value: m.name, selected: params.get("monitor") === m.name }, [m.name])
    ),
  ]);
  const status = el("select", { id: "filter-status", name: "status" }, [
    el("option", { value: "" }, ["any"]),
    ...["passed", "failed", "timeout", "error", "interrupted", "running", "queued"].map((s) =>
      el("option", { value: s, selected: params.get("status") === s }, [s])
    ),
  ]);
  const apply = () => {
    const q = new URLSearchParams();
    if (monitor.value) q.set("monitor", monitor.value);
    if (status.value) q.set("status", status.value);
    location.hash = `#/runs?${q}`;
  };
  monitor.addEventListener("change", apply);
  status.addEventListener("change", apply);
  const nextLink = next
    ? el("a", { class: "button", href: `#/runs?${new URL(next, location.origin).searchParams}` }, [
      "Older runs",
    ])
    : "";
  show(
    main,
    el("h1", {}, ["Runs"]),
    el("div", { class: "filters" }, [
      el("label", { for: "filter-monitor" }, ["Monitor", monitor]),
      el("label", { for: "filter-status" }, ["Status", status]),
    ]),
    runsTable(runs, { compare: true, caption: "Runs, newest first" }),
    nextLink,
  );
}

/** A table of run summaries; with `compare`, two checkboxes pick runs for the compare view. */
export function runsTable(runs, { compare = false, caption }) {
  if (runs.length === 0) return el("p", {}, ["No runs yet."]);
  const picked = [];
  const go = el("a", {
    class: "button",
    href: "#/compare",
    "aria-disabled": "true",
    id: "compare-picked",
  }, ["Compare the two picked runs"]);
  const update = () => {
    go.setAttribute(
      "href",
      picked.length === 2 ? `#/compare/${picked[0]}/${picked[1]}` : "#/compare",
    );
    go.setAttribute("aria-disabled", picked.length === 2 ? "false" : "true");
  };
  const table = el("table", { class: "runs" }, [
    el("caption", {}, [caption]),
    el("thead", {}, [el("tr", {}, [
      compare
        ? el("th", { scope: "col" }, [el("span", { class: "visually-hidden" }, ["Compare"])])
        : "",
      ...["Run", "Monitor", "Status", "Started", "Duration", "Scenarios", "MOS", "Trigger"].map((
        h,
      ) => el("th", { scope: "col" }, [h])),
    ])]),
    el(
      "tbody",
      {},
      runs.map((r) =>
        el("tr", { "data-run": r.id }, [
          compare
            ? el("td", {}, [el("input", {
              type: "checkbox",
              "aria-label": `compare run ${r.id}`,
              onchange: (e) => {
                if (e.target.checked) picked.push(r.id);
                else picked.splice(picked.indexOf(r.id), 1);
                while (picked.length > 2) {
                  const dropped = picked.shift();
                  table.querySelector(`tr[data-run="${dropped}"] input`).checked = false;
                }
                update();
              },
            })])
            : "",
          el("td", {}, [el("a", { href: `#/runs/${r.id}` }, [r.id])]),
          el("td", {}, [r.monitor]),
          el("td", {}, [badge(r.status)]),
          el("td", {}, [when(r.startedAt ?? r.queuedAt)]),
          el("td", { class: "num" }, [duration(r.durationMs)]),
          el("td", { class: "num" }, [`${r.counts.passed}/${r.counts.passed + r.counts.failed}`]),
          el("td", { class: "num" }, [mos(r.mos)]),
          el("td", {}, [r.trigger]),
        ])
      ),
    ),
  ]);
  return el("div", {}, [table, compare ? el("p", {}, [go]) : ""]);
}
