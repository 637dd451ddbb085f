/**
 * A real, disposable test PBX: kamailio 5.6 with an in-memory registrar and
 * digest authentication for a fixed set of test users, listening on
 * 127.0.0.1 (UDP and TCP on the same port).
 *
 * ```ts
 * await using pbx = await startPbx();
 * // register baresip accounts as sip:alice@127.0.0.1:${pbx.port} / alice-secret ...
 * ```
 *
 * Each instance gets its own free port and temp dir (config, pid file,
 * runtime dir), so several test files can run their own PBX in parallel.
 * See tests/pbx/README.md for the SIP behaviour and status codes.
 *
 * @module
 */
import dgram from "node:dgram";

/** SIP domain and digest realm of the test PBX (also its only listen address). */
export const PBX_DOMAIN = "127.0.0.1" as const;

/** The fixed test users (user name → password) known to every test PBX. */
export const TEST_USERS: Readonly<Record<"alice" | "bob" | "carol" | "dave", string>> = Object
  .freeze({
    alice: "alice-secret",
    bob: "bob-secret",
    carol: "carol-secret",
    dave: "dave-secret",
  });

/** A running kamailio test PBX. `await using` (or `stop()`) shuts it down. */
export interface TestPbx extends AsyncDisposable {
  /** Listen address (UDP and TCP). */
  host: "127.0.0.1";
  /** Listen port (UDP and TCP). */
  port: number;
  /** SIP domain / digest realm: "127.0.0.1". */
  domain: string;
  /** The accounts the PBX accepts (user name → password), a copy of {@link TEST_USERS}. */
  users: Record<string, string>;
  /** PID of the kamailio main process (also its process-group id). */
  pid: number;
  /** kamailio's stdout+stderr so far (bounded: the most recent ~1 MiB). */
  log(): string;
  /** SIGTERM the whole kamailio process group, SIGKILL after a grace period, remove the temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** Options for {@link startPbx}. */
export interface StartPbxOptions {
  /** Fixed port to use; default: a free port picked at random (retried on collision). */
  port?: number;
  /** kamailio config text appended verbatim to the end of the generated config. */
  extraConfig?: string;
  /**
   * When set, every initial INVITE is first POSTed as JSON
   * `{"caller","callee","callId"}` to this URL; the answer `{"route":"bob"}`
   * re-targets the call, `{"reject":486}` rejects it with that code, any other
   * 2xx answer routes normally, and no answer within 2 s / an error / a non-2xx
   * HTTP status rejects the INVITE with 480.
   */
  webhookUrl?: string;
  /** How long to wait for kamailio to answer OPTIONS before giving up (default 15000 ms). */
  readyTimeoutMs?: number;
  /** More accounts (user name → password) beside {@link TEST_USERS}, e.g. for load tests. */
  extraUsers?: Record<string, string>;
}

const TEMPLATE_URL = new URL("./kamailio.cfg", import.meta.url);
const LOG_LIMIT = 1024 * 1024;
const STOP_GRACE_MS = 3000;
const MAX_START_ATTEMPTS = 5;

/** Ports handed out by this module and not yet released (same-isolate collisions). */
const reservedPorts = new Set<number>();
/** Running instances, killed synchronously if the Deno process unloads without stop(). */
const live = new Map<number, { dir: string }>();
let unloadHookInstalled = false;

/**
 * Start a kamailio test PBX and resolve once it answers SIP OPTIONS over UDP
 * (and accepts TCP connections) on its port.
 *
 * Honours `KAMAILIO_BIN` (default: `kamailio` on PATH, else /usr/sbin/kamailio)
 * and `KAMAILIO_MODULES_DIR` (default: kamailio's compiled-in module path).
 */
export async function startPbx(options: StartPbxOptions = {}): Promise<TestPbx> {
  const template = await Deno.readTextFile(TEMPLATE_URL);
  const bin = await findKamailio();
  let lastError: unknown;
  for (let attempt = 1; attempt <= MAX_START_ATTEMPTS; attempt++) {
    const port = options.port ?? await pickFreePort();
    try {
      return await launch(bin, template, port, options);
    } catch (err) {
      reservedPorts.delete(port);
      lastError = err;
      // Only a lost race for an auto-picked port is worth another try.
      if (options.port !== undefined || !(err instanceof PortInUseError)) throw err;
    }
  }
  throw lastError;
}

class PortInUseError extends Error {}

/** The accounts an instance knows: {@link TEST_USERS} and the options' extra users. */
function allUsers(options: StartPbxOptions): Record<string, string> {
  return { ...TEST_USERS, ...options.extraUsers };
}

/** Render the config template for one instance. */
function renderConfig(template: string, port: number, options: StartPbxOptions): string {
  const defines = [`#!define PBX_DOMAIN "${PBX_DOMAIN}"`];
  if (options.webhookUrl !== undefined) {
    const url = new URL(options.webhookUrl).href; // validates
    if (/["\\\r\n]/.test(url)) {
      throw new Error(`webhookUrl contains unsupported characters: ${url}`);
    }
    defines.push("#!define WITH_WEBHOOK", `#!define WEBHOOK_URL "${url}"`);
  }
  const users = Object.entries(allUsers(options)).map(([user, password]) => {
    if (!/^[A-Za-z0-9_.+-]+$/.test(user)) throw new Error(`bad test user name: ${user}`);
    return `\t$sht(users=>${user}) = "${password.replace(/["\\]/g, "\\$&")}";`;
  });
  const values: Record<string, string> = {
    DEFINES: defines.join("\n"),
    PORT: String(port),
    USERS: users.join("\n"),
    EXTRA_CONFIG: options.extraConfig ?? "",
  };
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`unknown placeholder ${whole} in kamailio.cfg`);
    return value;
  });
}

async function launch(
  bin: string,
  template: string,
  port: number,
  options: StartPbxOptions,
): Promise<TestPbx> {
  const dir = await Deno.makeTempDir({ prefix: "ringo-pbx-" });
  const runDir = `${dir}/run`;
  const cfgPath = `${dir}/kamailio.cfg`;
  try {
    await Deno.mkdir(runDir);
    await Deno.writeTextFile(cfgPath, renderConfig(template, port, options));
  } catch (err) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw err;
  }

  const args = [
    "-DD", // stay in the foreground (children are still forked)
    "-E", // log to stderr
    "-f",
    cfgPath,
    "-P",
    `${dir}/kamailio.pid`,
    "-Y",
    runDir,
    "-w",
    dir,
    "-m",
    "32", // shared memory, MiB (several instances run in parallel)
    "-M",
    "8", // private memory per process, MiB
  ];
  const modulesDir = Deno.env.get("KAMAILIO_MODULES_DIR");
  if (modulesDir) args.push("-L", modulesDir);

  const child = new Deno.Command(bin, {
    args,
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    // New session / process group: stop() signals the whole group, and the
    // terminal's Ctrl-C or kamailio's own group signals never cross over.
    detached: true,
  }).spawn();
  const pid = child.pid;
  live.set(pid, { dir });
  installUnloadHook();

  const log = new BoundedLog(LOG_LIMIT);
  const pumps = Promise.all([log.pump(child.stdout), log.pump(child.stderr)]);
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await killGroup(pid, status, () => exited);
      await pumps;
      live.delete(pid);
      reservedPorts.delete(port);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    })();
    return stopping;
  };

  try {
    await waitReady(port, status, options.readyTimeoutMs ?? 15_000);
  } catch (err) {
    await stop();
    const tail = log.tail(4000);
    const message = `test PBX (kamailio pid ${pid}, port ${port}) did not become ready: ${
      (err as Error).message
    }\n--- kamailio log tail ---\n${tail}`;
    const portTaken = err instanceof EarlyExitError &&
      /Address already in use|bind.*failed/i.test(tail);
    throw portTaken ? new PortInUseError(message) : new Error(message);
  }

  return {
    host: PBX_DOMAIN,
    port,
    domain: PBX_DOMAIN,
    users: allUsers(options),
    pid,
    log: () => log.text(),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

class EarlyExitError extends Error {}

/**
 * Resolve once kamailio answers an OPTIONS request on UDP (retransmitted like a
 * SIP client would: 50 ms doubling to 500 ms) and accepts a TCP connection.
 * Rejects early if the process exits, or after `timeoutMs`.
 */
async function waitReady(
  port: number,
  status: Promise<Deno.CommandStatus>,
  timeoutMs: number,
): Promise<void> {
  const sock = await bindUdp();
  const callId = `ready-${crypto.randomUUID()}`;
  const request = new TextEncoder().encode(
    [
      `OPTIONS sip:${PBX_DOMAIN}:${port} SIP/2.0`,
      `Via: SIP/2.0/UDP ${PBX_DOMAIN}:${sock.address().port};rport;branch=z9hG4bK${
        crypto.randomUUID().replaceAll("-", "")
      }`,
      "Max-Forwards: 70",
      `From: <sip:ready@${PBX_DOMAIN}>;tag=${crypto.randomUUID().slice(0, 8)}`,
      `To: <sip:${PBX_DOMAIN}:${port}>`,
      `Call-ID: ${callId}`,
      "CSeq: 1 OPTIONS",
      "Content-Length: 0",
      "",
      "",
    ].join("\r\n"),
  );

  let timer: ReturnType<typeof setTimeout> | undefined;
  let settle!: (err?: Error) => void;
  const outcome = new Promise<void>((resolve, reject) => {
    settle = (err) => (err ? reject(err) : resolve());
  });
  sock.on("message", (data: Uint8Array) => {
    const text = new TextDecoder().decode(data);
    if (text.startsWith("SIP/2.0 ") && text.includes(callId)) settle();
  });
  sock.on("error", () => {}); // e.g. ICMP port unreachable while kamailio starts

  let interval = 50;
  const deadline = Date.now() + timeoutMs;
  const send = () => {
    if (Date.now() >= deadline) {
      settle(new Error(`no answer to OPTIONS within ${timeoutMs} ms`));
      return;
    }
    sock.send(request, port, PBX_DOMAIN, () => {});
    timer = setTimeout(send, interval);
    interval = Math.min(interval * 2, 500);
  };
  send();
  status.then((s) =>
    settle(new EarlyExitError(`kamailio exited early (code ${s.code}, signal ${s.signal})`))
  );

  try {
    await outcome;
  } finally {
    clearTimeout(timer);
    await new Promise<void>((resolve) => sock.close(() => resolve()));
  }
  // UDP workers answer; the TCP listener was bound by the main process before
  // forking, a connect proves it.
  const conn = await Deno.connect({ transport: "tcp", hostname: PBX_DOMAIN, port });
  conn.close();
}

/** A node:dgram UDP socket bound to 127.0.0.1 (`port` 0: any free port). */
function bindUdp(port = 0): Promise<dgram.Socket> {
  const sock = dgram.createSocket("udp4");
  return new Promise((resolve, reject) => {
    sock.once("error", (err) => {
      sock.close();
      reject(err);
    });
    sock.bind(port, PBX_DOMAIN, () => {
      sock.removeAllListeners("error");
      resolve(sock);
    });
  });
}

/**
 * SIGTERM the process group, SIGKILL it after STOP_GRACE_MS, then make sure no
 * member of the group is left (kamailio's children share its pgid).
 */
async function killGroup(
  pid: number,
  status: Promise<Deno.CommandStatus>,
  exited: () => boolean,
): Promise<void> {
  signalGroup(pid, "SIGTERM");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const graceOver = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), STOP_GRACE_MS);
  });
  const done = await Promise.race([status.then(() => true), graceOver]);
  clearTimeout(timer);
  if (!done && !exited()) signalGroup(pid, "SIGKILL");
  await status;
  // Children that outlived the main process (e.g. after SIGKILL): kill and wait.
  for (let i = 0; i < 200; i++) {
    const left = await groupMembers(pid);
    if (left.length === 0) return;
    signalGroup(pid, "SIGKILL");
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`kamailio process group ${pid} still has members after SIGKILL`);
}

function signalGroup(pgid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Live (non-zombie) processes whose process group is `pgid`, from /proc. */
export async function groupMembers(pgid: number): Promise<number[]> {
  const found: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    let stat: string;
    try {
      stat = await Deno.readTextFile(`/proc/${entry.name}/stat`);
    } catch {
      continue; // exited meanwhile
    }
    // pid (comm) state ppid pgrp ... ; comm may contain spaces/parens.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] !== "Z" && Number(fields[2]) === pgid) found.push(Number(entry.name));
  }
  return found;
}

function installUnloadHook(): void {
  if (unloadHookInstalled) return;
  unloadHookInstalled = true;
  globalThis.addEventListener("unload", () => {
    for (const [pid, { dir }] of live) {
      signalGroup(pid, "SIGKILL");
      try {
        Deno.removeSync(dir, { recursive: true });
      } catch {
        // best effort
      }
    }
  });
}

/** Pick a port that is free for both UDP and TCP on 127.0.0.1. */
async function pickFreePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const udp = await bindUdp(0);
    const port = udp.address().port;
    try {
      if (reservedPorts.has(port)) continue;
      let tcp: Deno.Listener;
      try {
        tcp = Deno.listen({ transport: "tcp", hostname: PBX_DOMAIN, port });
      } catch {
        continue; // TCP side taken, try another
      }
      tcp.close();
      reservedPorts.add(port);
      return port;
    } finally {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
    }
  }
  throw new Error("could not find a free UDP+TCP port on 127.0.0.1");
}

async function findKamailio(): Promise<string> {
  const fromEnv = Deno.env.get("KAMAILIO_BIN");
  if (fromEnv) return fromEnv;
  const dirs = (Deno.env.get("PATH") ?? "").split(":").filter(Boolean);
  for (const d of [...dirs, "/usr/sbin", "/usr/local/sbin", "/sbin"]) {
    try {
      const info = await Deno.stat(`${d}/kamailio`);
      if (info.isFile) return `${d}/kamailio`;
    } catch {
      // not here
    }
  }
  throw new Error("kamailio not found (set KAMAILIO_BIN or install kamailio)");
}

/** Keeps the most recent `limit` characters of a process's output. */
class BoundedLog {
  #chunks: string[] = [];
  #size = 0;
  #dropped = false;
  constructor(readonly limit: number) {}

  async pump(stream: ReadableStream<Uint8Array>): Promise<void> {
    try {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) this.#push(chunk);
    } catch {
      // stream aborted: the process is gone
    }
  }

  #push(chunk: string): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size > this.limit && this.#chunks.length > 1) {
      this.#size -= this.#chunks.shift()!.length;
      this.#dropped = true;
    }
  }

  text(): string {
    return (this.#dropped ? "[... earlier output dropped ...]\n" : "") + this.#chunks.join("");
  }

  tail(n: number): string {
    const all = this.#chunks.join("");
    return all.length > n ? all.slice(-n) : all;
  }
}
