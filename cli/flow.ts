/**
 * The `ringo flow` command line: `run`, `check`, `init`, `migrate` and
 * `serve`, declared with Optique, and their dispatch to {@link runFlow},
 * {@link checkFlow} and {@link initFlow} in `../flow/cli.ts`,
 * `migrateFlow` in `../flow/migrate/command.ts` and {@link serveFlow}
 * in `../flow/serve/command.ts`.
 *
 * @module
 */
import { object, or } from "@optique/core/constructs";
import { message } from "@optique/core/message";
import { multiple, optional, withDefault } from "@optique/core/modifiers";
import { argument, command, constant, flag, option } from "@optique/core/primitives";
import type { InferValue, Parser } from "@optique/core/parser";
import { choice, string } from "@optique/core/valueparser";
import { checkFlow, initFlow, runFlow } from "../flow/cli.ts";
import { serveFlow } from "../flow/serve/command.ts";
import { splitList } from "./lists.ts";
import { VERSION } from "./version.ts";

/** Where `--save-audio` writes when no folder is given. */
export const DEFAULT_AUDIO_DIR = "ringo-audio";
/** Where `--pcap` writes when no path is given: one file per scenario below it. */
export const DEFAULT_PCAP_DIR = "ringo-pcap/";

const paths = multiple(
  argument(string({ metavar: "PATH" }), {
    description: message`Scenario files or folders (folders: every scenario file below them).`,
  }),
);

const envFile = multiple(option("--env-file", string({ metavar: "FILE" }), {
  description: message`Read env() values from this dotenv file first (repeatable: the last wins).`,
}));

const grants = {
  root: optional(option("--root", string({ metavar: "DIR" }), {
    description:
      message`Let scenarios read and import helpers from DIR, a folder holding them all (default: the folder each was found in); only the given paths run.`,
  })),
  allowRead: multiple(option("--allow-read", string({ metavar: "PATHS" }), {
    description:
      message`Let scenarios read these paths too (comma-separated; without PATHS: everything).`,
  })),
  allowNet: multiple(option("--allow-net", string({ metavar: "HOSTS" }), {
    description: message`Let scenarios open connections to these hosts (without HOSTS: any).`,
  })),
  allowEnv: multiple(option("--allow-env", string({ metavar: "NAMES" }), {
    description: message`Let scenarios read these environment variables (without NAMES: all).`,
  })),
  allowImport: multiple(option("--allow-import", string({ metavar: "MODULES" }), {
    description:
      message`Let scenarios import these npm:/jsr: packages or hosts (comma-separated; without MODULES: any).`,
  })),
};

const quiet = withDefault(
  flag("-q", "--quiet", { description: message`Print only failures and the summary.` }),
  false,
);
const noColor = withDefault(
  flag("--no-color", { description: message`No ANSI colors (also NO_COLOR=1).` }),
  false,
);
const json = withDefault(
  flag("--json", { description: message`NDJSON events on stdout, one object per line.` }),
  false,
);

/** `ringo flow run`. */
export const runCommand = command(
  "run",
  object({
    action: constant("run"),
    paths,
    scenario: multiple(option("--scenario", string({ metavar: "NAME" }), {
      description: message`Run only scenarios with this name, or matching re:<regex>.`,
    })),
    tag: multiple(option("--tag", string({ metavar: "TAGS" }), {
      description: message`Run only scenarios with one of these tags (comma-separated).`,
    })),
    excludeTag: multiple(option("--exclude-tag", string({ metavar: "TAGS" }), {
      description: message`Skip scenarios with any of these tags (comma-separated).`,
    })),
    envFile,
    timeout: optional(option("--timeout", string({ metavar: "DURATION" }), {
      description: message`Time limit per scenario: 500ms, 60s, 2m or seconds (default 60s).`,
    })),
    bail: withDefault(
      flag("--bail", {
        description: message`Start no scenario after the first failure (running ones finish).`,
      }),
      false,
    ),
    jobs: optional(option("--jobs", "-j", string({ metavar: "N" }), {
      description:
        message`Run N scenario files at a time (and concurrent scenarios of a file), or auto: one per CPU (default 1).`,
    })),
    shard: optional(option("--shard", string({ metavar: "I/N" }), {
      description:
        message`Run only share I of N of the selected scenarios (one per CI machine; every share disjoint, all together the whole run).`,
    })),
    shardTimings: multiple(option("--shard-timings", string({ metavar: "JUNIT" }), {
      description:
        message`With --shard: balance the shares by the durations in these JUnit reports of an earlier run (files or folders of them; repeatable).`,
    })),
    logs: withDefault(
      flag("--logs", {
        description:
          message`Print each agent's log and SIP trace under failed scenarios (all with -v).`,
      }),
      false,
    ),
    json,
    jsonFormat: optional(
      option("--json-format", choice(["ringo", "ringo-flow"], { metavar: "FORMAT" }), {
        description:
          message`Shape of the NDJSON events: ringo's own (default), or ringo-flow's for its CI parsers (implies --json).`,
      }),
    ),
    metrics: withDefault(
      flag("--metrics", {
        description:
          message`Report each agent's figures as metrics: registration time, post-dial delay, setup time, call duration, MOS, jitter, loss, RTT.`,
      }),
      false,
    ),
    junit: optional(option("--junit", string({ metavar: "FILE" }), {
      description: message`Write a JUnit XML report to FILE.`,
    })),
    saveAudio: multiple(option("--save-audio", string({ metavar: "DIR" }), {
      description:
        message`Keep each agent's sent and received audio as WAV files below DIR (without DIR: ${DEFAULT_AUDIO_DIR}).`,
    })),
    pcap: optional(option("--pcap", string({ metavar: "PATH" }), {
      description:
        message`Write the SIP signalling as pcap: one FILE for the run, or a folder (DIR/ or an existing folder: one file per scenario; without PATH: ${DEFAULT_PCAP_DIR}).`,
    })),
    sipMessages: withDefault(
      flag("--sip-messages", {
        description:
          message`With --json: a "sip" event with each scenario's SIP messages before its end.`,
      }),
      false,
    ),
    memoryLimit: optional(option("--memory-limit", string({ metavar: "SIZE" }), {
      description:
        message`Heap limit of each scenario file's sandbox, e.g. 512MB or 2GB, or none (default 512MB).`,
    })),
    noTypecheck: withDefault(
      flag("--no-typecheck", {
        description: message`Run without type-checking the scenario files first.`,
      }),
      false,
    ),
    quiet,
    verbose: withDefault(
      flag("-v", "--verbose", { description: message`Print every assertion and log line.` }),
      false,
    ),
    noColor,
    ...grants,
  }),
  {
    description:
      message`Run scenarios; exit 0 when all pass, 1 when one fails, 2 on usage or load errors.`,
  },
);

/** `ringo flow check`. */
export const checkCommand = command(
  "check",
  object({ action: constant("check"), paths, envFile, json, quiet, noColor, ...grants }),
  {
    description:
      message`Type-check and load scenarios without starting agents; list them with their tags.`,
  },
);

/** `ringo flow init`. */
export const initCommand = command(
  "init",
  object({
    action: constant("init"),
    dir: optional(argument(string({ metavar: "DIR" }), {
      description: message`Folder to write into (default: the current folder).`,
    })),
    force: withDefault(flag("--force", { description: message`Overwrite existing files.` }), false),
  }),
  {
    description: message`Write a starter scenario and the editor config that resolves @ringo/flow.`,
  },
);

/** `ringo flow migrate`. */
export const migrateCommand = command(
  "migrate",
  object({
    action: constant("migrate"),
    paths: multiple(
      argument(string({ metavar: "PATH" }), {
        description: message`ringo-flow .js scenarios, or folders of them.`,
      }),
    ),
    out: optional(option("--out", string({ metavar: "DIR" }), {
      description: message`Write the .ts files below DIR instead of beside each source.`,
    })),
    force: withDefault(
      flag("--force", { description: message`Overwrite .ts files that exist.` }),
      false,
    ),
    dryRun: withDefault(
      flag("--dry-run", {
        description: message`Print the migrated files instead of writing them.`,
      }),
      false,
    ),
    noCheck: withDefault(
      flag("--no-check", {
        description: message`Do not type-check and list the migrated scenarios afterwards.`,
      }),
      false,
    ),
  }),
  {
    description:
      message`Rewrite ringo-flow JavaScript scenarios as @ringo/flow TypeScript, listing what needs a person (with the line); exit 1 then, 2 on unusable input.`,
  },
);

const flowDescription = {
  description: message`Run telephony test scenarios written in TypeScript.`,
};

/** `ringo flow serve`. */
export const serveCommand = command(
  "serve",
  object({
    action: constant("serve"),
    config: optional(argument(string({ metavar: "CONFIG" }), {
      description: message`The TOML config: monitors, server, auth, archive, metrics.`,
    })),
    listen: optional(option("--listen", string({ metavar: "HOST:PORT" }), {
      description: message`Listen here instead of [server] listen (default 127.0.0.1:9090).`,
    })),
    check: withDefault(
      flag("--check", { description: message`Check the config and its secrets, then exit.` }),
      false,
    ),
    insecureNoAuth: withDefault(
      flag("--insecure-no-auth", {
        description: message`Serve without auth (only on a loopback address).`,
      }),
      false,
    ),
    hashPassword: withDefault(
      flag("--hash-password", {
        description: message`Print the scrypt hash of a password read from stdin, for the config.`,
      }),
      false,
    ),
  }),
  {
    description:
      message`Run monitors on cron schedules, with an HTTP API, Prometheus metrics, a run archive and a web dashboard.`,
  },
);

/** The `ringo flow` command and its subcommands. */
export const flowCommand = command(
  "flow",
  or(runCommand, checkCommand, initCommand, migrateCommand, serveCommand),
  flowDescription,
);

/**
 * `ringo flow <sub>` with only the subcommand `args` name, or undefined.
 * Parsing with one subcommand alone lets Optique suggest the right spelling
 * of a mistyped flag, which it cannot do across alternatives.
 */
export function flowCommandFor(
  args: readonly string[],
): Parser<"sync", FlowCommand, unknown> | undefined {
  if (args[0] !== "flow") return undefined;
  switch (args[1]) {
    case "run":
      return command("flow", runCommand, flowDescription);
    case "check":
      return command("flow", checkCommand, flowDescription);
    case "init":
      return command("flow", initCommand, flowDescription);
    case "migrate":
      return command("flow", migrateCommand, flowDescription);
    case "serve":
      return command("flow", serveCommand, flowDescription);
  }
  return undefined;
}

/** What {@link flowCommand} parses to. */
export type FlowCommand = InferValue<typeof flowCommand>;

/**
 * Runs a parsed `ringo flow …` command; resolves with the exit code.
 *
 * @example
 * ```ts
 * const code = await dispatchFlow({ action: "init", dir: "flows", force: false });
 * ```
 */
export function dispatchFlow(parsed: FlowCommand): Promise<number> {
  switch (parsed.action) {
    case "run":
      return runFlow({
        paths: [...parsed.paths],
        scenario: [...parsed.scenario],
        tag: splitList(parsed.tag),
        excludeTag: splitList(parsed.excludeTag),
        envFile: [...parsed.envFile],
        timeout: parsed.timeout,
        bail: parsed.bail,
        jobs: parsed.jobs,
        shard: parsed.shard,
        shardTimings: [...parsed.shardTimings],
        logs: parsed.logs,
        json: parsed.json || parsed.jsonFormat !== undefined,
        jsonFormat: parsed.jsonFormat,
        metrics: parsed.metrics,
        junit: parsed.junit,
        saveAudio: parsed.saveAudio.at(-1),
        pcap: parsed.pcap,
        sipMessages: parsed.sipMessages,
        memoryLimit: parsed.memoryLimit,
        typecheck: !parsed.noTypecheck,
        quiet: parsed.quiet,
        verbose: parsed.verbose,
        color: parsed.noColor ? false : undefined,
        ...grantsOf(parsed),
      });
    case "check":
      return checkFlow({
        paths: [...parsed.paths],
        envFile: [...parsed.envFile],
        json: parsed.json,
        quiet: parsed.quiet,
        color: parsed.noColor ? false : undefined,
        ...grantsOf(parsed),
      });
    case "init":
      return initFlow({ dir: parsed.dir, force: parsed.force });
    case "migrate":
      // Loaded on use: it brings the TypeScript compiler, which nothing else needs.
      return import("../flow/migrate/command.ts").then(({ migrateFlow }) =>
        migrateFlow({
          paths: [...parsed.paths],
          out: parsed.out,
          force: parsed.force,
          dryRun: parsed.dryRun,
          check: !parsed.noCheck,
        })
      );
    case "serve":
      return serveFlow({
        config: parsed.config,
        listen: parsed.listen,
        check: parsed.check,
        insecureNoAuth: parsed.insecureNoAuth,
        hashPassword: parsed.hashPassword,
        version: VERSION,
      });
  }
}

/**
 * `--allow-read` and friends: comma-separated values, repeatable; a value
 * of `*` (what a bare `--allow-read` becomes) grants everything.
 */
function grantsOf(parsed: {
  root?: string;
  allowRead: readonly string[];
  allowNet: readonly string[];
  allowEnv: readonly string[];
  allowImport: readonly string[];
}) {
  const grant = (values: readonly string[]) => {
    const list = splitList(values);
    if (list.includes("*")) return true;
    return list.length > 0 ? list : undefined;
  };
  return {
    root: parsed.root,
    allowRead: grant(parsed.allowRead),
    allowNet: grant(parsed.allowNet),
    allowEnv: grant(parsed.allowEnv),
    allowImport: grant(parsed.allowImport),
  };
}
