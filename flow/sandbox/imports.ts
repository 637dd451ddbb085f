/**
 * What a scenario may import, and the guard that enforces it inside the
 * sandbox: files the scenario may read, `node:` built-ins (their file,
 * network and process calls are checked by the permissions), `@ringo/flow`,
 * and nothing else — no `npm:`, `jsr:` or `http(s):` module unless
 * `ringo flow run --allow-import` names it, and no `data:` or `blob:` module
 * (Deno would fetch its imports before the guard sees them).
 *
 * Deno checks a Worker's `import` permission for `http(s):` and `jsr:`
 * modules but not for `npm:` packages, which it downloads and runs with no
 * `--allow-net`; the guard is a module resolution hook (`node:module`'s
 * `registerHooks`) installed before the scenario loads, so every specifier
 * the scenario (or a module it loads) asks for passes through it. Deno
 * fetches the static imports of a module before it resolves them, so the
 * runner also refuses such imports before the Worker starts (the type
 * check, see flow/typecheck.ts).
 *
 * @module
 */
import type { ImportPolicy } from "../protocol.ts";

/** `node:` built-ins a scenario may not load, and why. */
const REFUSED_BUILTINS: Record<string, string> = {
  child_process: "scenarios may not run programs (ringo has no flag to allow it)",
  cluster: "scenarios may not start processes (ringo has no flag to allow it)",
  module: "scenarios may not change how modules load",
  worker_threads: "scenarios may not start threads of their own",
  inspector: "scenarios may not open an inspector",
};

/**
 * The import policy for `--allow-import` values (`npm:zod`, `jsr:@std/assert`,
 * `esm.sh`; `true` for any) and ringo's own module URLs.
 *
 * @example
 * ```ts
 * importPolicy(["npm:zod"], [new URL("../", import.meta.url).href]);
 * // { ringo: ["file:///…/flow/"], granted: ["npm:zod"] }
 * ```
 */
export function importPolicy(
  allowImport: string[] | boolean | undefined,
  ringo: string[],
): ImportPolicy {
  return {
    ringo,
    granted: allowImport === true ? true : Array.isArray(allowImport) ? allowImport : [],
  };
}

/**
 * The hosts Deno's `import` permission must allow for `policy`: the
 * granted hosts, and jsr.io once a `jsr:` package is granted.
 */
export function importHosts(policy: ImportPolicy): string[] | boolean {
  if (policy.granted === true) return true;
  const hosts = policy.granted.filter((g) => !/^(npm|jsr):/.test(g)).map(hostOf);
  if (policy.granted.some((g) => g.startsWith("jsr:"))) hosts.push("jsr.io:443");
  return hosts.length > 0 ? [...new Set(hosts)] : false;
}

/**
 * Why `specifier` (imported by `parent`) is refused under `policy`, or
 * undefined when it may load. `resolved` is the URL it resolves to, when
 * known.
 *
 * @example
 * ```ts
 * refusal("npm:left-pad", { ringo: [], granted: [] });
 * // 'import "npm:left-pad" refused: scenarios may not load npm packages unless granted; grant it with `ringo flow run --allow-import=npm:left-pad`'
 * ```
 */
export function refusal(
  specifier: string,
  policy: ImportPolicy,
  resolved?: string,
): string | undefined {
  const builtin = /^node:(.+)$/.exec(specifier)?.[1] ??
    (resolved?.startsWith("node:") ? resolved.slice(5) : undefined);
  if (builtin !== undefined) {
    const why = REFUSED_BUILTINS[builtin.split("/")[0]];
    return why ? `import ${JSON.stringify(specifier)} refused: ${why}` : undefined;
  }
  if (/^(data|blob):/.test(resolved ?? specifier)) {
    // Deno resolves (and fetches) the static imports of such a module itself,
    // before this guard sees them.
    return `import of a ${specifier.slice(0, specifier.indexOf(":"))}: module refused: ` +
      "scenarios may import files of their folder only";
  }
  const scheme = /^(npm|jsr):/.exec(specifier)?.[1];
  if (scheme) {
    if (granted(specifier, policy)) return undefined;
    return `import ${JSON.stringify(specifier)} refused: scenarios may not load ${scheme} ` +
      `packages unless granted; grant it with \`ringo flow run --allow-import=${
        packageName(specifier)
      }\``;
  }
  const url = resolved ?? specifier;
  if (/^https?:/.test(url)) {
    if (policy.ringo.some((prefix) => url.startsWith(prefix)) || granted(url, policy)) {
      return undefined;
    }
    return `import ${JSON.stringify(specifier)} refused: scenarios may not load modules from the ` +
      `network unless granted; grant the host with \`ringo flow run --allow-import=${
        hostOf(url)
      }\``;
  }
  return undefined;
}

/**
 * Installs the guard in this (sandboxed) thread: from now on every import
 * that {@link refusal} refuses throws a TypeError with its message. Imports
 * made by ringo's own modules and by granted remote modules are not checked.
 */
export async function installImportGuard(policy: ImportPolicy): Promise<void> {
  const { registerHooks } = await import("node:module");
  const trusted = (parent: string | undefined) =>
    parent !== undefined && (policy.ringo.some((p) => parent.startsWith(p)) ||
      /^(https?|npm|jsr):/.test(parent) || parent.includes("/npm/registry."));
  registerHooks({
    resolve(specifier, context, next) {
      if (trusted(context.parentURL)) return next(specifier, context);
      const early = refusal(specifier, policy);
      if (early) throw new TypeError(early);
      const result = next(specifier, context);
      const late = refusal(specifier, policy, result.url);
      if (late) throw new TypeError(late);
      return result;
    },
  });
}

function granted(specifier: string, policy: ImportPolicy): boolean {
  if (policy.granted === true) return true;
  return policy.granted.some((g) => {
    if (/^(npm|jsr):/.test(g)) {
      return specifier === g || specifier.startsWith(`${g}@`) || specifier.startsWith(`${g}/`);
    }
    return /^https?:/.test(specifier) && hostOf(specifier) === hostOf(g);
  });
}

/** `npm:left-pad@1.3.0/x` → `npm:left-pad`; `npm:@scope/pkg@1` → `npm:@scope/pkg`. */
function packageName(specifier: string): string {
  const match = /^((?:npm|jsr):\/?(?:@[^/@]+\/)?[^/@]+)/.exec(specifier);
  return match ? match[1] : specifier;
}

/** `https://esm.sh/x` → `esm.sh:443`; `esm.sh` → `esm.sh:443`; `127.0.0.1:8000` stays. */
function hostOf(urlOrHost: string): string {
  try {
    const url = new URL(/^[a-z]+:\/\//i.test(urlOrHost) ? urlOrHost : `https://${urlOrHost}`);
    const port = url.port || (url.protocol === "http:" ? "80" : "443");
    return `${url.hostname}:${port}`;
  } catch {
    return urlOrHost;
  }
}
