// DOM building and formatting helpers shared by the views.

/** An element: `el("a", { href: "#/" }, ["text", child])`; attributes starting with "on" are listeners. */
export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, String(value));
  }
  for (const child of [children].flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** A status badge: the word is always there, the color only helps. */
export function badge(status) {
  return el("span", { class: `badge status-${status}` }, [status]);
}

/** `1.23 s`, `450 ms`, `2 min 03 s`. */
export function duration(ms) {
  if (ms === undefined || ms === null) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
}

/** A `<time>` with the local date and time, and how long ago. */
export function when(iso) {
  if (!iso) return "–";
  const date = new Date(iso);
  return el("time", { datetime: iso, title: date.toISOString() }, [
    `${date.toLocaleString()} (${ago(date)})`,
  ]);
}

/** `5 s ago`, `in 3 min`. */
export function ago(date) {
  const seconds = Math.round((Date.now() - date.getTime()) / 1000);
  const abs = Math.abs(seconds);
  const text = abs < 60
    ? `${abs} s`
    : abs < 3600
    ? `${Math.round(abs / 60)} min`
    : abs < 86400
    ? `${Math.round(abs / 3600)} h`
    : `${Math.round(abs / 86400)} d`;
  return seconds >= 0 ? `${text} ago` : `in ${text}`;
}

/** A MOS with one decimal, or a dash. */
export function mos(value) {
  return value === undefined || value === null ? "–" : value.toFixed(2);
}

/**
 * Replaces the page content; on a new page (not a refresh of the same one)
 * moves focus to its heading, so screen readers announce it.
 */
export function show(main, ...nodes) {
  const fresh = main.dataset.page !== location.hash;
  main.dataset.page = location.hash;
  main.replaceChildren(...nodes);
  const heading = main.querySelector("h1");
  if (heading && fresh) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }
}

/** An error box with a message. */
export function errorBox(message) {
  return el("p", { class: "error-box", role: "alert" }, [message]);
}

/** A short line for one run event (the events list). */
export function describeEvent(event, scenarioNames) {
  const where = (id) => scenarioNames.get(id) ?? id;
  switch (event.type) {
    case "run-start":
      return `run started: ${event.files.join(", ")}`;
    case "scenario-start":
      return `▶ ${event.file} › ${event.name}`;
    case "assertion":
      return `${event.passed ? "✓" : "✗"} [${where(event.scenarioId)}] ${event.message}`;
    case "log":
      return `[${where(event.scenarioId)}] ${
        event.agent ? `${event.agent}: ` : ""
      }${event.message}`;
    case "sip":
      return `[${where(event.scenarioId)}] ${event.messages.length} SIP messages captured`;
    case "scenario-end":
      return `■ ${event.name}: ${event.status} (${duration(event.durationMs)})${
        event.error ? ` — ${event.error.message.split("\n")[0]}` : ""
      }`;
    case "run-end":
      return `run ended: ${event.passed} passed, ${event.failed} failed, ${event.skipped} skipped`;
    case "retry":
      return `↻ retrying: attempt ${event.attempt}`;
    default:
      return JSON.stringify(event);
  }
}

/** True for an event that tells of something going wrong. */
export function isBad(event) {
  return (event.type === "assertion" && !event.passed) ||
    (event.type === "log" && (event.level === "error" || event.level === "warn")) ||
    (event.type === "scenario-end" &&
      (event.status === "failed" || event.status === "interrupted"));
}
