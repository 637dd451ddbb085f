/**
 * What `ringo phone list` and `ringo phone profile …` do once their
 * command lines are parsed: list profiles (`--plain`, `--format`,
 * `--json`; never a password), and add, edit, clone, rename, remove or
 * show one — from flags, for scripts, or in `$EDITOR` — with the same
 * validation as reading. A profile's password is never taken from argv:
 * use `--password-cmd`, `--password-file` or `--password-stdin`.
 *
 * @module
 */
import { consoleOutput, type Output, reportFailure } from "./output.ts";
import { join } from "node:path";
import { listSessions } from "./control/registry.ts";
import { ProfileError } from "./errors.ts";
import { HistoryStore } from "./history.ts";
import { type PhonePaths, phonePaths } from "./paths.ts";
import { type ProfileSettings, publicProfile } from "./profile.ts";
import { parseProfileText, ProfileStore, renderProfile } from "./profile_store.ts";
import { checkListFormat, renderListFormat } from "./templates.ts";
import { stripOneNewline } from "./password.ts";

/** The environment, for tests. */
type Env = Record<string, string | undefined>;

/**
 * `ringo phone list [--plain | --format TPL | --json]`.
 *
 * @example
 * ```ts
 * await listProfiles({ format: "{name}\\t{aor}" });
 * ```
 */
export async function listProfiles(
  options: { plain?: boolean; format?: string; json?: boolean; env?: Env },
  output: Output = consoleOutput,
): Promise<number> {
  try {
    if (options.format !== undefined) checkListFormat(options.format);
    const store = new ProfileStore(phonePaths(options.env));
    const { profiles, errors } = await store.loadAll();
    for (const error of errors) output.err(`ringo: warning: ${error.message}`);
    const shown = profiles.map(publicProfile);
    if (options.json) output.out(JSON.stringify(shown, null, 2));
    else if (options.format !== undefined) {
      for (const p of shown) output.out(renderListFormat(options.format, p));
    } else if (options.plain) { for (const p of shown) output.out(p.name); }
    else if (shown.length === 0) {
      output.out("no profiles yet: ringo phone profile add <name> --username … --domain …");
    } else {
      const width = Math.max(...shown.map((p) => p.name.length));
      for (const p of shown) {
        output.out(`${p.name.padEnd(width)}  ${p.aor}${p.notes ? `  (${p.notes})` : ""}`);
      }
    }
    return 0;
  } catch (error) {
    return reportFailure(error, output);
  }
}

/** The fields `profile add` and `profile edit` take as flags. */
export interface ProfileFlags {
  username?: string;
  domain?: string;
  passwordFile?: string;
  passwordCmd?: string;
  /** Read the inline password from standard input (one line). */
  passwordStdin?: boolean;
  displayName?: string;
  authUser?: string;
  transport?: string;
  outbound?: string;
  stunServer?: string;
  mediaEnc?: string;
  audioCodecs?: readonly string[];
  regint?: number;
  dtmfMode?: string;
  notes?: string;
  /** `Name=Value`, in order. */
  headers?: readonly string[];
  /** `Label=Template`, in order. */
  headerDisplay?: readonly string[];
  /** `key=value`. */
  metadata?: readonly string[];
  notify?: boolean;
  mwi?: boolean;
  autoHold?: boolean;
  catchall?: boolean;
  /** A target turns deflection on; false turns it off. */
  deflect?: string | false;
}

/** One `ringo phone profile …` action. */
export type ProfileAction =
  | { action: "add"; name: string; flags: ProfileFlags; edit: boolean }
  | { action: "edit"; name: string; flags: ProfileFlags; unset: readonly string[] }
  | { action: "clone"; from: string; to: string }
  | { action: "rename"; from: string; to: string }
  | { action: "remove"; name: string }
  | { action: "show"; name: string; json: boolean };

/** Runs one `ringo phone profile …` action; resolves with the exit code. */
export async function profileAction(
  request: ProfileAction,
  options: { env?: Env; stdin?: ReadableStream<Uint8Array> } = {},
  output: Output = consoleOutput,
): Promise<number> {
  const paths = phonePaths(options.env);
  const store = new ProfileStore(paths);
  try {
    switch (request.action) {
      case "add": {
        const settings = await settingsFromFlags(request.flags, options.stdin);
        if (request.edit || Object.keys(settings).length === 0) {
          const template = renderProfile(
            { username: "", domain: "", ...settings } as ProfileSettings,
          );
          const text = await editUntilValid(
            template,
            join(paths.profilesDir, request.name, "profile.toml"),
            options.env,
          );
          await store.add(request.name, parseProfileText(text, store.fileOf(request.name)));
        } else {
          await store.add(request.name, settings);
        }
        output.out(`created profile "${request.name}" (${store.fileOf(request.name)})`);
        return 0;
      }
      case "edit": {
        const settings = await settingsFromFlags(request.flags, options.stdin);
        if (Object.keys(settings).length === 0 && request.unset.length === 0) {
          const current = await Deno.readTextFile(store.fileOf(request.name)).catch(() => {
            throw new ProfileError(`there is no profile "${request.name}"`);
          });
          const text = await editUntilValid(current, store.fileOf(request.name), options.env);
          await store.replaceText(request.name, text);
        } else {
          await store.edit(request.name, settings, request.unset);
        }
        output.out(`changed profile "${request.name}"`);
        return 0;
      }
      case "clone":
        await store.clone(request.from, request.to);
        output.out(`copied profile "${request.from}" to "${request.to}"`);
        return 0;
      case "rename": {
        await renameProfile(paths, store, request.from, request.to);
        output.out(`renamed profile "${request.from}" to "${request.to}"`);
        return 0;
      }
      case "remove":
        await removeProfile(paths, store, request.name);
        output.out(
          `removed profile "${request.name}" (its call history stays; ringo phone history ${request.name} shows it)`,
        );
        return 0;
      case "show": {
        const profile = await store.load(request.name);
        const shown = publicProfile(profile);
        if (request.json) output.out(JSON.stringify(shown, null, 2));
        else {
          for (const [key, value] of Object.entries(shown)) {
            output.out(`${key}: ${typeof value === "object" ? JSON.stringify(value) : value}`);
          }
        }
        return 0;
      }
    }
  } catch (error) {
    return reportFailure(error, output);
  }
}

/**
 * The profile fields that flags set (only those given).
 *
 * @throws {ProfileError} a `Name=Value` flag without `=`, or an empty password on stdin.
 */
export async function settingsFromFlags(
  flags: ProfileFlags,
  stdin?: ReadableStream<Uint8Array>,
): Promise<Partial<ProfileSettings>> {
  const out: Record<string, unknown> = {};
  const put = (key: keyof ProfileSettings, value: unknown) => {
    if (value !== undefined) out[key] = value;
  };
  put("username", flags.username);
  put("domain", flags.domain);
  put("password_file", flags.passwordFile);
  put("password_cmd", flags.passwordCmd);
  put("display_name", flags.displayName);
  put("auth_user", flags.authUser);
  put("transport", flags.transport);
  put("outbound", flags.outbound);
  put("stun_server", flags.stunServer);
  put("media_enc", flags.mediaEnc);
  if (flags.audioCodecs?.length) {
    put(
      "audio_codecs",
      flags.audioCodecs.flatMap((c) => c.split(",")).filter(Boolean),
    );
  }
  put("regint", flags.regint);
  put("dtmf_mode", flags.dtmfMode);
  put("notes", flags.notes);
  if (flags.headers?.length) {
    put(
      "custom_headers",
      flags.headers.map((h) => pair(h, "--header", "Name=Value")),
    );
  }
  if (flags.headerDisplay?.length) {
    put(
      "header_display",
      flags.headerDisplay.map((h) => pair(h, "--header-display", "Label=Template")),
    );
  }
  if (flags.metadata?.length) {
    put("metadata", Object.fromEntries(flags.metadata.map((m) => pair(m, "--meta", "key=value"))));
  }
  put("notify", flags.notify);
  put("mwi", flags.mwi);
  put("auto_hold", flags.autoHold);
  put("catchall", flags.catchall);
  if (flags.deflect === false) put("deflect", false);
  else if (flags.deflect !== undefined) {
    put("deflect", true);
    put("deflect_target", flags.deflect);
  }
  if (flags.passwordStdin) {
    const text = stripOneNewline(await new Response(stdin ?? Deno.stdin.readable).text());
    if (text === "") throw new ProfileError("--password-stdin: standard input was empty");
    put("password", text);
  }
  return out as Partial<ProfileSettings>;
}

function pair(text: string, flag: string, shape: string): [string, string] {
  const at = text.indexOf("=");
  if (at <= 0) throw new ProfileError(`${flag} ${JSON.stringify(text)}: expected ${shape}`);
  return [text.slice(0, at), text.slice(at + 1)];
}

/**
 * Renames a profile as `ringo phone profile rename` does (the picker's
 * Ctrl+R too): refused while a session of it runs; its call history follows.
 */
export async function renameProfile(
  paths: PhonePaths,
  store: ProfileStore,
  from: string,
  to: string,
): Promise<void> {
  await refuseWhileRunning(paths.sessionsDir, from, "rename");
  await store.rename(from, to);
  await moveHistory(paths.historyDb, from, to);
}

/** Removes a profile as `ringo phone profile remove` does (the picker's Ctrl+D too): refused while it runs. */
export async function removeProfile(
  paths: PhonePaths,
  store: ProfileStore,
  name: string,
): Promise<void> {
  await refuseWhileRunning(paths.sessionsDir, name, "remove");
  await store.remove(name);
}

/** Moves a renamed profile's history along (there is none when the store does not exist yet). */
async function moveHistory(db: string, from: string, to: string): Promise<void> {
  try {
    await Deno.stat(db);
  } catch {
    return;
  }
  await using history = await HistoryStore.open(db);
  await history.renameProfile(from, to);
}

async function refuseWhileRunning(sessionsDir: string, name: string, verb: string): Promise<void> {
  const running = (await listSessions(sessionsDir)).filter((s) => s.profile === name);
  if (running.length > 0) {
    throw new ProfileError(
      `cannot ${verb} profile "${name}" while it runs (PID ${
        running.map((s) => s.pid).join(", ")
      })`,
      { hint: `stop it first: ringo control -t ${running[0].pid} shutdown` },
    );
  }
}

/**
 * Lets the user edit `text` in `$VISUAL`/`$EDITOR` until it is a valid
 * profile (asking again on a terminal; failing otherwise).
 */
async function editUntilValid(
  text: string,
  file: string,
  env: Env = Deno.env.toObject(),
): Promise<string> {
  const editor = env.VISUAL || env.EDITOR || "vi";
  const dir = await Deno.makeTempDir({ prefix: "ringo-profile-" });
  const temp = join(dir, "profile.toml");
  try {
    await Deno.writeTextFile(temp, text, { mode: 0o600 });
    for (;;) {
      const status = await new Deno.Command("sh", {
        args: ["-c", `${editor} "$1"`, "sh", temp],
        stdin: "inherit",
        stdout: "inherit",
        stderr: "inherit",
      }).spawn().status;
      if (!status.success) {
        throw new ProfileError(`${editor} exited with code ${status.code}; nothing was saved`);
      }
      const edited = await Deno.readTextFile(temp);
      try {
        parseProfileText(edited, file);
        return edited;
      } catch (error) {
        if (!(error instanceof ProfileError) || !Deno.stdin.isTerminal()) throw error;
        console.error(`ringo: ${error.message}`);
        const again = prompt("Edit again? [Y/n]")?.trim().toLowerCase();
        if (again === "n" || again === "no") throw new ProfileError("nothing was saved");
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
