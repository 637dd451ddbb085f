/**
 * `ringo flow serve` as a function returning an exit code, called by
 * `cli/flow.ts`: serve a config until SIGINT/SIGTERM (SIGHUP reloads it),
 * `--check` it only, or `--hash-password` for `[[auth.user]]`.
 *
 * @module
 */
import { describeError, onShutdownSignal } from "../../core/mod.ts";
import { Authenticator } from "./auth.ts";
import { loadServeConfig } from "./config.ts";
import { parseListen } from "./listen.ts";
import { hashSecret } from "./password.ts";
import { FlowServe } from "./service.ts";

/** Options of {@link serveFlow}. */
export interface FlowServeCommandOptions {
  config?: string;
  listen?: string;
  /** Check the config (and that its secrets can be read), then exit. */
  check?: boolean;
  insecureNoAuth?: boolean;
  /** Print the scrypt hash of a password read from stdin. */
  hashPassword?: boolean;
  /** ringo's version, for `/healthz`. */
  version?: string;
}

/**
 * Runs the command; resolves with the exit code (0, or 2 for a bad config
 * or usage).
 *
 * @example
 * ```ts
 * Deno.exit(await serveFlow({ config: "examples/serve/monitor.toml", insecureNoAuth: true }));
 * ```
 */
export async function serveFlow(options: FlowServeCommandOptions): Promise<number> {
  try {
    if (options.hashPassword) {
      const password = await readPassword();
      if (password === "") return fail("no password given on stdin");
      console.log(await hashSecret(password));
      return 0;
    }
    if (!options.config) {
      return fail("ringo flow serve needs a config file: ringo flow serve <config.toml>");
    }
    if (options.check) return await check(options.config, options.listen);
    const serve = await FlowServe.start({
      configPath: options.config,
      listen: options.listen,
      insecureNoAuth: options.insecureNoAuth,
      version: options.version,
    });
    const stopped = Promise.withResolvers<void>();
    const reload = () => void serve.reload();
    Deno.addSignalListener("SIGHUP", reload);
    onShutdownSignal(async () => {
      Deno.removeSignalListener("SIGHUP", reload);
      console.error("ringo flow serve: shutting down (running runs are stopped)");
      await serve.shutdown();
      stopped.resolve();
    });
    await stopped.promise;
    onShutdownSignal(undefined);
    return 0;
  } catch (error) {
    return fail(describeError(error));
  }
}

async function check(path: string, listen: string | undefined): Promise<number> {
  const config = await loadServeConfig(path);
  parseListen(listen ?? config.server.listen);
  await Authenticator.create(config.auth);
  const lines = [`${path}: OK`];
  lines.push(
    `  listen ${listen ?? config.server.listen}${
      config.server.tlsCert ? " (TLS)" : ""
    }, ${config.server.concurrency} run(s) at once`,
  );
  lines.push(`  auth: ${config.auth.users.length} user(s), ${config.auth.tokens.length} token(s)`);
  lines.push(
    `  archive: ${config.archive.path} (keep ${config.archive.keepRuns} runs, ${config.archive.keepDays} days, audio of ${config.archive.keepAudio})`,
  );
  for (const m of config.monitors) {
    const when = m.schedule ? `${m.schedule}${m.timezone ? ` (${m.timezone})` : ""}` : "on demand";
    lines.push(`  monitor ${m.name}: ${when}`);
  }
  console.log(lines.join("\n"));
  return 0;
}

/** A password from stdin: typed without echo at a terminal, else the first line. */
async function readPassword(): Promise<string> {
  if (!Deno.stdin.isTerminal()) {
    const text = await new Response(Deno.stdin.readable).text();
    return text.split(/\r?\n/)[0];
  }
  await Deno.stderr.write(new TextEncoder().encode("password: "));
  Deno.stdin.setRaw(true);
  const bytes: number[] = [];
  const buffer = new Uint8Array(64);
  try {
    outer: for (;;) {
      const n = await Deno.stdin.read(buffer);
      if (n === null) break;
      for (const b of buffer.subarray(0, n)) {
        if (b === 13 || b === 10) break outer;
        if (b === 3) throw new Error("cancelled");
        if (b === 127 || b === 8) bytes.pop();
        else bytes.push(b);
      }
    }
  } finally {
    Deno.stdin.setRaw(false);
    await Deno.stderr.write(new TextEncoder().encode("\n"));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function fail(message: string): number {
  console.error(`error: ${message}`);
  return 2;
}
