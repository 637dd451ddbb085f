/**
 * The reference the engine figures are measured against: two baresip
 * processes driven over ctrl_tcp by this file alone — its own config, its
 * own netstring reading, no module of ringo's — so what it measures is
 * baresip and the kernel, not ringo.
 *
 * It connects two ways: with Deno's TCP connection (what any Deno client
 * gets: each event frame after the first waits for the delayed ACK of the
 * one before, 40 ms, as baresip's socket has Nagle on), and with a socket
 * opened through libc that re-arms TCP_QUICKACK after every read (a
 * blocking `read` per connection on Deno's thread pool — simpler than
 * ringo's single poll thread, and independent of it). The second is the
 * floor: what baresip itself needs for a step.
 *
 * @module
 */

/** How the bare client talks to ctrl_tcp. */
export type BareTransport = "deno" | "quickack";

/** Timings of the bare client for one baresip, each step measured `runs` times (ms). */
export interface BareFigures {
  dialToEstablished: number[];
  acceptToEstablished: number[];
  hangupToClosed: number[];
  /** Set when a registrar was given. */
  registerToOk?: number[];
}

/** A registrar and one account on it, for register → REGISTER_OK. */
export interface BareRegistrar {
  port: number;
  user: string;
  password: string;
}

/**
 * Measures dial → established (caller), accept → established (callee),
 * hangup → closed (both sides) and, with `registrar`, register → OK.
 *
 * @example
 * ```ts
 * const floor = await measureBare("/usr/bin/baresip", "/usr/lib/baresip/modules", "quickack", 15);
 * ```
 */
export async function measureBare(
  binary: string,
  modulePath: string,
  transport: BareTransport,
  runs: number,
  registrar?: BareRegistrar,
): Promise<BareFigures> {
  const [a, b] = await Promise.all([
    BareAgent.start(binary, modulePath, "bare-a", transport),
    BareAgent.start(binary, modulePath, "bare-b", transport),
  ]);
  const figures: BareFigures = {
    dialToEstablished: [],
    acceptToEstablished: [],
    hangupToClosed: [],
  };
  try {
    for (let i = 0; i < runs; i++) {
      const incoming = b.next("CALL_INCOMING");
      const established = a.next("CALL_ESTABLISHED");
      const t0 = performance.now();
      await a.command("dial", b.uri);
      await incoming;
      const answered = b.next("CALL_ESTABLISHED");
      const t1 = performance.now();
      await b.command("accept");
      await answered;
      figures.acceptToEstablished.push(performance.now() - t1);
      await established;
      figures.dialToEstablished.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
      const closedA = a.next("CALL_CLOSED");
      const closedB = b.next("CALL_CLOSED");
      const t2 = performance.now();
      await a.command("hangup");
      await Promise.all([closedA, closedB]);
      figures.hangupToClosed.push(performance.now() - t2);
    }
    if (registrar) {
      figures.registerToOk = [];
      const aor = `sip:${registrar.user}@127.0.0.1:${registrar.port}`;
      for (let i = 0; i < runs; i++) {
        await a.command("uadel", aor).catch(() => {});
        const ok = a.next("REGISTER_OK");
        const t0 = performance.now();
        await a.command("uanew", `<${aor}>;auth_pass=${registrar.password};regint=600`);
        await ok;
        figures.registerToOk.push(performance.now() - t0);
      }
      await a.command("uadel", aor).catch(() => {});
    }
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
  return figures;
}

type Frame = Record<string, unknown>;

/** One bare baresip process and its ctrl_tcp connection. */
class BareAgent {
  readonly uri: string;
  readonly #dir: string;
  readonly #child: Deno.ChildProcess;
  readonly #stream: ByteStream;
  readonly #answers = new Map<string, (frame: Frame) => void>();
  readonly #waiters: Array<{ type: string; resolve(frame: Frame): void }> = [];
  #token = 0;
  readonly #reading: Promise<void>;

  private constructor(uri: string, dir: string, child: Deno.ChildProcess, stream: ByteStream) {
    this.uri = uri;
    this.#dir = dir;
    this.#child = child;
    this.#stream = stream;
    this.#reading = this.#read();
  }

  static async start(
    binary: string,
    modulePath: string,
    user: string,
    transport: BareTransport,
  ): Promise<BareAgent> {
    const dir = await Deno.makeTempDir({ prefix: "ringo-bench-bare-" });
    const [sip, ctrl] = [freePort(), freePort()];
    const converters = ["auresamp", "auconv"].filter((m) => exists(`${modulePath}/${m}.so`));
    const modules = ["g711", "ausine", "aubridge", ...converters];
    await Deno.writeTextFile(
      `${dir}/config`,
      [
        `poll_method epoll`,
        `sip_listen 127.0.0.1:${sip}`,
        `net_interface 127.0.0.1`,
        `audio_player aubridge,bare-${ctrl}`,
        `audio_source ausine,20000`,
        `ausrc_srate 48000`,
        `auplay_srate 48000`,
        `ausrc_channels 2`,
        `rtp_ports 10000-60000`,
        `module_path ${modulePath}`,
        ...modules.map((m) => `module ${m}.so`),
        `module_app account.so`,
        `module_app menu.so`,
        `module_app ctrl_tcp.so`,
        `ctrl_tcp_listen 127.0.0.1:${ctrl}`,
        "",
      ].join("\n"),
    );
    const uri = `sip:${user}@127.0.0.1:${sip}`;
    await Deno.writeTextFile(`${dir}/accounts`, `<${uri}>;regint=0\n`);
    await Deno.writeTextFile(`${dir}/contacts`, "");
    const child = new Deno.Command(binary, {
      args: ["-f", dir],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    await untilReady(child.stdout);
    const stream = transport === "quickack"
      ? await QuickAckStream.connect(ctrl)
      : await DenoStream.connect(ctrl);
    return new BareAgent(uri, dir, child, stream);
  }

  /** Sends a command; resolves with its answer frame, rejects when it is refused. */
  command(command: string, params?: string): Promise<Frame> {
    const token = String(++this.#token);
    const json = JSON.stringify({ command, token, ...(params ? { params } : {}) });
    const body = new TextEncoder().encode(json);
    const frame = new Uint8Array([...new TextEncoder().encode(`${body.length}:`), ...body, 0x2c]);
    return new Promise((resolve, reject) => {
      this.#answers.set(token, (answer) => {
        if (answer.ok) resolve(answer);
        else reject(new Error(`bare client: '${command}' refused: ${answer.data}`));
      });
      this.#stream.write(frame).catch(reject);
    });
  }

  /** Resolves with the next event of `type`. */
  next(type: string): Promise<Frame> {
    return new Promise((resolve) => this.#waiters.push({ type, resolve }));
  }

  async stop(): Promise<void> {
    await this.command("quit").catch(() => {});
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), 3000);
    await this.#child.status;
    clearTimeout(timer);
    this.#stream.close();
    await this.#reading;
    await Deno.remove(this.#dir, { recursive: true }).catch(() => {});
  }

  async #read(): Promise<void> {
    const buffer = new Uint8Array(65536);
    let pending = new Uint8Array(0);
    while (true) {
      const n = await this.#stream.read(buffer).catch(() => null);
      if (n === null) return;
      const joined = new Uint8Array(pending.length + n);
      joined.set(pending);
      joined.set(buffer.subarray(0, n), pending.length);
      let at = 0;
      while (true) {
        const colon = joined.indexOf(0x3a, at);
        if (colon < 0) break;
        const length = Number(new TextDecoder().decode(joined.subarray(at, colon)));
        if (joined.length < colon + 1 + length + 1) break;
        const text = new TextDecoder().decode(joined.subarray(colon + 1, colon + 1 + length));
        this.#onFrame(JSON.parse(text));
        at = colon + 1 + length + 1;
      }
      pending = joined.slice(at);
    }
  }

  #onFrame(frame: Frame): void {
    if (frame.response) {
      const answer = this.#answers.get(String(frame.token));
      this.#answers.delete(String(frame.token));
      answer?.(frame);
      return;
    }
    if (!frame.event) return;
    const i = this.#waiters.findIndex((w) => w.type === frame.type);
    if (i >= 0) this.#waiters.splice(i, 1)[0].resolve(frame);
  }
}

interface ByteStream {
  read(buffer: Uint8Array): Promise<number | null>;
  write(bytes: Uint8Array): Promise<void>;
  close(): void;
}

class DenoStream implements ByteStream {
  private constructor(readonly conn: Deno.TcpConn) {}
  static async connect(port: number): Promise<DenoStream> {
    return new DenoStream(await Deno.connect({ hostname: "127.0.0.1", port }));
  }
  read(buffer: Uint8Array): Promise<number | null> {
    return this.conn.read(buffer);
  }
  async write(bytes: Uint8Array): Promise<void> {
    let off = 0;
    while (off < bytes.length) off += await this.conn.write(bytes.subarray(off));
  }
  close(): void {
    this.conn.close();
  }
}

const LIBC = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  connect: { parameters: ["i32", "buffer", "u32"], result: "i32", nonblocking: true },
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize", nonblocking: true },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  shutdown: { parameters: ["i32", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
} as const;
let libc: Deno.DynamicLibrary<typeof LIBC>["symbols"] | undefined;

/** A blocking libc socket, read on Deno's thread pool, with TCP_QUICKACK after every read. */
class QuickAckStream implements ByteStream {
  #closed = false;
  #shut = false;
  private constructor(readonly fd: number) {}

  static async connect(port: number): Promise<QuickAckStream> {
    libc ??= Deno.dlopen("libc.so.6", LIBC).symbols;
    const fd = libc.socket(2, 1, 0);
    const address = new Uint8Array(16);
    new DataView(address.buffer).setUint16(0, 2, true);
    new DataView(address.buffer).setUint16(2, port, false);
    address.set([127, 0, 0, 1], 4);
    if (await libc.connect(fd, address, 16) !== 0) throw new Error("bare client: connect failed");
    const stream = new QuickAckStream(fd);
    stream.#flag(1); // TCP_NODELAY
    stream.#flag(12); // TCP_QUICKACK
    return stream;
  }

  async read(buffer: Uint8Array): Promise<number | null> {
    if (this.#closed) return null;
    const n = Number(await libc!.read(this.fd, buffer, BigInt(buffer.length)));
    if (n <= 0 || this.#closed) {
      this.#closed = true;
      libc!.close(this.fd);
      return null;
    }
    this.#flag(12);
    return n;
  }

  write(bytes: Uint8Array): Promise<void> {
    libc!.write(this.fd, bytes, BigInt(bytes.length));
    return Promise.resolve();
  }

  close(): void {
    if (this.#closed || this.#shut) return;
    this.#shut = true;
    libc!.shutdown(this.fd, 2); // wakes the blocked read, which closes the socket
  }

  #flag(option: number): void {
    libc!.setsockopt(this.fd, 6, option, new Uint8Array(new Int32Array([1]).buffer), 4);
  }
}

async function untilReady(stdout: ReadableStream<Uint8Array>): Promise<void> {
  const reader = stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const deadline = setTimeout(() => reader.cancel(), 10_000);
  while (!seen.includes("baresip is ready.")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("bare client: baresip was not ready within 10 s");
    seen = (seen + value).slice(-200);
  }
  clearTimeout(deadline);
  // Keep draining stdout so baresip never blocks on a full pipe.
  (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })().catch(() => {});
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}
