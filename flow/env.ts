/**
 * The environment a scenario reads with `env("A_USER")`, layered from env
 * files and the process environment.
 *
 * Priority, highest first (explicit beats implicit, specific beats ambient):
 * 1. files the scenario loads at run time with `loadEnv(path)`, the latest
 *    load first: the scenario asked for them by name;
 * 2. the `--env-file`s given on the command line (the last one first):
 *    chosen for this run;
 * 3. the scenario's sibling env file (`examples/pbx/call.ts` →
 *    `examples/pbx/call.env`): the scenario's checked-in defaults;
 * 4. the process environment: ambient, so a stray `USER` or `HOME` in the
 *    shell never overrides a value a file sets on purpose.
 *
 * A variable set to the empty string counts as set. To override a file's
 * value for one run, pass another `--env-file`.
 *
 * @module
 */
import { parse } from "dotenv";
import { dirname, isAbsolute, join, parse as parsePath } from "node:path";
import { RingoError } from "../core/errors.ts";

/** A scenario variable is unset, or an env file cannot be read. */
export class EnvError extends RingoError {}

/** One source of variables and how to name it in messages. */
export interface EnvLayer {
  /** Where the values come from, as shown to the user: `--env-file .env.ci`, `examples/pbx/call.env`. */
  source: string;
  values: Readonly<Record<string, string>>;
  /** Set when the layer is a file that does not exist; messages say so. */
  missing?: boolean;
}

/** What {@link ScenarioEnv.load} reads. */
export interface ScenarioEnvOptions {
  /** The scenario file, as shown to the user; its sibling `.env` file is looked for. */
  scenarioFile: string;
  /** The path (or paths, the last one winning) given to `--env-file`; each must exist. */
  envFile?: string | readonly string[];
  /** The process environment, e.g. `Deno.env.toObject()`; passed in so tests can control it. */
  processEnv: Readonly<Record<string, string | undefined>>;
}

/** How the process environment is named in messages. */
export const PROCESS_ENV_SOURCE = "the process environment";

/**
 * The layered environment of one scenario run; see the module
 * documentation for the priority order.
 *
 * @example
 * ```ts
 * const env = await ScenarioEnv.load({
 *   scenarioFile: "examples/pbx/call.ts",
 *   envFile: ".env.ci",
 *   processEnv: Deno.env.toObject(),
 * });
 * env.get("A_USER"); // from .env.ci, else examples/pbx/call.env, else the process
 * await env.loadEnv("secrets.env"); // resolved next to the scenario; now wins over the rest
 * ```
 */
export class ScenarioEnv {
  readonly #runtime: EnvLayer[] = [];
  readonly #startup: EnvLayer[];
  readonly #baseDir: string;

  /**
   * Builds an environment from ready layers, highest priority first.
   * `baseDir` is where {@link ScenarioEnv.loadEnv} resolves relative paths.
   *
   * @example
   * ```ts
   * const env = new ScenarioEnv([
   *   { source: "--env-file .env.ci", values: { A_USER: "alice" } },
   *   { source: PROCESS_ENV_SOURCE, values: { A_USER: "bob" } },
   * ]);
   * env.get("A_USER"); // "alice"
   * ```
   */
  constructor(layers: EnvLayer[], options: { baseDir?: string } = {}) {
    this.#startup = [...layers];
    this.#baseDir = options.baseDir ?? ".";
  }

  /**
   * Reads the `--env-file` (which must exist), the scenario's sibling env
   * file (which may not) and takes the process environment.
   *
   * @example
   * ```ts
   * const env = await ScenarioEnv.load({ scenarioFile: "call.ts", processEnv: {} });
   * ```
   */
  static async load(options: ScenarioEnvOptions): Promise<ScenarioEnv> {
    const layers: EnvLayer[] = [];
    for (const envFile of envFileList(options.envFile).toReversed()) {
      const values = await readEnvFile(envFile, `--env-file ${envFile}`);
      if (values === undefined) {
        throw new EnvError(`--env-file ${envFile}: no such file`, {
          hint: "check the path; it is relative to the current directory",
        });
      }
      layers.push({ source: `--env-file ${envFile}`, values });
    }
    const sibling = siblingEnvPath(options.scenarioFile);
    const siblingValues = await readEnvFile(sibling, sibling);
    layers.push(
      siblingValues === undefined
        ? { source: sibling, values: {}, missing: true }
        : { source: sibling, values: siblingValues },
    );
    layers.push({ source: PROCESS_ENV_SOURCE, values: definedOnly(options.processEnv) });
    return new ScenarioEnv(layers, { baseDir: dirname(options.scenarioFile) });
  }

  /**
   * The value of `name`, from the highest layer that sets it. Throws
   * {@link EnvError} naming every place looked in when no layer does.
   *
   * @example
   * ```ts
   * env.get("A_USER"); // "alice"
   * env.get("NOPE");
   * // throws: env("NOPE") is not set: looked in --env-file .env.ci, examples/pbx/call.env, the process environment
   * ```
   */
  get(name: string): string {
    const layer = this.#find(name);
    if (layer) return layer.values[name];
    const places = this.#layers().map((l) => (l.missing ? `${l.source} (not found)` : l.source));
    throw new EnvError(`env(${JSON.stringify(name)}) is not set: looked in ${places.join(", ")}`, {
      hint: `add ${name}=… to one of these files, pass --env-file with it, or export ${name}`,
    });
  }

  /**
   * Whether any layer sets `name`.
   *
   * @example
   * ```ts
   * const user = env.has("A_USER") ? env.get("A_USER") : "alice";
   * ```
   */
  has(name: string): boolean {
    return this.#find(name) !== undefined;
  }

  /**
   * Where `name` comes from (the winning layer's source), or `undefined`.
   *
   * @example
   * ```ts
   * env.sourceOf("A_USER"); // "examples/pbx/call.env"
   * ```
   */
  sourceOf(name: string): string | undefined {
    return this.#find(name)?.source;
  }

  /**
   * The places looked in, highest priority first.
   *
   * @example
   * ```ts
   * env.sources(); // ["--env-file .env.ci", "examples/pbx/call.env", "the process environment"]
   * ```
   */
  sources(): string[] {
    return this.#layers().map((l) => l.source);
  }

  /**
   * Reads an env file at run time and puts it above every other layer
   * (above earlier `loadEnv` files too). A relative path is resolved from
   * the scenario's directory. Throws {@link EnvError} if the file is missing.
   *
   * @example
   * ```ts
   * await env.loadEnv("secrets.env"); // examples/pbx/secrets.env
   * ```
   */
  async loadEnv(path: string): Promise<void> {
    const resolved = isAbsolute(path) ? path : join(this.#baseDir, path);
    const values = await readEnvFile(resolved, `loadEnv(${JSON.stringify(path)})`);
    if (values === undefined) {
      throw new EnvError(`loadEnv(${JSON.stringify(path)}): no such file ${resolved}`, {
        hint: "a relative path is resolved from the scenario's directory",
      });
    }
    this.#runtime.unshift({ source: resolved, values });
  }

  #layers(): EnvLayer[] {
    return [...this.#runtime, ...this.#startup];
  }

  #find(name: string): EnvLayer | undefined {
    return this.#layers().find((layer) => Object.hasOwn(layer.values, name));
  }
}

/**
 * The env file that belongs to a scenario: same directory and base name,
 * last extension replaced by `.env`.
 *
 * @example
 * ```ts
 * siblingEnvPath("examples/pbx/call.ts"); // "examples/pbx/call.env"
 * siblingEnvPath("smoke.flow.ts"); // "smoke.flow.env"
 * ```
 */
export function siblingEnvPath(scenarioFile: string): string {
  const { dir, name } = parsePath(scenarioFile);
  return dir === "" ? `${name}.env` : join(dir, `${name}.env`);
}

/** Reads and parses an env file; `undefined` if it does not exist. */
async function readEnvFile(
  path: string,
  shownAs: string,
): Promise<Record<string, string> | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new EnvError(`${shownAs}: cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parse(text);
}

function definedOnly(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

/**
 * The `--env-file` option as a list, in the order given.
 *
 * @example
 * ```ts
 * envFileList(".env.ci"); // [".env.ci"]
 * envFileList(undefined); // []
 * ```
 */
export function envFileList(envFile: string | readonly string[] | undefined): string[] {
  return envFile === undefined ? [] : typeof envFile === "string" ? [envFile] : [...envFile];
}
