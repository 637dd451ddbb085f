/**
 * Connects a running phone session to the call screen and its overlays:
 * the screen reads the session's status and hears its changes; keys and
 * the `:` bar run commands of the TUI's command table (the session's own
 * plus the TUI's) through the phone's dispatcher; the overlays get the
 * contact book, the call and dial history and the logs.
 *
 * @module
 */
import {
  parseCommand,
  type ParsedCommand,
  runCommand,
  type SessionCommand,
} from "../phone/commands.ts";
import { type Contact, loadContacts, saveContacts } from "../phone/contacts.ts";
import type { HistoryStore } from "../phone/history.ts";
import type { PhoneSession } from "../phone/session.ts";
import type { SessionEvent } from "../phone/session_events.ts";
import type { App } from "./app.ts";
import { type OverlayKind, type TuiCommandHost, tuiCommands } from "./commands.ts";
import { runEditor } from "./editor.ts";
import { type CallScreenHost, CallScreenView, type ScreenStatus } from "./views/call_screen.ts";
import { CommandBarView } from "./views/command_bar_view.ts";
import { ContactsView } from "./views/contacts_view.ts";
import { DetailsView } from "./views/details_view.ts";
import type { LineKind } from "./views/dial_line.ts";
import { ConfirmDialog } from "./views/dialogs.ts";
import { HelpView } from "./views/help.ts";
import { HistoryView } from "./views/history_view.ts";
import { type LogKind, type LogSource, LogView } from "./views/log_view.ts";
import { SearchView } from "./views/search_view.ts";

/** What the controller needs besides the session. */
export interface CallControllerOptions {
  app: App;
  session: PhoneSession;
  /** The call and dial history (none: the overlays say so). */
  history?: HistoryStore;
  /** `contacts.toml`. */
  contactsFile: string;
  /** The environment ($EDITOR). */
  env: Record<string, string | undefined>;
  /** Opens the profile form for the running profile. */
  editProfile(): Promise<void>;
  /** Stops the session and shows the picker. */
  switchProfile(): Promise<void>;
  /** Stops the session and ends the TUI. */
  quit(): Promise<void>;
}

/** How many session events the event log keeps. */
const EVENT_LINES = 2000;

/**
 * The call screen of one session, with everything behind its keys.
 *
 * @example
 * ```ts
 * const controller = new CallController({ app, session, history, contactsFile, env, … });
 * app.replace(controller.screen);
 * ```
 */
export class CallController implements CallScreenHost, TuiCommandHost {
  readonly screen: CallScreenView;
  readonly table: readonly SessionCommand[];
  readonly #options: CallControllerOptions;
  readonly #events: string[] = [];
  readonly #eventListeners = new Set<() => void>();
  readonly #onEvent: EventListener;

  constructor(options: CallControllerOptions) {
    this.#options = options;
    this.table = tuiCommands(this);
    this.screen = new CallScreenView(this);
    this.#onEvent = (event) => this.#record((event as CustomEvent<SessionEvent>).detail);
    options.session.addEventListener("event", this.#onEvent);
  }

  /** Stops listening to the session. */
  dispose(): void {
    this.#options.session.removeEventListener("event", this.#onEvent);
  }

  // --- CallScreenHost

  status(): ScreenStatus {
    return this.#options.session.status();
  }

  onChange(listener: () => void): () => void {
    const session = this.#options.session;
    session.addEventListener("change", listener);
    return () => session.removeEventListener("change", listener);
  }

  /** Runs a command of the table by name; its answer (or error) is shown in the message line. */
  async run(name: string, args: string[]): Promise<void> {
    await this.#runParsed(parseCommand([name, ...args], this.table));
  }

  async dialHistory(): Promise<string[]> {
    return await this.#options.history?.dials({ limit: 200 }) ?? [];
  }

  openSearch(choose: (target: string) => void): void {
    void this.dialHistory().then((entries) =>
      this.#options.app.push(new SearchView(entries, choose))
    );
  }

  openContacts(choose?: (target: string) => void): void {
    const view = new ContactsView(
      this.#contactBook(),
      choose ?? ((n) => void this.screen.fillLine(n)),
    );
    void view.reload().then(() => this.#options.app.push(view), (error) => this.#fail(error));
  }

  openCommandBar(): void {
    this.#options.app.push(new CommandBarView(this.table, (parsed) => this.#runParsed(parsed)));
  }

  async selectCall(index: number): Promise<void> {
    await this.#options.session.switchTo(index);
  }

  // --- TuiCommandHost

  async openLine(kind: LineKind): Promise<void> {
    await this.screen.openLine(kind);
  }

  openOverlay(kind: OverlayKind): void {
    const app = this.#options.app;
    switch (kind) {
      case "contacts":
        return this.openContacts();
      case "history":
        return void this.#openHistory();
      case "events":
      case "log":
        app.push(new LogView(this.#logSource(kind), (k) => this.#switchOverlay(k)));
        return;
      case "help":
        app.push(new HelpView(this.screen.mode));
        return;
      case "info": {
        const call = this.#selectedCall();
        if (!call) throw new Error("there is no call to show");
        app.push(
          new DetailsView(
            `Call ${call.index}`,
            () => callDetails(this.#options.session, call.index),
          ),
        );
        return;
      }
    }
  }

  async editProfile(): Promise<void> {
    if (this.#options.session.calls.length > 0) {
      throw new Error("hang up first: the profile is in use");
    }
    await this.#options.editProfile();
  }

  async switchProfile(): Promise<void> {
    await this.#confirmIfCalls("Hang up and switch profiles?", () => this.#options.switchProfile());
  }

  async quit(now: boolean): Promise<void> {
    if (now) return await this.#options.quit();
    await this.#confirmIfCalls("Calls are up: hang up and quit?", () => this.#options.quit());
  }

  // --- helpers

  async #runParsed(parsed: ParsedCommand): Promise<void> {
    const app = this.#options.app;
    try {
      const result = await runCommand(this.#options.session, parsed);
      if (result.text) app.toast.show(result.text, "success");
    } catch (error) {
      this.#fail(error);
    }
  }

  #fail(error: unknown): void {
    this.#options.app.toast.show(error instanceof Error ? error.message : String(error), "error");
  }

  async #confirmIfCalls(question: string, then: () => Promise<void>): Promise<void> {
    if (this.#options.session.calls.length === 0) return await then();
    this.#options.app.push(new ConfirmDialog(question, then));
  }

  #selectedCall() {
    const calls = this.#options.session.calls;
    return calls.findLast((c) => !c.held) ?? calls.at(-1);
  }

  #switchOverlay(kind: LogKind): void {
    const app = this.#options.app;
    const top = app.top;
    if (top instanceof LogView || top instanceof HistoryView) app.pop(top);
    this.openOverlay(kind);
  }

  async #openHistory(): Promise<void> {
    const { history, session, app } = this.#options;
    const profile = session.profile.name;
    const view = new HistoryView(
      {
        calls: async () => await history?.calls(profile, { limit: 500 }) ?? [],
        remove: async (id) => void await history?.removeCall(profile, id),
        clear: async () => void await history?.clearProfile(profile),
      },
      (peer) => void this.screen.fillLine(peer),
      (kind) => this.#switchOverlay(kind),
    );
    await view.reload();
    app.push(view);
  }

  #contactBook() {
    const file = this.#options.contactsFile;
    return {
      load: () => loadContacts(file),
      save: async (contacts: readonly Contact[]) => {
        await saveContacts(file, contacts);
        this.#options.session.setContacts(contacts);
      },
      edit: async () => {
        await this.#options.app.suspend(() => runEditor(file, this.#options.env));
        this.#options.session.setContacts(await loadContacts(file));
      },
    };
  }

  #logSource(kind: "events" | "log"): LogSource {
    if (kind === "events") {
      return {
        title: "Events",
        lines: () => this.#events,
        onChange: (listener) => {
          this.#eventListeners.add(listener);
          return () => this.#eventListeners.delete(listener);
        },
      };
    }
    const log = this.#options.session.agent.log;
    return {
      title: "baresip log",
      lines: () => log.tail(5000),
      onChange: (listener) => log.onLine(() => listener()),
    };
  }

  #record(event: SessionEvent): void {
    const { type, time, profile: _profile, ...fields } = event;
    const clock = time.slice(11, 19);
    this.#events.push(`${clock}  ${type.padEnd(20)} ${describeFields(fields)}`);
    if (this.#events.length > EVENT_LINES) this.#events.shift();
    for (const listener of this.#eventListeners) listener();
  }
}

/** The details rows of a session's call `index`. */
export function callDetails(session: PhoneSession, index: number): [string, string][] {
  const call = session.calls.find((c) => c.index === index);
  if (!call) return [["Call", "ended"]];
  const rows: [string, string][] = [
    ["Peer", call.peer],
    ["Number", call.number],
  ];
  if (call.contact) rows.push(["Contact", call.contact]);
  if (call.display_name) rows.push(["Display name", call.display_name]);
  rows.push(
    ["Direction", call.direction],
    ["State", `${call.state}${call.held ? ", on hold" : ""}${call.muted ? ", muted" : ""}`],
    ["Duration", `${call.duration_secs} s`],
  );
  if (call.id) rows.push(["Call-ID", call.id]);
  if (call.codec) rows.push(["Codec", call.codec]);
  if (call.quality) {
    const q = call.quality;
    rows.push([
      "Quality",
      `MOS ${
        q.mos.toFixed(2)
      }, jitter ${q.jitter_ms} ms, loss ${q.packet_loss_percent} %, RTT ${q.rtt_ms} ms`,
    ]);
  }
  for (const view of call.header_views ?? []) rows.push([view.label, view.value]);
  if (!call.header_views?.length && session.profile.settings.header_display?.length) {
    rows.push(["Headers", "none of header_display's headers were in the INVITE"]);
  }
  return rows;
}

function describeFields(fields: Record<string, unknown>): string {
  const call = fields.call as { index?: number; peer?: string; contact?: string } | undefined;
  const parts: string[] = [];
  if (call) parts.push(`call ${call.index ?? "?"} ${call.contact ?? call.peer ?? ""}`.trim());
  for (const [key, value] of Object.entries(fields)) {
    if (key === "call" || key === "last_call" || value === undefined) continue;
    parts.push(`${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
  }
  return parts.join("  ");
}
