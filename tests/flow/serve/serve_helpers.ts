/**
 * Helpers for the `ringo flow serve` tests: a real serve process (the CLI
 * as a user runs it) on a free loopback port with a config in a temp
 * folder, HTTP calls against it, Server-Sent Events, `promtool`, and the
 * processes below a pid.
 *
 * @module
 */
import { join } from "node:path";
import { command, isAlive } from "../e2e.ts";

/** The fixture scenarios (absolute paths). */
export const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;

/** A running `ringo flow serve`. */
export interface ServeProcess extends AsyncDisposable {
  url: string;
  pid: number;
  dir: string;
  config: string;
  /** What it printed on stderr so far. */
  log(): string;
  /** SIGTERM, and the exit code. */
  stop(): Promise<number>;
  /** SIGKILL, and wait for it to be gone. */
  kill9(): Promise<void>;
}

/** Options of {@link startServe}. */
export interface StartServeOptions {
  /** The config text; `${DIR}` stands for the temp folder. */
  config: string;
  /** Use this folder (e.g. a second start on the same archive). */
  dir?: string;
  args?: string[];
  env?: Record<string, string>;
  /** Keep the folder when disposed (for a restart). */
  keepDir?: boolean;
}

/** Starts `ringo flow serve <dir>/serve.toml --listen 127.0.0.1:0` and waits for it to listen. */
export async function startServe(options: StartServeOptions): Promise<ServeProcess> {
  const dir = options.dir ?? await Deno.makeTempDir({ prefix: "ringo-serve-test-" });
  const config = join(dir, "serve.toml");
  await Deno.writeTextFile(config, options.config.replaceAll("${DIR}", dir));
  const child = command(
    ["serve", config, "--listen", "127.0.0.1:0", ...(options.args ?? [])],
    { env: options.env },
  ).spawn();
  void child.stdout.cancel();
  let stderr = "";
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  const listening = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`ringo flow serve ended before listening:\n${stderr}`);
      stderr += value;
      const url = /listening on (https?:\/\/\S+)/.exec(stderr)?.[1];
      if (url) return url;
    }
  })();
  const url = await listening;
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: "", done: true }));
      if (done) return;
      stderr += value;
    }
  })();
  let exited: Promise<Deno.CommandStatus> | undefined;
  const status = () => (exited ??= child.status);
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // gone already
    }
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch {
        // gone
      }
    }, 30_000);
    const s = await status();
    clearTimeout(timer);
    return s.code;
  };
  return {
    url,
    pid: child.pid,
    dir,
    config,
    log: () => stderr,
    stop,
    kill9: async () => {
      child.kill("SIGKILL");
      await status();
    },
    async [Symbol.asyncDispose]() {
      if (isAlive(child.pid)) await stop();
      else await status();
      if (!options.keepDir) await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** An HTTP answer, its body parsed when it is JSON. */
export interface Answer {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  json: any;
  text: string;
}

/** Calls `path` on `serve` with an optional bearer token or cookie. */
export async function call(
  serve: { url: string },
  path: string,
  options: { token?: string; method?: string; headers?: Record<string, string>; body?: unknown } =
    {},
): Promise<Answer> {
  const headers = new Headers(options.headers ?? {});
  if (options.token) headers.set("Authorization", `Bearer ${options.token}`);
  let body: string | undefined;
  if (options.body !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(options.body);
  }
  const response = await fetch(`${serve.url}${path}`, {
    method: options.method ?? "GET",
    headers,
    body,
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

/** Server-Sent Events from `url`, as they come, until the loop breaks. */
export async function* serverSentEvents(
  url: string,
  headers: Record<string, string> = {},
): AsyncGenerator<{ event: string; data: string; id?: string }> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { Accept: "text/event-stream", ...headers },
    signal: controller.signal,
  });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = {
          event: "message",
          data: [] as string[],
          id: undefined as string | undefined,
        };
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) continue;
          const [key, ...rest] = line.split(":");
          const v = rest.join(":").replace(/^ /, "");
          if (key === "event") fields.event = v;
          else if (key === "data") fields.data.push(v);
          else if (key === "id") fields.id = v;
        }
        if (fields.data.length > 0) {
          yield { event: fields.event, data: fields.data.join("\n"), id: fields.id };
        }
      }
    }
  } finally {
    controller.abort();
    await reader.cancel().catch(() => {});
  }
}

/**
 * The metric names the original ringo used that promtool's linter flags
 * ("should not contain abbreviated units"): kept for its users' dashboards.
 */
export const ORIGINAL_NAMES_LINT = [
  "ringo_call_jitter_ms metric names should not contain abbreviated units",
  "ringo_call_rtt_ms metric names should not contain abbreviated units",
];

/**
 * `promtool check metrics` of `text`: it parses the text (exit 1 when it
 * cannot), then lints it (exit 3 with one line per problem). `problems`
 * are the lint lines other than {@link ORIGINAL_NAMES_LINT}.
 */
export async function promtoolCheck(
  text: string,
): Promise<{ code: number; output: string; parsed: boolean; problems: string[] }> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("promtool", {
      args: ["check", "metrics"],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    throw new Error(
      `promtool is missing (apt-get install prometheus): ${(error as Error).message}`,
    );
  }
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  const output = decode(out.stdout) + decode(out.stderr);
  const parsed = out.code === 0 || (out.code === 3 && !/error while linting/.test(output));
  const problems = output.split("\n").map((l) => l.trim())
    .filter((l) => l !== "" && !ORIGINAL_NAMES_LINT.includes(l));
  return { code: out.code, output, parsed, problems };
}

/** Pids of live processes named `name` below `pid` (children, grandchildren…). */
export function descendantsNamed(pid: number, name: string): number[] {
  const parents = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const after = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (after[0] === "Z") continue;
      parents.set(Number(entry.name), Number(after[1]));
      names.set(Number(entry.name), stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")));
    } catch {
      // gone while we looked
    }
  }
  const below = (p: number) => {
    for (let up = parents.get(p); up !== undefined && up > 1; up = parents.get(up)) {
      if (up === pid) return true;
    }
    return false;
  };
  return [...names].filter(([p, n]) => n === name && below(p)).map(([p]) => p);
}

/**
 * Waits until none of `pids` is alive; there is no event for another
 * process's end, so /proc is looked at every 50 ms, up to `limitMs`.
 */
export async function allGone(pids: number[], limitMs = 15_000): Promise<number[]> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const alive = pids.filter(isAlive);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits for the `run` event of `/api/stream` that `predicate` accepts. */
export async function awaitRunChange(
  serve: { url: string },
  token: string,
  predicate: (run: { id: string; monitor: string; status: string; trigger: string }) => boolean,
  ready?: () => void | Promise<void>,
) {
  for await (
    const e of serverSentEvents(`${serve.url}/api/stream`, { Authorization: `Bearer ${token}` })
  ) {
    if (e.event === "hello") {
      await ready?.();
      continue;
    }
    if (e.event !== "run") continue;
    const run = JSON.parse(e.data);
    if (predicate(run)) return run;
  }
  throw new Error("the run stream ended");
}
