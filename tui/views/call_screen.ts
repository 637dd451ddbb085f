/**
 * The call screen of a running profile: the status bar (profile,
 * registration with the failure reason, call count, MWI, AOR), the message
 * line, the calls (direction, peer by contact name > display name > URI,
 * RINGING / ON HOLD / the talk timer; the selected established call with
 * MOS, jitter, loss, RTT and codec), the last closed call, the dial or
 * transfer line, and a hint bar with the keys valid right now.
 *
 * Keys are looked up in the key table (`tui/keymap.ts`) and run as
 * commands through {@link CallScreenHost.run} — the same commands the `:`
 * bar and `ringo control` run. The screen redraws on every session change;
 * while a call is up a one-second tick keeps the timer moving, and nothing
 * runs at all when the phone is idle.
 *
 * @module
 */
import type { View, ViewContext } from "../app.ts";
import { bindingArgs, bindingFor, type Condition, hintsFor, type Mode } from "../keymap.ts";
import type { Key } from "../term/keys.ts";
import type { Rect, ScreenBuffer } from "../term/screen.ts";
import { padText, textWidth, truncateText } from "../term/width.ts";
import type { ThemeStyles } from "../theme.ts";
import { drawHints } from "../widgets/hint_bar.ts";
import { DialLine, type LineKind } from "./dial_line.ts";

/** One call as the screen draws it (the session's call view). */
export interface ScreenCall {
  index: number;
  direction: "incoming" | "outgoing";
  state: "calling" | "ringing" | "established";
  peer: string;
  number: string;
  display_name?: string;
  contact?: string;
  held: boolean;
  muted: boolean;
  duration_secs: number;
  quality?: { mos: number; jitter_ms: number; packet_loss_percent: number; rtt_ms: number };
  codec?: string;
}

/** What the screen shows of the session. */
export interface ScreenStatus {
  profile: string;
  aor: string;
  registration: { state: string; status_code?: number; reason?: string };
  calls: ScreenCall[];
  last_call: {
    direction: "incoming" | "outgoing";
    peer: string;
    contact?: string;
    reason: string;
    outcome: string;
    duration_secs: number;
  } | null;
  mwi: { waiting: boolean; new?: number; old?: number } | null;
  /** True while an attended transfer waits to be completed or aborted. */
  transfer_pending?: boolean;
}

/** What the call screen needs from the phone. */
export interface CallScreenHost {
  /** The session's status now. */
  status(): ScreenStatus;
  /** Calls `listener` on every change of the status; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
  /** Runs a command of the command table (keys, the `:` bar and control share it). */
  run(name: string, args: string[]): Promise<void>;
  /** The dial history, newest first (for ↑/↓ on the dial line). */
  dialHistory(): Promise<string[]>;
  /** Opens the dial-history search; `choose` gets the picked number. */
  openSearch(choose: (target: string) => void): void;
  /** Opens the contacts to pick a number for the line; `choose` gets it. */
  openContacts(choose?: (target: string) => void): void;
  /** Opens the command bar. */
  openCommandBar(): void;
  /** True when calls may be switched by selection (the session can resume a given call). */
  selectCall(index: number): Promise<void>;
}

/**
 * The call screen.
 *
 * @example
 * ```ts
 * app.replace(new CallScreenView(host));
 * ```
 */
export class CallScreenView implements View {
  #host: CallScreenHost;
  #line: DialLine | undefined;
  #selected: number | undefined;
  #active: number | undefined;
  #tick: ReturnType<typeof setInterval> | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(host: CallScreenHost) {
    this.#host = host;
  }

  /** The mode the keys are in: Normal, or the open line's. */
  get mode(): Mode {
    if (!this.#line) return "normal";
    return this.#line.kind === "dial" ? "dial" : "transfer";
  }

  /** The open dial/transfer line, if any. */
  get line(): DialLine | undefined {
    return this.#line;
  }

  /** Opens the dial or transfer line (from a key, or `:dial` with no number). */
  async openLine(kind: LineKind, initial = ""): Promise<void> {
    this.#line = new DialLine(kind, await this.#host.dialHistory().catch(() => []));
    if (initial) this.#line.set(initial);
  }

  /** Puts `target` in the open line, or opens the dial line with it (contacts, history). */
  async fillLine(target: string): Promise<void> {
    if (this.#line) this.#line.set(target);
    else await this.openLine("dial", target);
  }

  draw(screen: ScreenBuffer, area: Rect, { app, styles }: ViewContext): void {
    this.#unsubscribe ??= this.#host.onChange(() => app.redraw());
    const status = this.#host.status();
    this.#keepTicking(status, () => app.redraw());
    const selected = this.#selectedCall(status);
    const x = area.x + 1;
    const width = area.width - 2;
    drawStatusBar(screen, { ...area, x, width }, status, styles);
    app.toast.draw(screen, x, area.y + 1, width, {
      info: styles.subtle,
      success: styles.success,
      error: styles.danger,
    });

    const listTop = area.y + 3;
    const bottom = area.y + area.height - (this.#line ? 3 : 2);
    screen.write(x, listTop - 1, `Calls (${status.calls.length})`, styles.subtle);
    let y = listTop;
    if (status.calls.length === 0) {
      screen.write(x + 2, y++, "No calls.", styles.subtle);
      screen.write(
        x + 2,
        y++,
        "Press d to dial, f for contacts, c for the call history.",
        styles.subtle,
      );
    }
    for (const call of status.calls) {
      if (y >= bottom) break;
      const isSelected = call.index === selected?.index;
      drawCallRow(screen, x, y++, width, call, isSelected, styles);
      if (isSelected && call.state === "established" && y < bottom) {
        screen.write(x + 4, y++, truncateText(qualityLine(call), width - 4), styles.subtle);
      }
    }
    if (status.transfer_pending && y < bottom) {
      screen.write(
        x + 2,
        ++y,
        "Attended transfer waiting: x completes it, X aborts it",
        styles.transfer,
      );
      y++;
    }
    if (status.last_call && y + 1 < bottom) {
      const last = status.last_call;
      const text = `Last call: ${arrow(last.direction)} ${last.contact ?? last.peer} · ${
        last.outcome.replace("_", " ")
      } · ${formatDuration(last.duration_secs)} · ${last.reason}`;
      screen.write(x, bottom - 1, truncateText(text, width), styles.subtle);
    }

    if (this.#line) {
      const lineY = area.y + area.height - 2;
      const style = this.#line.kind === "dial" ? styles.accent : styles.transfer;
      const labelEnd = screen.write(x, lineY, `${this.#line.label}: `, { ...style, bold: true });
      this.#line.input.draw(screen, labelEnd, lineY, x + width - labelEnd, style, true, {
        text: "number, name or sip: URI",
        style: styles.subtle,
      });
    }
    drawHints(
      screen,
      x,
      area.y + area.height - 1,
      width,
      hintsFor(this.mode, (c) => holds(c, status)),
      {
        key: styles.key,
        label: styles.subtle,
      },
    );
  }

  async handleKey(key: Key, { app }: ViewContext): Promise<boolean> {
    const status = this.#host.status();
    if (this.#line) return await this.#lineKey(key);
    const binding = bindingFor("normal", key, (c) => holds(c, status));
    if (!binding) return false;
    const condition = binding.when ?? "always";
    if (!holds(condition, status)) {
      app.toast.show(`${binding.help}: ${whyNot(condition)}`, "error");
      return true;
    }
    switch (binding.command) {
      case "next_call":
      case "previous_call":
        await this.#switchCall(status, binding.command === "next_call" ? 1 : -1);
        return true;
      case "search":
        this.#host.openSearch((target) => void this.fillLine(target));
        return true;
      case "command_bar":
        this.#host.openCommandBar();
        return true;
    }
    await this.#host.run(binding.command, bindingArgs(binding, key));
    return true;
  }

  closed(): void {
    this.#unsubscribe?.();
    clearInterval(this.#tick);
    this.#tick = undefined;
  }

  async #lineKey(key: Key): Promise<boolean> {
    const line = this.#line!;
    const binding = bindingFor(this.mode, key);
    switch (binding?.command) {
      case "submit": {
        const target = line.input.value.trim();
        if (!target) return true;
        this.#line = undefined;
        await this.#host.run(line.kind, [target]);
        return true;
      }
      case "cancel":
        this.#line = undefined;
        return true;
      case "backspace":
        if (line.input.empty) this.#line = undefined;
        else line.input.handleKey(key);
        return true;
      case "history":
        if (key.name === "up") line.older();
        else line.newer();
        return true;
      case "contacts":
        this.#host.openContacts((target) => line.set(target));
        return true;
      case "search":
        this.#host.openSearch((target) => line.set(target));
        return true;
    }
    line.input.handleKey(key);
    return true;
  }

  async #switchCall(status: ScreenStatus, delta: 1 | -1): Promise<void> {
    const calls = status.calls;
    if (calls.length < 2) return;
    const at = calls.findIndex((c) => c.index === this.#selectedCall(status)?.index);
    const next = calls[(at + delta + calls.length) % calls.length];
    this.#selected = next.index;
    if (next.state === "established" && next.held) await this.#host.selectCall(next.index);
  }

  /**
   * The selected call: the one the verbs act on (the newest not on hold,
   * else the newest) whenever that changes — a new call, a switch, a hang-up
   * — and otherwise the one chosen with Tab/↑/↓.
   */
  #selectedCall(status: ScreenStatus): ScreenCall | undefined {
    const calls = status.calls;
    const active = calls.findLast((c) => !c.held) ?? calls.at(-1);
    if (active?.index !== this.#active) {
      this.#active = active?.index;
      this.#selected = active?.index;
    }
    return calls.find((c) => c.index === this.#selected) ?? active;
  }

  /** A one-second redraw while a call is up (the timer); none when idle. */
  #keepTicking(status: ScreenStatus, redraw: () => void): void {
    const needed = status.calls.length > 0;
    if (needed && this.#tick === undefined) this.#tick = setInterval(redraw, 1000);
    if (!needed && this.#tick !== undefined) {
      clearInterval(this.#tick);
      this.#tick = undefined;
    }
  }
}

/** Whether a key table condition holds for `status`. */
export function holds(condition: Condition, status: ScreenStatus): boolean {
  const calls = status.calls;
  switch (condition) {
    case "always":
      return true;
    case "idle":
      return calls.length === 0;
    case "incoming":
      return calls.some((c) => c.direction === "incoming" && c.state === "ringing");
    case "call":
      return calls.length > 0;
    case "established":
      return calls.some((c) => c.state === "established");
    case "several":
      return calls.length > 1;
    case "transferPending":
      return status.transfer_pending === true;
    case "transferable":
      return status.transfer_pending !== true &&
        calls.some((c) => c.state === "established" && !c.held);
  }
}

function whyNot(condition: Condition): string {
  return {
    always: "",
    idle: "hang up first",
    incoming: "no call is ringing",
    call: "there is no call",
    established: "no call is established",
    several: "there is only one call",
    transferPending: "no attended transfer is waiting",
    transferable: "no call is talking, or an attended transfer is waiting (x completes, X aborts)",
  }[condition];
}

function drawStatusBar(
  screen: ScreenBuffer,
  area: Rect,
  status: ScreenStatus,
  styles: ThemeStyles,
): void {
  const y = area.y;
  let col = screen.write(area.x, y, ` ${status.profile} `, {
    ...styles.accent,
    bold: true,
    reverse: true,
  });
  col = screen.write(col, y, "  ");
  const reg = status.registration;
  const [mark, text, style] = reg.state === "registered"
    ? ["●", "Registered", styles.success]
    : reg.state === "failed"
    ? [
      "✗",
      `Registration failed${
        reg.reason ? `: ${reg.reason}` : reg.status_code ? ` (${reg.status_code})` : ""
      }`,
      styles.danger,
    ]
    : reg.state === "registering"
    ? ["○", "Registering…", styles.attention]
    : ["○", "Not registered", styles.subtle];
  col = screen.write(col, y, `${mark} ${text}`, style, area.x + area.width);
  const calls = status.calls.length;
  col = screen.write(
    col,
    y,
    `  ·  ${calls} call${calls === 1 ? "" : "s"}`,
    styles.subtle,
    area.x + area.width,
  );
  if (status.mwi?.waiting || (status.mwi?.new ?? 0) > 0) {
    col = screen.write(col, y, `  ·  `, styles.subtle);
    col = screen.write(
      col,
      y,
      `✉ ${status.mwi?.new ?? "new"}`,
      styles.attention,
      area.x + area.width,
    );
  }
  const aor = truncateText(status.aor, Math.max(0, area.x + area.width - col - 2));
  screen.write(area.x + area.width - textWidth(aor), y, aor, styles.subtle);
}

function drawCallRow(
  screen: ScreenBuffer,
  x: number,
  y: number,
  width: number,
  call: ScreenCall,
  selected: boolean,
  styles: ThemeStyles,
): void {
  const name = call.contact ?? call.display_name ?? call.peer;
  const detail = name === call.peer ? "" : ` ${call.number}`;
  const [stateText, stateStyle] = call.state === "established"
    ? call.held
      ? ["ON HOLD", styles.attention]
      : [formatDuration(call.duration_secs), styles.success]
    : call.direction === "incoming"
    ? ["RINGING", styles.attention]
    : call.state === "ringing"
    ? ["RINGING", styles.attention]
    : ["CALLING…", styles.subtle];
  const rowStyle = selected ? styles.attention : styles.text;
  let col = screen.write(x, y, selected ? "▸ " : "  ", styles.attention);
  col = screen.write(
    col,
    y,
    `${arrow(call.direction)} `,
    call.direction === "incoming" ? styles.accent : styles.text,
  );
  const nameWidth = Math.max(10, width - 30);
  col = screen.write(col, y, padText(name + detail, nameWidth), { ...rowStyle, bold: selected });
  col = screen.write(col + 1, y, stateText, { ...stateStyle, bold: true }, x + width);
  if (call.muted) screen.write(col + 2, y, "MUTED", { ...styles.danger, bold: true }, x + width);
}

function qualityLine(call: ScreenCall): string {
  const q = call.quality;
  const parts = q
    ? [
      `MOS ${q.mos.toFixed(1)}`,
      `jitter ${q.jitter_ms.toFixed(1)} ms`,
      `loss ${q.packet_loss_percent.toFixed(1)} %`,
      `RTT ${q.rtt_ms.toFixed(0)} ms`,
    ]
    : ["quality: waiting for the first RTCP report"];
  if (call.codec) parts.push(call.codec);
  return parts.join(" · ");
}

/** `→` for outgoing calls, `←` for incoming ones. */
export function arrow(direction: "incoming" | "outgoing"): string {
  return direction === "incoming" ? "←" : "→";
}

/**
 * Seconds as `mm:ss`, or `h:mm:ss` from an hour on.
 *
 * @example
 * ```ts
 * formatDuration(83); // "01:23"
 * formatDuration(3723); // "1:02:03"
 * ```
 */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const pad = (n: number) => String(n).padStart(2, "0");
  const hours = Math.floor(s / 3600);
  const rest = `${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  return hours ? `${hours}:${rest}` : rest;
}
