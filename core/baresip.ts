/**
 * Finding the baresip installation: the binary (`RINGO_BARESIP`, the
 * checkout's pinned build, or `PATH`), its version, and its module folder.
 *
 * @module
 */
import { installHint, requireSupportedBaresip } from "./baresip_support.ts";
import { BaresipError } from "./errors.ts";
import { findExecutable, isExecutable, pathDirs } from "./executables.ts";
import { formatVersion, parseBaresipVersion, type Version } from "./version.ts";

/** The baresip version ringo pins and tests first (built by `.ci/build-baresip`). */
export const PINNED_BARESIP_VERSION = "4.10.0";

/** Where a baresip binary was found, in the order of choice. */
export type BaresipSource = "RINGO_BARESIP" | "checkout" | "PATH";

/** A usable baresip installation. */
export interface BaresipInstall {
  /** Absolute path of the binary. */
  binary: string;
  /** How it was chosen (see {@link findBaresipBinary}). */
  source: BaresipSource;
  /** Its version, from `baresip -h`. */
  version: Version;
  /** Folder holding its modules (`ctrl_tcp.so`, `menu.so`, …). */
  modulePath: string;
  /** Names of the modules in that folder (`ctrl_tcp`, `sndfile`, …). */
  modules: ReadonlySet<string>;
}

/** Modules every agent needs; the module folder must hold them. */
export const REQUIRED_MODULES = ["ctrl_tcp", "menu", "account", "g711", "ausine", "aubridge"];

const MODULE_FOLDERS = [
  "/usr/lib/baresip/modules",
  "/usr/local/lib/baresip/modules",
  "/usr/lib/x86_64-linux-gnu/baresip/modules",
  "/usr/lib/aarch64-linux-gnu/baresip/modules",
  "/usr/lib64/baresip/modules",
  "/opt/homebrew/lib/baresip/modules",
  "/usr/local/opt/baresip/lib/baresip/modules",
];

const cache = new Map<string, Promise<BaresipInstall>>();

/**
 * Detects the baresip installation once per binary and caches the answer.
 * `env` defaults to the process environment (`RINGO_BARESIP`,
 * `RINGO_BARESIP_MODULES`, `PATH`).
 *
 * @example
 * ```ts
 * const install = await detectBaresip();
 * console.log(install.binary, install.modulePath);
 * ```
 */
export function detectBaresip(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): Promise<BaresipInstall> {
  const { binary, source } = findBaresipBinary(env);
  const key = `${binary}\0${env.RINGO_BARESIP_MODULES ?? ""}`;
  let found = cache.get(key);
  if (!found) {
    found = inspect(binary, source, env.RINGO_BARESIP_MODULES);
    found.catch(() => cache.delete(key));
    cache.set(key, found);
  }
  return found;
}

/**
 * The baresip binary to run, in this order: `RINGO_BARESIP` when set (it
 * must exist); the checkout's pinned build (`.tools/baresip-4.10.0/`, made
 * by `.ci/build-baresip`) when ringo runs from a checkout that has one; the
 * first `baresip` on `PATH`.
 *
 * @throws {BaresipError} one sentence saying it was not found, with a hint.
 * @example
 * ```ts
 * findBaresipBinary({ PATH: "/usr/bin" }); // { binary: "/usr/bin/baresip", source: "PATH" }
 * ```
 */
export function findBaresipBinary(
  env: Record<string, string | undefined>,
  pinned: string | undefined = checkoutBaresip(),
): { binary: string; source: BaresipSource } {
  const override = env.RINGO_BARESIP;
  if (override) {
    if (!isExecutable(override)) {
      throw new BaresipError(
        `RINGO_BARESIP points at ${override}, which is not an executable file`,
        { hint: installHint() },
      );
    }
    return { binary: override, source: "RINGO_BARESIP" };
  }
  if (pinned && isExecutable(pinned)) return { binary: pinned, source: "checkout" };
  const onPath = findExecutable("baresip", pathDirs(env));
  if (onPath) return { binary: onPath, source: "PATH" };
  const checkout = pinned ? ", this checkout has no pinned build," : "";
  throw new BaresipError(
    `baresip was not found: RINGO_BARESIP is not set${checkout} and PATH has none`,
    { hint: installHint() },
  );
}

/**
 * The binary `.ci/build-baresip` makes in this checkout, or undefined when
 * ringo does not run from a checkout on disk (a compiled binary, a URL).
 */
export function checkoutBaresip(): string | undefined {
  const here = new URL(
    "../.tools/baresip-" + PINNED_BARESIP_VERSION + "/bin/baresip",
    import.meta.url,
  );
  if (here.protocol !== "file:") return undefined;
  // Files on disk that are not a checkout (the image's /opt/ringo, a compiled binary) have no build script.
  const script = new URL("../.ci/build-baresip", import.meta.url);
  return isFile(decodeURIComponent(script.pathname))
    ? decodeURIComponent(here.pathname)
    : undefined;
}

async function inspect(
  binary: string,
  source: BaresipSource,
  moduleOverride?: string,
): Promise<BaresipInstall> {
  const version = await readBaresipVersion(binary);
  requireSupportedBaresip(version, `${binary}, ${describeSource(source)}`);
  const modulePath = findModulePath(binary, moduleOverride);
  return { binary, source, version, modulePath, modules: listModules(modulePath) };
}

/**
 * The version `binary -h` prints (any version: see `baresip_support.ts` for
 * which ones agents accept).
 *
 * @throws {BaresipError} the binary does not run, or names no version.
 * @example
 * ```ts
 * await readBaresipVersion("/usr/bin/baresip"); // { major: 1, minor: 0, patch: 0 }
 * ```
 */
export async function readBaresipVersion(binary: string): Promise<Version> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(binary, {
      args: ["-h"],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    throw new BaresipError(`cannot run ${binary}: ${(error as Error).message}`, {
      hint: installHint(),
      cause: error,
    });
  }
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  const version = parseBaresipVersion(text);
  if (!version) {
    throw new BaresipError(
      `${binary} does not look like baresip: its -h output names no version (${
        JSON.stringify(text.slice(0, 80))
      })`,
    );
  }
  return version;
}

/**
 * The module folder for `binary`: `override` when given, else the first known
 * folder (next to the binary's prefix first) that holds every required module.
 */
export function findModulePath(binary: string, override?: string): string {
  const candidates = override ? [override] : [
    binary.replace(/\/bin\/baresip$/, "/lib/baresip/modules"),
    ...MODULE_FOLDERS,
  ];
  for (const dir of candidates) {
    const missing = REQUIRED_MODULES.filter((m) => !isFile(`${dir}/${m}.so`));
    if (missing.length === 0) return dir;
    if (override) {
      throw new BaresipError(
        `RINGO_BARESIP_MODULES=${override} lacks the module${missing.length > 1 ? "s" : ""} ${
          missing.join(", ")
        }`,
      );
    }
  }
  throw new BaresipError(
    `cannot find baresip's modules (${REQUIRED_MODULES.join(", ")}) in ${candidates.join(", ")}`,
    { hint: "set RINGO_BARESIP_MODULES to the folder that holds ctrl_tcp.so" },
  );
}

/** A short description like `baresip 1.0.0 (/usr/bin/baresip, from PATH)`. */
export function describeInstall(install: BaresipInstall): string {
  return `baresip ${formatVersion(install.version)} (${install.binary}, ${
    describeSource(install.source)
  })`;
}

/** How a binary was chosen, in words: `from PATH`, `the checkout's pinned build`, … */
export function describeSource(source: BaresipSource): string {
  return SOURCE_WORDS[source];
}

const SOURCE_WORDS: Record<BaresipSource, string> = {
  RINGO_BARESIP: "from RINGO_BARESIP",
  checkout: "the checkout's pinned build",
  PATH: "from PATH",
};

function listModules(dir: string): Set<string> {
  const names = new Set<string>();
  for (const entry of Deno.readDirSync(dir)) {
    const match = /^(.+)\.so$/.exec(entry.name);
    if (match) names.add(match[1]);
  }
  return names;
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}
