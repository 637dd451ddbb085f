/**
 * The monitors and runs API: list monitors, start a run (and wait for it),
 * list and read runs, stream a run's events (NDJSON, or live as
 * Server-Sent Events), and download what it left (JUnit, pcap, WAV, its
 * SIP messages, the child's stderr).
 *
 * @module
 */
import { join } from "node:path";
import { Hono } from "hono";
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { SipEvent } from "../report/events.ts";
import { scenarioFolder } from "../output_paths.ts";
import type { RunArchive } from "./archive.ts";
import type { Authenticator, Principal } from "./auth.ts";
import type { MonitorConfig } from "./config.ts";
import { requireScope, type ServeEnv } from "./http_auth.ts";
import type { MonitorView } from "./monitor_view.ts";
import { isRunId } from "./run_id.ts";
import type { LiveRun, RunQueue } from "./run_queue.ts";
import { FINAL_STATUSES, type RunRecord, type RunStatus, type RunTrigger } from "./run_record.ts";

/** What the routes need from the running service. */
export interface RunService {
  archive: RunArchive;
  queue: RunQueue;
  monitor(name: string): MonitorConfig | undefined;
  monitorNames(): string[];
  monitorViews(): Promise<MonitorView[]>;
  monitorView(name: string): Promise<MonitorView | undefined>;
  startRun(monitor: MonitorConfig, trigger: RunTrigger): Promise<LiveRun>;
  /** Aborted when serve shuts down: open event streams end then. */
  closing: AbortSignal;
}

const STATUSES: readonly RunStatus[] = ["queued", "running", ...FINAL_STATUSES];
/** SSE comment sent this often so proxies keep an idle stream open. */
const HEARTBEAT_MS = 15_000;

/**
 * The routes, to mount at `/`: `/api/monitors…`, `/api/runs…`,
 * `/api/stream` (a `run` Server-Sent Event whenever a run is queued, starts
 * or ends) and the original ringo's `POST /run/<name>`.
 */
export function runRoutes(service: RunService, auth: Authenticator): Hono<ServeEnv> {
  const app = new Hono<ServeEnv>();
  const read = requireScope(auth, "read");
  const run = requireScope(auth, "run");

  app.get("/api/monitors", read, async (c) => c.json({ monitors: await service.monitorViews() }));
  app.get("/api/monitors/:name", read, async (c) => {
    const view = await service.monitorView(c.req.param("name"));
    return view ? c.json(view) : unknownMonitor(c, service);
  });
  const start = async (c: Context<ServeEnv>) => {
    const monitor = service.monitor(c.req.param("name")!);
    if (!monitor) return unknownMonitor(c, service);
    const principal = c.get("principal");
    const live = await service.startRun(monitor, triggerOf(c, principal));
    if (c.req.query("wait") === "true" || c.req.query("wait") === "1") {
      const record = await live.done;
      return c.json(runView(record, false), record.status === "passed" ? 200 : 502);
    }
    return c.json(
      { id: live.record.id, status: live.record.status, links: linksOf(live.record) },
      202,
      { Location: `/api/runs/${live.record.id}` },
    );
  };
  app.post("/api/monitors/:name/runs", run, start);
  app.post("/run/:name", run, start);

  app.get("/api/runs", read, async (c) => {
    const status = c.req.query("status");
    if (status !== undefined && !STATUSES.includes(status as RunStatus)) {
      return c.json({
        error: `status must be one of ${STATUSES.join(", ")}; got ${JSON.stringify(status)}`,
      }, 400);
    }
    const before = c.req.query("before");
    if (before !== undefined && !isRunId(before)) {
      return c.json({ error: `before must be a run id; got ${JSON.stringify(before)}` }, 400);
    }
    const limit = c.req.query("limit") === undefined ? undefined : Number(c.req.query("limit"));
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
      return c.json({ error: "limit must be a whole number of at least 1" }, 400);
    }
    const runs = await service.archive.list({
      monitor: c.req.query("monitor") || undefined,
      status: status as RunStatus | undefined,
      before,
      limit,
    });
    const next = runs.length > 0 && runs.length === (limit ?? 50) ? runs.at(-1)!.id : undefined;
    return c.json({ runs, ...(next ? { next: `/api/runs?${nextQuery(c, next)}` } : {}) });
  });

  app.get("/api/stream", read, (c) =>
    streamSSE(c, async (stream) => {
      const changes: string[] = [];
      let wake: (() => void) | undefined;
      const onChange: EventListener = (e) => {
        changes.push(JSON.stringify((e as CustomEvent).detail));
        wake?.();
      };
      service.queue.changes.addEventListener("change", onChange);
      const heartbeat = setInterval(() => {
        changes.push("");
        wake?.();
      }, HEARTBEAT_MS);
      stream.onAbort(() => wake?.());
      const onClosing = () => wake?.();
      service.closing.addEventListener("abort", onClosing);
      try {
        await stream.writeSSE({ event: "hello", data: "{}" });
        while (!stream.aborted && !service.closing.aborted) {
          while (changes.length > 0) {
            const data = changes.shift()!;
            if (data === "") await stream.write(": keep-alive\n\n");
            else await stream.writeSSE({ event: "run", data });
          }
          if (stream.aborted || service.closing.aborted) break;
          await new Promise<void>((r) => (wake = r));
        }
      } finally {
        clearInterval(heartbeat);
        service.closing.removeEventListener("abort", onClosing);
        service.queue.changes.removeEventListener("change", onChange);
      }
    }));

  app.get("/api/runs/:id", read, async (c) => {
    const found = await recordOf(c, service);
    if (found instanceof Response) return found;
    return c.json(runView(found.record, found.live !== undefined));
  });

  app.get("/api/runs/:id/events", read, async (c) => {
    const found = await recordOf(c, service);
    if (found instanceof Response) return found;
    const sse = (c.req.header("accept") ?? "").includes("text/event-stream");
    if (sse) return eventStream(c, found.record, found.live, service.archive, service.closing);
    const lines = found.live
      ? found.live.lines
      : await eventLines(service.archive, found.record.id);
    return c.body(lines.map((l) => `${l}\n`).join(""), 200, {
      "Content-Type": "application/x-ndjson; charset=utf-8",
    });
  });

  app.get("/api/runs/:id/sip", read, async (c) => {
    const found = await recordOf(c, service);
    if (found instanceof Response) return found;
    const lines = found.live
      ? found.live.lines
      : await eventLines(service.archive, found.record.id);
    const scenarios: SipEvent[] = [];
    for (const line of lines) {
      if (!line.startsWith('{"type":"sip"')) continue;
      scenarios.push(JSON.parse(line) as SipEvent);
    }
    return c.json({ scenarios });
  });

  const file =
    (name: string, type: string, download?: (r: RunRecord) => string) =>
    async (c: Context<ServeEnv>) => {
      const found = await recordOf(c, service);
      if (found instanceof Response) return found;
      const headers: Record<string, string> = { "Content-Type": type };
      if (download) {
        headers["Content-Disposition"] = `attachment; filename="${download(found.record)}"`;
      }
      return await sendFile(c, join(service.archive.runDir(found.record.id), name), headers);
    };
  app.get("/api/runs/:id/junit.xml", read, file("junit.xml", "application/xml; charset=utf-8"));
  app.get(
    "/api/runs/:id/pcap",
    read,
    file("sip.pcap", "application/vnd.tcpdump.pcap", (r) => `ringo-${r.monitor}-${r.id}.pcap`),
  );
  app.get("/api/runs/:id/stderr", read, file("stderr.txt", "text/plain; charset=utf-8"));

  app.get("/api/runs/:id/audio/:scenario/:agent/:file", read, async (c) => {
    const found = await recordOf(c, service);
    if (found instanceof Response) return found;
    const s = found.record.scenarios.find((x) => x.id === c.req.param("scenario"));
    const wanted = `${c.req.param("agent")}/${c.req.param("file")}`;
    if (!s || !s.audio.includes(wanted)) {
      return c.json({
        error: `run ${found.record.id} has no audio ${c.req.param("scenario")}/${wanted}`,
      }, 404);
    }
    const path = join(
      service.archive.runDir(found.record.id),
      "audio",
      scenarioFolder(s.file, s.name),
      wanted,
    );
    return await sendFile(c, path, { "Content-Type": "audio/wav" });
  });
  return app;
}

/** A run as the API returns it: the record, whether it is live, and its links. */
export function runView(record: RunRecord, live: boolean) {
  return { ...record, live, links: linksOf(record) };
}

function linksOf(record: RunRecord) {
  const base = `/api/runs/${record.id}`;
  const audio = record.scenarios.flatMap((s) =>
    s.audio.map((file) => ({ scenario: s.id, file, url: `${base}/audio/${s.id}/${file}` }))
  );
  return {
    self: base,
    events: `${base}/events`,
    sip: `${base}/sip`,
    ...(record.files.junit ? { junit: `${base}/junit.xml` } : {}),
    ...(record.files.pcap ? { pcap: `${base}/pcap` } : {}),
    ...(record.files.stderr ? { stderr: `${base}/stderr` } : {}),
    audio,
    dashboard: `/#/runs/${record.id}`,
  };
}

async function recordOf(
  c: Context<ServeEnv>,
  service: RunService,
): Promise<{ record: RunRecord; live?: LiveRun } | Response> {
  const id = c.req.param("id")!;
  const live = service.queue.live(id);
  if (live) return { record: live.record, live };
  const record = isRunId(id) ? await service.archive.get(id) : undefined;
  if (!record) return c.json({ error: `no run ${JSON.stringify(id)} in the archive` }, 404);
  return { record };
}

function unknownMonitor(c: Context<ServeEnv>, service: RunService): Response {
  const names = service.monitorNames();
  return c.json({
    error: `no monitor named ${JSON.stringify(c.req.param("name"))}`,
    hint: names.length > 0 ? `the monitors are: ${names.join(", ")}` : "the config has no monitors",
  }, 404);
}

function triggerOf(c: Context<ServeEnv>, principal: Principal): RunTrigger {
  const fromDashboard = principal.kind === "user" || c.req.header("x-ringo-client") === "dashboard";
  return { kind: fromDashboard ? "dashboard" : "api", by: principal.name };
}

function nextQuery(c: Context<ServeEnv>, before: string): string {
  const params = new URLSearchParams(new URL(c.req.url).search);
  params.set("before", before);
  return params.toString();
}

/** The archived event lines of run `id`. */
async function eventLines(archive: RunArchive, id: string): Promise<string[]> {
  try {
    const text = await Deno.readTextFile(join(archive.runDir(id), "events.ndjson"));
    return text.split("\n").filter((l) => l !== "");
  } catch {
    return [];
  }
}

/**
 * The events as Server-Sent Events: those so far (after `Last-Event-ID`),
 * then, for a live run, each one as it comes; an `end` event with the final
 * record closes the stream.
 */
function eventStream(
  c: Context<ServeEnv>,
  record: RunRecord,
  live: LiveRun | undefined,
  archive: RunArchive,
  closing: AbortSignal,
): Response {
  const after = Number(c.req.header("last-event-id") ?? -1);
  return streamSSE(c, async (stream) => {
    const pending: Array<string | null> = [];
    let wake: (() => void) | undefined;
    const stop = live?.listen((line) => {
      pending.push(line);
      wake?.();
    });
    const backlog = live ? live.lines.slice() : await eventLines(archive, record.id);
    let index = 0;
    const send = async (line: string) => {
      if (index > after) await stream.writeSSE({ data: line, id: String(index) });
      index++;
    };
    for (const line of backlog) await send(line);
    if (live) {
      const heartbeat = setInterval(
        () => void stream.write(": keep-alive\n\n").catch(() => {}),
        HEARTBEAT_MS,
      );
      stream.onAbort(() => {
        stop?.();
        wake?.();
      });
      const onClosing = () => wake?.();
      closing.addEventListener("abort", onClosing);
      try {
        for (;;) {
          while (pending.length > 0) {
            const line = pending.shift()!;
            if (line === null) {
              await stream.writeSSE({
                event: "end",
                data: JSON.stringify(runView(live.record, false)),
              });
              return;
            }
            await send(line);
          }
          if (stream.aborted || closing.aborted) return;
          await new Promise<void>((r) => (wake = r));
        }
      } finally {
        clearInterval(heartbeat);
        closing.removeEventListener("abort", onClosing);
        stop?.();
      }
    }
    await stream.writeSSE({ event: "end", data: JSON.stringify(runView(record, false)) });
  });
}

/** A file of a run, with `Range` support (audio players seek with it). */
async function sendFile(
  c: Context<ServeEnv>,
  path: string,
  headers: Record<string, string>,
): Promise<Response> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch {
    return c.json(
      { error: "this run has no such file (not written, or removed by retention)" },
      404,
    );
  }
  const size = (await file.stat()).size;
  const range = /^bytes=(\d*)-(\d*)$/.exec(c.req.header("range") ?? "");
  const base = { ...headers, "Accept-Ranges": "bytes", "Cache-Control": "private, max-age=3600" };
  if (!range || (range[1] === "" && range[2] === "")) {
    return new Response(file.readable, {
      status: 200,
      headers: { ...base, "Content-Length": String(size) },
    });
  }
  let start = range[1] === "" ? Math.max(size - Number(range[2]), 0) : Number(range[1]);
  let end = range[1] === "" || range[2] === "" ? size - 1 : Math.min(Number(range[2]), size - 1);
  if (start >= size || start > end) {
    file.close();
    return new Response(null, {
      status: 416,
      headers: { ...base, "Content-Range": `bytes */${size}` },
    });
  }
  start = Math.max(0, start);
  end = Math.max(start, end);
  await file.seek(start, Deno.SeekMode.Start);
  const length = end - start + 1;
  let left = length;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = new Uint8Array(Math.min(64 * 1024, left));
      const n = await file.read(chunk);
      if (n === null || n === 0) {
        file.close();
        controller.close();
        return;
      }
      controller.enqueue(chunk.subarray(0, n));
      left -= n;
      if (left <= 0) {
        file.close();
        controller.close();
      }
    },
    cancel() {
      file.close();
    },
  });
  return new Response(body, {
    status: 206,
    headers: {
      ...base,
      "Content-Length": String(length),
      "Content-Range": `bytes ${start}-${end}/${size}`,
    },
  });
}
