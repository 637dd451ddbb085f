// The run page: verdict, scenarios with the failure in words, per-agent
// quality, SIP ladders, audio players, agent logs, downloads and the event
// list — which, while the run is running, fills live from Server-Sent Events.
import { api, apiText } from "./api.js";
import { badge, describeEvent, duration, el, errorBox, isBad, mos, show, when } from "./dom.js";
import { sipLadder } from "./ladder.js";
import { audioPlayer } from "./waveform.js";

/** Parses NDJSON text into events. */
export function parseEvents(text) {
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
}

/** Everything a run page (or a compare column) shows, fetched. */
export async function loadRun(id) {
  const run = await api(`/api/runs/${id}`);
  const [sip, text] = await Promise.all([
    api(`/api/runs/${id}/sip`),
    apiText(`/api/runs/${id}/events`),
  ]);
  return { run, sip: sip.scenarios, events: parseEvents(text) };
}

/** Shows run `id`; returns a function that stops its live stream. */
export async function runPage(main, id, { reload }) {
  const data = await loadRun(id);
  const { run } = data;
  const eventsList = el("ol", {
    class: "events",
    id: "events",
    "aria-live": run.live ? "polite" : "off",
    "aria-label": "Run events",
  });
  const names = new Map(
    data.events.filter((e) => e.type === "scenario-start").map((e) => [e.id, e.name]),
  );
  const addEvent = (event, fresh) => {
    if (event.type === "scenario-start") names.set(event.id, event.name);
    eventsList.append(
      el("li", {
        class: `${isBad(event) ? "bad" : ""} ${fresh ? "new" : ""}`,
        "data-type": event.type,
      }, [describeEvent(event, names)]),
    );
    if (fresh) eventsList.scrollTop = eventsList.scrollHeight;
  };
  for (const event of data.events) addEvent(event, false);

  const scenariosBox = el("div", {}, [scenariosSection(run)]);
  const liveNote = el(
    "p",
    { id: "live-note", "aria-live": "polite" },
    run.live ? ["Running: events arrive as they happen."] : [],
  );
  show(
    main,
    el("h1", {}, [
      `Run ${run.id} of `,
      el("a", { href: `#/monitors/${encodeURIComponent(run.monitor)}` }, [run.monitor]),
      " ",
      badge(run.status),
    ]),
    summarySection(run),
    liveNote,
    scenariosBox,
    failureSection(run),
    el("h2", {}, ["Events"]),
    eventsList,
    ...laddersSection(data.sip, names),
    audioSection(run),
    logsSection(data.events),
  );
  if (!run.live) return () => {};

  const source = new EventSource(`/api/runs/${id}/events`);
  const seen = data.events.length;
  let index = 0;
  source.onmessage = (message) => {
    // The stream starts with the events the page already has.
    if (index++ < seen) return;
    const event = JSON.parse(message.data);
    addEvent(event, true);
    if (event.type === "scenario-start") liveNote.textContent = `Running ${event.name}…`;
  };
  source.addEventListener("end", () => {
    source.close();
    liveNote.textContent = "The run has ended.";
    reload();
  });
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) liveNote.textContent = "The live stream closed.";
  };
  return () => source.close();
}

function summarySection(run) {
  const links = run.links;
  return el("section", { "aria-label": "Summary" }, [
    el("p", {}, [
      `${run.trigger.kind}${run.trigger.by ? ` by ${run.trigger.by}` : ""}, queued `,
      when(run.queuedAt),
      run.startedAt ? [", started ", when(run.startedAt)] : "",
      run.durationMs !== undefined ? `, took ${duration(run.durationMs)}` : "",
      `; ${run.counts.passed} passed, ${run.counts.failed} failed, ${run.counts.skipped} skipped`,
      run.exitCode !== undefined ? ` (exit code ${run.exitCode})` : "",
    ]),
    run.attempts.length > 0
      ? el("p", {}, [
        `Earlier attempts: ${
          run.attempts.map((a, i) =>
            `#${i + 1} ${a.status}${a.message ? ` (${a.message.split("\n")[0]})` : ""}`
          ).join("; ")
        }`,
      ])
      : "",
    el("nav", { class: "downloads", "aria-label": "Downloads" }, [
      el("a", { class: "button", href: links.events, download: `ringo-${run.id}.ndjson` }, [
        "Events (NDJSON)",
      ]),
      links.junit
        ? el("a", { class: "button", href: links.junit, download: `ringo-${run.id}.xml` }, [
          "JUnit XML",
        ])
        : "",
      links.pcap ? el("a", { class: "button", href: links.pcap }, ["SIP capture (pcap)"]) : "",
      links.stderr ? el("a", { class: "button", href: links.stderr }, ["ringo's stderr"]) : "",
      el("a", { class: "button", href: `#/compare/${run.id}` }, ["Compare with another run"]),
    ]),
  ]);
}

function failureSection(run) {
  const failed = run.scenarios.filter((s) => s.status === "failed" || s.status === "interrupted");
  if (failed.length === 0 && !run.message) return "";
  return el("section", { "aria-labelledby": "why" }, [
    el("h2", { id: "why" }, ["Why it failed"]),
    run.message && run.status !== "passed"
      ? el("div", { class: "failure" }, [el("p", {}, [run.message])])
      : "",
    ...failed.map((s) =>
      el("div", { class: "failure", "data-scenario": s.id }, [
        el("p", {}, [el("strong", {}, [`${s.file} › ${s.name}`])]),
        s.explanation ? el("p", { class: "explanation" }, [s.explanation]) : "",
        s.error ? el("pre", {}, [s.error.message]) : "",
        s.error?.location
          ? el("p", { class: "muted" }, [
            `at ${s.error.location.file}:${s.error.location.line}${
              s.error.location.column ? `:${s.error.location.column}` : ""
            }`,
          ])
          : "",
      ])
    ),
  ]);
}

function scenariosSection(run) {
  if (run.scenarios.length === 0) {
    return el("p", {}, [run.status === "queued" ? "Waiting in the queue." : "No scenario ran."]);
  }
  const agents = run.scenarios.flatMap((s) => s.agents.map((a) => ({ s, a })));
  return el("section", {}, [
    el("table", { id: "scenarios" }, [
      el("caption", {}, ["Scenarios"]),
      el("thead", {}, [
        el(
          "tr",
          {},
          ["Scenario", "File", "Status", "Duration", "Assertions"].map((h) =>
            el("th", { scope: "col" }, [h])
          ),
        ),
      ]),
      el(
        "tbody",
        {},
        run.scenarios.map((s) =>
          el("tr", { "data-scenario": s.id }, [
            el("td", {}, [s.name]),
            el("td", {}, [s.file]),
            el("td", {}, [badge(s.status), s.reason ? ` ${s.reason}` : ""]),
            el("td", { class: "num" }, [duration(s.durationMs)]),
            el("td", { class: "num" }, [
              `${s.assertions.passed} passed, ${s.assertions.failed} failed`,
            ]),
          ])
        ),
      ),
    ]),
    agents.length > 0
      ? el("table", { id: "agents" }, [
        el("caption", {}, ["Agents and call quality"]),
        el("thead", {}, [
          el(
            "tr",
            {},
            [
              "Scenario",
              "Agent",
              "Address of record",
              "Registration",
              "MOS",
              "Jitter",
              "Loss",
              "RTT",
            ].map((h) => el("th", { scope: "col" }, [h])),
          ),
        ]),
        el(
          "tbody",
          {},
          agents.map(({ s, a }) =>
            el("tr", {}, [
              el("td", {}, [s.name]),
              el("td", {}, [a.name]),
              el("td", {}, [a.aor]),
              el("td", {}, [a.loopback ? "loopback (none)" : a.registration]),
              el("td", { class: "num" }, [mos(a.quality?.mos)]),
              el("td", { class: "num" }, [a.quality ? `${a.quality.jitter} ms` : "–"]),
              el("td", { class: "num" }, [a.quality ? `${a.quality.packetLoss} %` : "–"]),
              el("td", { class: "num" }, [a.quality ? `${a.quality.rtt} ms` : "–"]),
            ])
          ),
        ),
      ])
      : "",
  ]);
}

/** One ladder per scenario that captured SIP messages. */
export function laddersSection(sipEvents, names) {
  if (sipEvents.length === 0) return [];
  return [
    el("h2", {}, ["SIP ladder"]),
    ...sipEvents.map((sip) => {
      const title = names.get(sip.scenarioId) ?? sip.scenarioId;
      return el("section", { class: "ladder-section", "aria-label": `SIP ladder of ${title}` }, [
        el("h3", {}, [title]),
        sip.messages.length > 0 ? sipLadder(sip, { title }) : el("p", {}, ["No SIP messages."]),
      ]);
    }),
  ];
}

/** Audio players for the run's saved WAV files. */
export function audioSection(run) {
  if (run.links.audio.length === 0) return "";
  const names = new Map(run.scenarios.map((s) => [s.id, s.name]));
  return el("section", { "aria-labelledby": "audio" }, [
    el("h2", { id: "audio" }, ["Audio"]),
    el(
      "div",
      { class: "audio-list" },
      run.links.audio.map((a) =>
        audioPlayer(a.url, `${names.get(a.scenario) ?? a.scenario}: ${a.file}`)
      ),
    ),
  ]);
}

function logsSection(events) {
  const withLogs = events.filter((e) => e.type === "scenario-end" && e.logs);
  if (withLogs.length === 0) return "";
  return el("section", { "aria-labelledby": "logs" }, [
    el("h2", { id: "logs" }, ["Agent logs"]),
    el("p", { class: "muted" }, [
      "baresip's log of each agent of a failed scenario, with its SIP messages in place.",
    ]),
    ...withLogs.flatMap((e) =>
      Object.entries(e.logs).map(([agent, text]) =>
        el("details", {}, [el("summary", {}, [`${e.name}: agent ${agent}`]), el("pre", {}, [text])])
      )
    ),
  ]);
}

/** Shown when a run cannot be loaded. */
export function runError(main, id, error) {
  show(main, el("h1", {}, [`Run ${id}`]), errorBox(error.message));
}
