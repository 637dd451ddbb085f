/**
 * `ringo flow serve` as one owned thing: the config, the archive, the run
 * queue, the scheduler and the HTTP server, started in order, reloaded on
 * SIGHUP (new monitors and schedules; queued runs stay), and shut down
 * cleanly (running runs are stopped and recorded `interrupted`).
 *
 * @module
 */
import { dirname } from "node:path";
import { RunArchive } from "./archive.ts";
import { Authenticator } from "./auth.ts";
import { loadServeConfig, type MonitorConfig, type ServeConfig } from "./config.ts";
import { ServeError } from "./errors.ts";
import { httpApp } from "./http_app.ts";
import type { RunService } from "./http_runs.ts";
import { isLoopback, type ListenAddress, parseListen, urlHost } from "./listen.ts";
import { renderMetrics } from "./metrics.ts";
import { type MonitorView, monitorView } from "./monitor_view.ts";
import { type LiveRun, RunQueue } from "./run_queue.ts";
import { FINAL_STATUSES, type RunRecord, type RunTrigger } from "./run_record.ts";
import { Scheduler } from "./scheduler.ts";

/** Options of {@link FlowServe.start}. */
export interface FlowServeOptions {
  /** The config file. */
  configPath: string;
  /** Overrides `[server] listen`. */
  listen?: string;
  /** Allow access without auth — only on a loopback address. */
  insecureNoAuth?: boolean;
  /** The environment (secrets in `*_env`, and the children's environment); default the process's. */
  env?: Record<string, string>;
  /** Where progress lines go; default stderr. */
  log?: (line: string) => void;
  /** Between SIGTERM and SIGKILL of an overrunning run; default 10 s. */
  killGraceMs?: number;
  /** ringo's version, for `/healthz`. */
  version?: string;
}

/** How often retention runs besides after each run (for `keep_days`). */
const PRUNE_INTERVAL_MS = 3_600_000;

/**
 * See the module documentation.
 *
 * @example
 * ```ts
 * const serve = await FlowServe.start({ configPath: "examples/serve/monitor.toml" });
 * console.log(serve.url); // http://127.0.0.1:9090
 * await serve.shutdown();
 * ```
 */
export class FlowServe implements AsyncDisposable {
  /** The base URL the server listens on. */
  readonly url: string;
  readonly #options: FlowServeOptions;
  #config: ServeConfig;
  readonly #archive: RunArchive;
  readonly #queue: RunQueue;
  readonly #scheduler: Scheduler;
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #lastRuns = new Map<string, RunRecord>();
  readonly #log: (line: string) => void;
  readonly #pruneTimer: ReturnType<typeof setInterval>;
  /** Ends the open event streams at shutdown (the server waits for every response). */
  readonly #closing: AbortController;
  #shutdown?: Promise<void>;

  private constructor(parts: {
    options: FlowServeOptions;
    config: ServeConfig;
    archive: RunArchive;
    queue: RunQueue;
    scheduler: Scheduler;
    server: Deno.HttpServer<Deno.NetAddr>;
    url: string;
    log: (line: string) => void;
    closing: AbortController;
  }) {
    this.#options = parts.options;
    this.#config = parts.config;
    this.#archive = parts.archive;
    this.#queue = parts.queue;
    this.#scheduler = parts.scheduler;
    this.#server = parts.server;
    this.url = parts.url;
    this.#log = parts.log;
    this.#closing = parts.closing;
    this.#pruneTimer = setInterval(() => void this.#pruneAll(), PRUNE_INTERVAL_MS);
  }

  /**
   * Reads the config, opens the archive (marking runs a previous process
   * left unfinished as `interrupted`), schedules the monitors and listens.
   *
   * @throws {ServeError} for a bad config, missing secrets, or auth rules
   * the listen address breaks.
   */
  static async start(options: FlowServeOptions): Promise<FlowServe> {
    const log = options.log ?? ((line: string) => console.error(line));
    const env = options.env ?? Deno.env.toObject();
    const config = await loadServeConfig(options.configPath);
    const address = parseListen(options.listen ?? config.server.listen);
    const auth = await Authenticator.create(config.auth, {
      insecureNoAuth: options.insecureNoAuth,
      env,
    });
    checkAuthRules(auth, address, options.insecureNoAuth === true);
    const tls = await readTls(config);

    const archive = await RunArchive.open(config.archive.path);
    const recovered = await archive.recoverInterrupted();
    for (const r of recovered) {
      log(`ringo flow serve: run ${r.id} of ${r.monitor} was left unfinished: interrupted`);
    }

    // The queue, scheduler and routes call back into the instance made below.
    const late: { self?: FlowServe } = {};
    const queue = new RunQueue({
      archive,
      concurrency: config.server.concurrency,
      cwd: dirname(config.file),
      env: childEnv(env, config),
      killGraceMs: options.killGraceMs,
      onFinished: (record) => late.self ? late.self.#finished(record) : undefined,
    });
    const scheduler = new Scheduler(async (monitor) => {
      // A schedule that fires while a run of the monitor waits adds nothing.
      if (queue.hasQueued(monitor.name)) return;
      await queue.enqueue(monitor, { kind: "schedule" });
    });

    const closing = new AbortController();
    const parts = { config, archive, queue, scheduler, closing: closing.signal };
    const app = httpApp({
      service: serviceOf(() => late.self!, parts),
      auth,
      tls: tls !== undefined,
      metrics: {
        enabled: config.metrics.enabled,
        public: config.metrics.public,
        render: () => late.self!.#metrics(),
      },
      version: options.version ?? "dev",
    });
    let server: Deno.HttpServer<Deno.NetAddr>;
    const listening = Promise.withResolvers<Deno.NetAddr>();
    try {
      server = Deno.serve(
        {
          hostname: address.hostname,
          port: address.port,
          ...(tls ?? {}),
          onListen: (addr) => listening.resolve(addr as Deno.NetAddr),
          onError: (error) => {
            log(`ringo flow serve: ${(error as Error).stack ?? error}`);
            return new Response("internal error", { status: 500 });
          },
        },
        (request, info) =>
          late.self
            ? app.fetch(request, { remote: info.remoteAddr })
            : Response.json({ error: "ringo flow serve is starting" }, { status: 503 }),
      );
    } catch (error) {
      archive.close();
      throw new ServeError(
        `cannot listen on ${urlHost(address)}: ${(error as Error).message}`,
        { hint: "pick another port with --listen HOST:PORT" },
      );
    }
    const bound = await listening.promise;
    const url = `${tls ? "https" : "http"}://${
      urlHost({ hostname: bound.hostname, port: bound.port })
    }`;
    const self = new FlowServe({
      options,
      config,
      archive,
      queue,
      scheduler,
      server,
      url,
      log,
      closing,
    });
    late.self = self;
    await self.#restoreLastRuns();
    scheduler.set(config.monitors);
    log(`ringo flow serve: listening on ${url} — ${describeMonitors(config.monitors)}`);
    return self;
  }

  /** The config in force. */
  get config(): ServeConfig {
    return this.#config;
  }

  /**
   * Reads the config again and applies its monitors, schedules and
   * concurrency; runs waiting in the queue keep their place. A config that
   * does not check is refused and the old one stays.
   */
  async reload(): Promise<void> {
    let next: ServeConfig;
    try {
      next = await loadServeConfig(this.#options.configPath);
    } catch (error) {
      this.#log(
        `ringo flow serve: reload refused, the old config stays:\n${(error as Error).message}`,
      );
      return;
    }
    const old = this.#config;
    const needsRestart = [
      next.server.listen !== old.server.listen && "[server] listen",
      (next.server.tlsCert !== old.server.tlsCert || next.server.tlsKey !== old.server.tlsKey) &&
      "[server] tls_cert/tls_key",
      JSON.stringify(next.auth) !== JSON.stringify(old.auth) && "[auth]",
      next.archive.path !== old.archive.path && "[archive] path",
    ].filter((x): x is string => typeof x === "string");
    // What needs a restart keeps its old value until then.
    this.#config = {
      ...next,
      server: { ...old.server, concurrency: next.server.concurrency },
      auth: old.auth,
      archive: { ...next.archive, path: old.archive.path },
    };
    this.#queue.concurrency = next.server.concurrency;
    this.#scheduler.set(this.#config.monitors);
    this.#log(
      `ringo flow serve: config reloaded — ${describeMonitors(this.#config.monitors)}` +
        (needsRestart.length > 0 ? ` (changes to ${needsRestart.join(", ")} need a restart)` : ""),
    );
  }

  /** Stops scheduling, stops running runs (recorded `interrupted`), closes the server and the archive. */
  shutdown(): Promise<void> {
    this.#shutdown ??= (async () => {
      clearInterval(this.#pruneTimer);
      this.#scheduler.stop();
      await this.#queue.shutdown();
      this.#closing.abort();
      await this.#server.shutdown();
      this.#archive.close();
    })();
    return this.#shutdown;
  }

  /** Same as {@link shutdown}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  /** The monitor named `name` in the config in force. */
  monitor(name: string): MonitorConfig | undefined {
    return this.#config.monitors.find((m) => m.name === name);
  }

  /** Queues a run of `monitor` now. */
  startRun(monitor: MonitorConfig, trigger: RunTrigger): Promise<LiveRun> {
    return this.#queue.enqueue(monitor, trigger);
  }

  /** The dashboard's and API's view of every monitor. */
  monitorViews(): Promise<MonitorView[]> {
    return Promise.all(this.#config.monitors.map((m) => this.#view(m)));
  }

  /** The view of monitor `name`. */
  async monitorView(name: string): Promise<MonitorView | undefined> {
    const monitor = this.monitor(name);
    return monitor ? await this.#view(monitor) : undefined;
  }

  #view(monitor: MonitorConfig): Promise<MonitorView> {
    return monitorView(monitor, {
      archive: this.#archive,
      queue: this.#queue,
      scheduler: this.#scheduler,
      configDir: dirname(this.#config.file),
    });
  }

  async #finished(record: RunRecord): Promise<void> {
    this.#lastRuns.set(record.monitor, record);
    const monitor = this.monitor(record.monitor);
    this.#log(
      `ringo flow serve: ${record.monitor} run ${record.id}: ${record.status}` +
        (record.message && record.status !== "passed" ? ` — ${record.message.split("\n")[0]}` : ""),
    );
    await this.#archive.prune(record.monitor, this.#retention(monitor));
  }

  #retention(monitor: MonitorConfig | undefined) {
    const a = this.#config.archive;
    return {
      keepRuns: monitor?.keepRuns ?? a.keepRuns,
      keepDays: monitor?.keepDays ?? a.keepDays,
      keepAudio: a.keepAudio,
    };
  }

  async #pruneAll(): Promise<void> {
    try {
      for (const name of await this.#archive.monitors()) {
        await this.#archive.prune(name, this.#retention(this.monitor(name)));
      }
    } catch (error) {
      this.#log(`ringo flow serve: retention failed: ${(error as Error).message}`);
    }
  }

  /** The last finished run of each monitor, from the archive (metrics survive restarts). */
  async #restoreLastRuns(): Promise<void> {
    const names = new Set([
      ...this.#config.monitors.map((m) => m.name),
      ...await this.#archive.monitors(),
    ]);
    for (const name of names) {
      const [latest] = (await this.#archive.list({ monitor: name, limit: 20 }))
        .filter((r) => FINAL_STATUSES.includes(r.status));
      const record = latest ? await this.#archive.get(latest.id) : undefined;
      if (record) this.#lastRuns.set(name, record);
    }
  }

  async #metrics(): Promise<string> {
    const count = (records: RunRecord[]) => {
      const map = new Map<string, number>();
      for (const r of records) map.set(r.monitor, (map.get(r.monitor) ?? 0) + 1);
      return map;
    };
    const nextRuns = new Map<string, number>();
    for (const m of this.#config.monitors) {
      const next = this.#scheduler.nextRun(m.name);
      if (next) nextRuns.set(m.name, next.getTime());
    }
    return renderMetrics({
      monitors: this.#config.monitors.map((m) => m.name),
      counters: await this.#archive.counters(),
      lastRuns: this.#lastRuns,
      queued: count(this.#queue.waiting),
      running: count(this.#queue.running),
      nextRuns,
    });
  }
}

function serviceOf(
  self: () => FlowServe,
  parts: { archive: RunArchive; queue: RunQueue; closing: AbortSignal },
): RunService {
  return {
    archive: parts.archive,
    queue: parts.queue,
    closing: parts.closing,
    monitor: (name) => self().monitor(name),
    monitorNames: () => self().config.monitors.map((m) => m.name),
    monitorViews: () => self().monitorViews(),
    monitorView: (name) => self().monitorView(name),
    startRun: (monitor, trigger) => self().startRun(monitor, trigger),
  };
}

/** Refuses to start open to the network, or with no way in at all. */
function checkAuthRules(
  auth: Authenticator,
  address: ListenAddress,
  insecureNoAuth: boolean,
): void {
  if (insecureNoAuth && !isLoopback(address.hostname)) {
    throw new ServeError(
      `--insecure-no-auth is only allowed on a loopback address, not ${urlHost(address)}`,
      {
        hint:
          "listen on 127.0.0.1 (or ::1), or add [[auth.user]] / [[auth.token]] entries to the config",
      },
    );
  }
  if (!insecureNoAuth && !auth.configured) {
    throw new ServeError(
      "the config has no [[auth.user]] or [[auth.token]], so nobody could log in",
      {
        hint: "add a user (hash a password with `ringo flow serve --hash-password`) or a token; " +
          "on a loopback address, --insecure-no-auth serves without auth",
      },
    );
  }
}

async function readTls(config: ServeConfig): Promise<{ cert: string; key: string } | undefined> {
  const { tlsCert, tlsKey } = config.server;
  if (!tlsCert || !tlsKey) return undefined;
  try {
    return { cert: await Deno.readTextFile(tlsCert), key: await Deno.readTextFile(tlsKey) };
  } catch (error) {
    throw new ServeError(`cannot read the TLS certificate or key: ${(error as Error).message}`, {
      hint: "[server] tls_cert and tls_key are PEM files readable by ringo",
    });
  }
}

/** The children's environment: serve's own, without the secrets of its users and tokens. */
function childEnv(env: Record<string, string>, config: ServeConfig): Record<string, string> {
  const secret = new Set(
    [...config.auth.users.map((u) => u.password.env), ...config.auth.tokens.map((t) => t.token.env)]
      .filter((name): name is string => name !== undefined),
  );
  return Object.fromEntries(Object.entries(env).filter(([name]) => !secret.has(name)));
}

function describeMonitors(monitors: readonly MonitorConfig[]): string {
  const scheduled = monitors.filter((m) => m.schedule).length;
  return `${monitors.length} monitor${monitors.length === 1 ? "" : "s"}, ${scheduled} scheduled`;
}
