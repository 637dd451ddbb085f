/**
 * The call history overlay (`c`): the profile's calls, newest first —
 * when, which way, who (contact > display name > URI), how it ended and how
 * long it lasted — with search (`/`), redial (Enter puts the peer in the
 * dial line), details (`i`), delete (`d`) and clear all (`D`, asks first).
 *
 * @module
 */
import type { CallRecord } from "../../phone/history.ts";
import type { View, ViewContext } from "../app.ts";
import { fuzzyFilter } from "../fuzzy.ts";
import { bindingFor, hintsFor } from "../keymap.ts";
import type { Key } from "../term/keys.ts";
import type { Rect, ScreenBuffer } from "../term/screen.ts";
import { padText, truncateText } from "../term/width.ts";
import { ListState } from "../widgets/list.ts";
import { drawSearchedList, moveInList, SEARCH_HINTS, SearchBox } from "../widgets/search_box.ts";
import { arrow, formatDuration } from "./call_screen.ts";
import { DetailsView } from "./details_view.ts";
import { ConfirmDialog } from "./dialogs.ts";
import type { LogKind } from "./log_view.ts";
import { drawOverlay } from "./overlay.ts";

/** One call of the history, as `phone/history.ts` records it. */
export type HistoryEntry = Pick<
  CallRecord,
  | "id"
  | "direction"
  | "peer"
  | "number"
  | "contact"
  | "displayName"
  | "startedAt"
  | "durationSecs"
  | "outcome"
  | "reason"
  | "statusCode"
  | "headerViews"
>;

/** The profile's history, as the overlay uses it. */
export interface CallHistory {
  /** The calls, newest first. */
  calls(): Promise<HistoryEntry[]>;
  /** Deletes one call. */
  remove(id: string): Promise<void>;
  /** Deletes every call of the profile. */
  clear(): Promise<void>;
}

/**
 * The overlay.
 *
 * @example
 * ```ts
 * const view = new HistoryView(history, (peer) => screen.fillLine(peer), switchTo);
 * await view.reload();
 * app.push(view);
 * ```
 */
export class HistoryView implements View {
  #history: CallHistory;
  #redial: (peer: string) => void;
  #switchTo: (kind: LogKind) => void;
  #entries: HistoryEntry[] = [];
  #list = new ListState();
  #search = new SearchBox("Search");

  constructor(
    history: CallHistory,
    redial: (peer: string) => void,
    switchTo: (kind: LogKind) => void,
  ) {
    this.#history = history;
    this.#redial = redial;
    this.#switchTo = switchTo;
  }

  /** Reads the history. */
  async reload(): Promise<void> {
    this.#entries = await this.#history.calls();
  }

  draw(screen: ScreenBuffer, area: Rect, context: ViewContext): void {
    const { styles } = context;
    const hints = this.#search.active ? SEARCH_HINTS : hintsFor("history");
    const rect = drawOverlay(
      screen,
      area,
      `Call history (${this.#entries.length})`,
      hints,
      context,
    );
    const rows = this.#rows();
    drawSearchedList(
      screen,
      rect,
      {
        search: this.#search,
        list: this.#list,
        count: rows.length,
        empty: this.#entries.length ? "No call matches." : "No calls yet.",
        styles: { ...styles, input: styles.attention },
      },
      (i, y, selected) => {
        const e = rows[i];
        const missed = e.outcome === "missed" || e.outcome === "no_answer" ||
          e.outcome === "failed" ||
          e.outcome === "busy" || e.outcome === "rejected";
        const base = selected ? styles.selected : styles.text;
        let col = screen.write(
          rect.x,
          y,
          `${formatTime(e.startedAt)}  ${arrow(e.direction)} `,
          selected ? base : styles.subtle,
        );
        const who = e.contact ?? e.displayName ?? e.peer;
        col = screen.write(col, y, padText(who, Math.max(10, rect.width - col + rect.x - 24)), {
          ...base,
          bold: selected,
        });
        const how = e.outcome === "answered"
          ? formatDuration(e.durationSecs)
          : e.outcome.replace("_", " ");
        screen.write(
          col + 1,
          y,
          truncateText(how, 20),
          selected ? base : missed ? styles.danger : styles.success,
        );
      },
    );
  }

  async handleKey(key: Key, { app }: ViewContext): Promise<boolean> {
    if (this.#search.handleKey(key, this.#list, () => this.#rows().length)) return true;
    const rows = this.#rows();
    const entry = rows[this.#list.selected];
    const command = bindingFor("history", key)?.command;
    if (moveInList(command, key, this.#list, rows.length)) return true;
    switch (command) {
      case "redial":
        if (entry) {
          app.pop(this);
          this.#redial(entry.peer);
        }
        break;
      case "search":
        this.#search.open();
        break;
      case "details":
        if (entry) app.push(new DetailsView("Call", () => historyDetails(entry)));
        break;
      case "delete":
        if (entry) {
          await this.#history.remove(entry.id);
          await this.reload();
          this.#list.clamp(this.#rows().length);
        }
        break;
      case "clear":
        if (this.#entries.length) {
          app.push(
            new ConfirmDialog(
              `Delete all ${this.#entries.length} calls of this profile's history?`,
              async () => {
                await this.#history.clear();
                await this.reload();
                app.toast.show("History cleared", "success");
              },
            ),
          );
        }
        break;
      case "switch_view":
        this.#switchTo(key.name === "e" ? "events" : "log");
        break;
      case "close":
        app.pop(this);
        break;
    }
    return true;
  }

  #rows(): HistoryEntry[] {
    return fuzzyFilter(
      this.#entries,
      this.#search.query,
      (e) => `${e.contact ?? ""} ${e.displayName ?? ""} ${e.peer} ${e.outcome}`,
    ).map((m) => m.item);
  }
}

/** The details rows of a history entry. */
export function historyDetails(e: HistoryEntry): [string, string][] {
  const rows: [string, string][] = [
    ["Peer", e.peer],
    ["Number", e.number],
  ];
  if (e.contact) rows.push(["Contact", e.contact]);
  if (e.displayName) rows.push(["Display name", e.displayName]);
  rows.push(
    ["Direction", e.direction],
    ["Started", new Date(e.startedAt).toLocaleString()],
    ["Outcome", e.outcome.replace("_", " ")],
    ["Talk time", formatDuration(e.durationSecs)],
  );
  if (e.reason) rows.push(["Reason", e.reason]);
  for (const view of e.headerViews ?? []) rows.push([view.label, view.value]);
  return rows;
}

function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${
    pad(d.getMinutes())
  }`;
}
