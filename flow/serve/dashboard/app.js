// The dashboard's entry: session, theme, and a hash router over the views.
// Pages: #/ (monitors), #/monitors/<name>, #/runs[?monitor=&status=],
// #/runs/<id>, #/compare[/<a>[/<b>]], #/login.
import { api, ApiError, setCsrf } from "./api.js";
import { comparePage } from "./compare.js";
import { el, errorBox, show } from "./dom.js";
import { runError, runPage } from "./run.js";
import { loginPage, monitorPage, monitorsPage, runsPage } from "./views.js";

const main = document.getElementById("main");
let session;
let leavePage = () => {};
let changes;

setUpTheme();
document.getElementById("logout").addEventListener("click", async () => {
  await api("/api/session", { method: "DELETE" }).catch(() => {});
  session = undefined;
  changes?.close();
  updateSessionBar();
  location.hash = "#/login";
});
addEventListener("hashchange", () => void route());
// A page kept in the back/forward cache would keep its streams open, and
// browsers allow only six connections per server: close them when leaving.
addEventListener("pagehide", () => {
  leavePage();
  leavePage = () => {};
  changes?.close();
  changes = undefined;
});
addEventListener("pageshow", (e) => {
  if (!e.persisted || !session) return;
  listenForChanges();
  void route();
});
void start();

async function start() {
  try {
    session = await api("/api/session");
    setCsrf(session.csrf);
    listenForChanges();
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) throw error;
  }
  updateSessionBar();
  await route();
}

async function route() {
  leavePage();
  leavePage = () => {};
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, query = ""] = hash.split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  markNav(parts[0] ?? "monitors");
  if (!session && parts[0] !== "login") {
    location.hash = "#/login";
    return;
  }
  try {
    switch (parts[0]) {
      case "login":
        return loginPage(main, (s) => {
          session = s;
          setCsrf(s.csrf);
          updateSessionBar();
          listenForChanges();
          location.hash = "#/";
        });
      case undefined:
      case "monitors":
        if (parts[1]) return await monitorPage(main, parts[1]);
        await monitorsPage(main, session, {
          onRunStarted: (id) => (location.hash = `#/runs/${id}`),
        });
        leavePage = onChange(() => route());
        return;
      case "runs":
        if (parts[1]) {
          leavePage = await runPage(main, parts[1], { reload: () => route() }).catch((e) => {
            runError(main, parts[1], e);
            return () => {};
          });
          return;
        }
        return await runsPage(main, new URLSearchParams(query));
      case "compare":
        return await comparePage(main, parts[1], parts[2]);
      default:
        show(main, el("h1", {}, ["Not found"]), errorBox(`There is no page ${hash}.`));
    }
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      session = undefined;
      updateSessionBar();
      return loginPage(main, () => location.reload(), "Your session has ended: log in again.");
    }
    show(main, el("h1", {}, ["Something went wrong"]), errorBox(error.message ?? String(error)));
  }
}

/** Calls `refresh` (at most every 500 ms) when a run is queued, starts or ends; returns the stop. */
function onChange(refresh) {
  let timer;
  const handler = () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 500);
  };
  addEventListener("ringo-run-change", handler);
  return () => {
    clearTimeout(timer);
    removeEventListener("ringo-run-change", handler);
  };
}

/** One Server-Sent Events stream of run changes for the whole page. */
function listenForChanges() {
  changes?.close();
  changes = new EventSource("/api/stream");
  changes.addEventListener(
    "run",
    (e) => dispatchEvent(new CustomEvent("ringo-run-change", { detail: JSON.parse(e.data) })),
  );
}

function updateSessionBar() {
  const who = document.getElementById("who");
  const logout = document.getElementById("logout");
  if (!session) {
    who.textContent = "";
    logout.hidden = true;
    return;
  }
  who.textContent = session.open
    ? "no auth (loopback only)"
    : `${session.name} (${session.scopes.join(", ")})`;
  logout.hidden = session.open || session.kind !== "user";
}

function markNav(section) {
  const current = section === "monitors" ? "monitors" : section;
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function setUpTheme() {
  const button = document.getElementById("theme-toggle");
  const apply = (theme) => {
    if (theme) document.documentElement.dataset.theme = theme;
    else delete document.documentElement.dataset.theme;
    const dark = theme ? theme === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
    button.setAttribute("aria-pressed", String(dark));
    button.textContent = dark ? "Light theme" : "Dark theme";
  };
  apply(localStorage.getItem("ringo-theme"));
  button.addEventListener("click", () => {
    const dark = button.getAttribute("aria-pressed") === "true";
    const theme = dark ? "light" : "dark";
    localStorage.setItem("ringo-theme", theme);
    apply(theme);
  });
}
