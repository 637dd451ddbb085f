/**
 * TUI benchmarks, each beside a reference measured in the same run:
 * - key → frame written: from a key's bytes reaching the key decoder to
 *   the frame's bytes being written, on the call screen with three calls
 *   (median and p99), beside the same with a renderer that redraws the
 *   whole screen every frame;
 * - bytes written for a one-cell change (a digit typed on the dial line),
 *   beside a full redraw of the same screen;
 * - a full redraw of a 200×60 screen with every cell in use (draw + encode);
 * - idle CPU of `ringo phone` (the picker, in a real terminal: tmux) over
 *   10 s, beside an idle `deno` process doing nothing.
 *
 * @module
 */
import { RINGO_DENO_FLAGS } from "../.ci/deno_flags.ts";
import { App, type AppIO } from "../tui/app.ts";
import { KeyDecoder } from "../tui/term/keys.ts";
import { DiffRenderer } from "../tui/term/renderer.ts";
import { ScreenBuffer } from "../tui/term/screen.ts";
import {
  type CallScreenHost,
  CallScreenView,
  type ScreenStatus,
} from "../tui/views/call_screen.ts";
import { formatRow, median } from "./stats.ts";

const encoder = new TextEncoder();

/** Runs the TUI benchmarks and prints their rows. */
export async function benchTui(runs: number): Promise<void> {
  console.log("\nTUI");
  const keyRuns = Math.max(200, runs * 20);
  const diff = await keyToFrame(keyRuns, false);
  const full = await keyToFrame(keyRuns, true);
  console.log(formatRow("key → frame written (diff renderer)", diff.times, "ms"));
  console.log(plainRow("  p99", percentile(diff.times, 99), "ms"));
  console.log(formatRow("  reference: full redraw every frame", full.times, "ms"));
  console.log(plainRow("  reference p99", percentile(full.times, 99), "ms"));
  console.log(plainRow("bytes written, one-cell change", median(diff.bytes), "B"));
  console.log(plainRow("  reference: full redraw of the same screen", median(full.bytes), "B"));
  const redraw = fullRedraw(Math.max(20, runs * 2));
  console.log(formatRow("full redraw 200×60, every cell (draw + encode)", redraw.times, "ms"));
  console.log(plainRow("  bytes of that frame", redraw.bytes, "B"));
  const idle = await idleCpu(10_000);
  if (idle) {
    console.log(plainRow("idle CPU over 10 s: ringo phone, picker", idle.picker, "%"));
    console.log(plainRow("  call screen, session up, no call: ringo", idle.callScreen, "%"));
    console.log(plainRow("  the same: its baresip", idle.baresip, "%"));
    console.log(plainRow("  reference: an idle deno process", idle.deno, "%"));
  } else {
    console.log("idle CPU: skipped (tmux not found)");
  }
}

/** A call screen with three calls (one established with quality, one held, one ringing in). */
function benchHost(): CallScreenHost {
  const status: ScreenStatus = {
    profile: "work",
    aor: "sip:alice@pbx.example.com",
    registration: { state: "registered" },
    calls: [
      {
        index: 1,
        direction: "outgoing",
        state: "established",
        peer: "sip:bob@pbx.example.com",
        number: "bob",
        contact: "Bob",
        held: true,
        muted: false,
        duration_secs: 754,
      },
      {
        index: 2,
        direction: "outgoing",
        state: "established",
        peer: "sip:4711@pbx.example.com",
        number: "4711",
        held: false,
        muted: false,
        duration_secs: 83,
        quality: { mos: 4.4, jitter_ms: 1.2, packet_loss_percent: 0, rtt_ms: 12 },
        codec: "PCMU/8000",
      },
      {
        index: 3,
        direction: "incoming",
        state: "ringing",
        peer: "sip:carol@pbx.example.com",
        number: "carol",
        display_name: "Carol",
        held: false,
        muted: false,
        duration_secs: 2,
      },
    ],
    last_call: {
      direction: "incoming",
      peer: "sip:dave@pbx.example.com",
      reason: "Connection reset by user",
      outcome: "answered",
      duration_secs: 125,
    },
    mwi: { waiting: true, new: 2 },
  };
  return {
    status: () => status,
    onChange: () => () => {},
    run: () => Promise.resolve(),
    dialHistory: () => Promise.resolve(["4711", "sip:bob@pbx.example.com"]),
    openSearch: () => {},
    openContacts: () => {},
    openCommandBar: () => {},
    selectCall: () => Promise.resolve(),
  };
}

/** Types `runs` digits on the dial line; times each from bytes in to frame out. */
async function keyToFrame(
  runs: number,
  fullRedraws: boolean,
): Promise<{ times: number[]; bytes: number[] }> {
  const last: { frame?: { at: number; bytes: number } } = {};
  const io: AppIO = {
    write: (text) => (last.frame = { at: performance.now(), bytes: encoder.encode(text).length }),
    size: () => ({ columns: 120, rows: 40 }),
    suspend: (run) => run(),
  };
  const app = new App(io, { colorMode: "truecolor", fullRedraw: fullRedraws });
  const screen = new CallScreenView(benchHost());
  app.push(screen);
  app.renderNow();
  await screen.openLine("dial");
  app.renderNow();
  const decoder = new KeyDecoder();
  const times: number[] = [];
  const bytes: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (i % 30 === 29) {
      // keep the line short: clear it (not measured)
      screen.line!.input.set("");
      app.renderNow();
    }
    last.frame = undefined;
    const start = performance.now();
    for (const key of decoder.feed(encoder.encode(String(i % 10)))) await app.handleKey(key);
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    const frame = last.frame as { at: number; bytes: number } | undefined;
    if (!frame) throw new Error("bench: a key produced no frame");
    times.push(frame.at - start);
    bytes.push(frame.bytes);
  }
  app.stop();
  return { times, bytes };
}

/** Draws and encodes a 200×60 screen with every cell set, from an empty terminal. */
function fullRedraw(runs: number): { times: number[]; bytes: number } {
  const times: number[] = [];
  let bytes = 0;
  const colors = ["red", "green", "cyan", "#89b4fa", "dark_gray", "yellow"];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const screen = new ScreenBuffer(200, 60);
    for (let y = 0; y < 60; y++) {
      for (let x = 0; x < 200; x += 20) {
        screen.write(x, y, `cell ${x},${y} 中`.padEnd(20, "·"), {
          fg: colors[(x + y + i) % colors.length],
        });
      }
    }
    const out = new DiffRenderer(200, 60, "truecolor").render(screen);
    times.push(performance.now() - start);
    bytes = encoder.encode(out).length;
  }
  return { times, bytes };
}

/** CPU % while idle, over `ms`: the picker, a running call screen (ringo and its baresip), an idle deno. */
async function idleCpu(
  ms: number,
): Promise<{ picker: number; callScreen: number; baresip: number; deno: number } | undefined> {
  const tmux = await new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" })
    .output()
    .catch(() => undefined);
  if (!tmux?.success) return undefined;
  const home = await Deno.makeTempDir({ prefix: "ringo-bench-tui-" });
  // A loopback profile (no registrar): its call screen runs a real session with nothing to do.
  await Deno.mkdir(`${home}/config/ringo/profiles/idle`, { recursive: true });
  await Deno.writeTextFile(
    `${home}/config/ringo/profiles/idle/profile.toml`,
    'username = "idle"\ndomain = "127.0.0.1"\nregint = 0\n',
  );
  const idleDeno = new Deno.Command(Deno.execPath(), {
    args: ["eval", "setTimeout(() => {}, 1e9)"],
    stdout: "null",
  }).spawn();
  try {
    const picker = await idleRingo(home, ["phone"], "pick an account", ms, idleDeno.pid);
    const call = await idleRingo(home, ["phone", "start", "idle", "--no-notify"], "Calls (0)", ms);
    return {
      picker: picker.ringo,
      callScreen: call.ringo,
      baresip: call.children,
      deno: picker.other,
    };
  } finally {
    idleDeno.kill("SIGKILL");
    await idleDeno.status;
    await Deno.remove(home, { recursive: true }).catch(() => {});
  }
}

/** Runs ringo in a private tmux until `ready` is on screen, then measures its CPU % over `ms`. */
async function idleRingo(
  home: string,
  args: string[],
  ready: string,
  ms: number,
  otherPid?: number,
): Promise<{ ringo: number; children: number; other: number }> {
  const socket = `ringo-bench-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const main = new URL("../main.ts", import.meta.url).pathname;
  const tmuxRun = (...tmuxArgs: string[]) =>
    new Deno.Command("tmux", { args: ["-L", socket, ...tmuxArgs], stdout: "piped" }).output();
  const env = `env HOME=${home} XDG_CONFIG_HOME=${home}/config XDG_DATA_HOME=${home}/data ` +
    `XDG_STATE_HOME=${home}/state XDG_RUNTIME_DIR=${home}/run`;
  await Deno.mkdir(`${home}/run`, { recursive: true, mode: 0o700 });
  const command = `${env} ${Deno.execPath()} run ${RINGO_DENO_FLAGS.join(" ")} ${main} ${
    args.join(" ")
  }`;
  await tmuxRun(
    "-f",
    "/dev/null",
    "new-session",
    "-d",
    "-s",
    "b",
    "-x",
    "100",
    "-y",
    "30",
    command,
  );
  try {
    // Measure only once the screen is drawn (start-up is not idling), and a second after.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const screen = new TextDecoder().decode(
        (await tmuxRun("capture-pane", "-p", "-t", "b")).stdout,
      );
      if (screen.includes(ready)) break;
      await new Promise((r) => setTimeout(r, 200)); // tmux tells nothing when a pane is drawn: look again
    }
    await new Promise((r) => setTimeout(r, 1000));
    const pid = Number(
      new TextDecoder().decode(
        (await tmuxRun("display-message", "-p", "-t", "b", "#{pane_pid}")).stdout,
      )
        .trim(),
    );
    const sample = () => ({
      ringo: cpuTicks(pid),
      children: childTicks(pid),
      other: otherPid ? cpuTicks(otherPid) : 0,
    });
    const before = sample();
    await new Promise((r) => setTimeout(r, ms));
    const after = sample();
    const percent = (ticks: number) => (ticks / 100) / (ms / 1000) * 100; // USER_HZ is 100 on Linux
    return {
      ringo: percent(after.ringo - before.ringo),
      children: percent(after.children - before.children),
      other: percent(after.other - before.other),
    };
  } finally {
    await tmuxRun("send-keys", "-t", "b", "C-c").catch(() => {});
    await new Promise((r) => setTimeout(r, 1500)); // let the session hang up and remove its socket
    const path = new TextDecoder().decode(
      (await tmuxRun("display-message", "-p", "#{socket_path}").catch(() => undefined))?.stdout ??
        new Uint8Array(),
    ).trim();
    await tmuxRun("kill-server").catch(() => {});
    if (path) await Deno.remove(path).catch(() => {}); // tmux leaves its socket file behind
  }
}

/** CPU ticks of the running children (and their children) of `pid`. */
function childTicks(pid: number): number {
  let total = 0;
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`).replace(/^.*\) /, "").split(
        " ",
      );
      if (Number(stat[1]) === pid) {
        total += cpuTicks(Number(entry.name)) + childTicks(Number(entry.name));
      }
    } catch {
      // gone
    }
  }
  return total;
}

/** utime + stime of a process and its children reaped so far, in clock ticks. */
function cpuTicks(pid: number): number {
  const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).replace(/^.*\) /, "").split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

/** A row of one figure (no spread to show). */
function plainRow(name: string, value: number, unit: string): string {
  const shown = value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(1) : value.toFixed(2);
  return `${name.padEnd(44)} ${shown.padStart(8)} ${unit}`;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
