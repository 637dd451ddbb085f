/**
 * `ringo phone` in a terminal: opens the terminal, shows the profile picker
 * (or starts a profile directly), and moves between the picker, the profile
 * form and a profile's call screen. It owns the terminal and the app; the
 * phone's files and sessions belong to `phone/`, which this only calls.
 *
 * @module
 */
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { App } from "./app.ts";
import { runEditor } from "./editor.ts";
import type { Key } from "./term/keys.ts";
import { colorModeFromEnv } from "./term/style.ts";
import { restoreTerminals, Terminal } from "./term/terminal.ts";
import { readTheme, themeStyles } from "./theme.ts";
import { type PickerEntry, PickerView } from "./views/picker.ts";
import { type ProfileDraft, ProfileFormView } from "./views/profile_form.ts";
import { type LoadedConfig, loadGlobalConfig } from "../phone/global_config.ts";
import type { PhonePaths } from "../phone/paths.ts";
import {
  checkProfileName,
  formatFieldPath,
  profileSchema,
  publicProfile,
} from "../phone/profile.ts";
import { removeProfile, renameProfile } from "../phone/profile_cli.ts";
import { parseProfileText, ProfileStore, renderProfile } from "../phone/profile_store.ts";
import { type HostedSession, hostSession } from "../phone/session_runner.ts";
import { describeError } from "../core/errors.ts";
import { onShutdownSignal } from "../core/shutdown.ts";
import { detectBaresip } from "../core/baresip.ts";
import { offeredCodecs } from "../core/config_overrides.ts";
import { CallController } from "./call_controller.ts";

/** What {@link runPhoneTui} needs. */
export interface PhoneTuiOptions {
  /** Where the phone's files are. */
  paths: PhonePaths;
  /** ringo's version (shown in the picker). */
  version: string;
  /** Start this profile at once instead of showing the picker. */
  profile?: string;
  /** The environment (NO_COLOR, EDITOR…). */
  env?: Record<string, string | undefined>;
  /** Codecs the installed baresip offers (for the profile form). */
  codecs?: readonly string[];
  /** False: no desktop notifications (`--no-notify`). */
  notify?: boolean;
}

/**
 * Runs the TUI until the user quits; resolves with the exit code. The
 * terminal is restored before this resolves, whatever happened.
 *
 * @example
 * ```ts
 * Deno.exit(await runPhoneTui({ paths: phonePaths(), version: VERSION }));
 * ```
 */
export async function runPhoneTui(options: PhoneTuiOptions): Promise<number> {
  const tui = new PhoneTui(options);
  try {
    return await tui.run();
  } finally {
    restoreTerminals();
  }
}

/** The TUI's controller: screens in, screens out. */
export class PhoneTui {
  readonly options: PhoneTuiOptions;
  readonly store: ProfileStore;
  readonly env: Record<string, string | undefined>;
  config: LoadedConfig | undefined;
  #app!: App;
  #terminal!: Terminal;
  #hosted: HostedSession | undefined;
  #signalled = false;
  #controller: CallController | undefined;
  #done = Promise.withResolvers<number>();

  constructor(options: PhoneTuiOptions) {
    this.options = options;
    this.store = new ProfileStore(options.paths);
    this.env = options.env ?? Deno.env.toObject();
  }

  /** The app runtime. */
  get app(): App {
    return this.#app;
  }

  /** Opens the terminal and runs until quit. */
  async run(): Promise<number> {
    await this.reloadConfig();
    // The terminal's own signal handling restores the screen and quits
    // cleanly; the engine's default (stop agents, exit) must not race it.
    onShutdownSignal(() => {});
    this.#terminal = Terminal.open({
      onKey: (key: Key) => void this.#app.handleKey(key),
      onResize: (size) => this.#app.resize(size),
      onSignal: (signal) => this.#signal(signal),
    });
    this.#app = new App({
      write: (text) => this.#terminal.write(text),
      size: () => this.#terminal.size,
      suspend: (run) => this.#terminal.suspend(run),
    }, { colorMode: colorModeFromEnv(this.env), styles: this.#styles() });
    for (const warning of this.config?.warnings ?? []) this.#app.toast.show(warning, "error");
    if (this.options.profile) await this.start(this.options.profile);
    else await this.showPicker();
    const code = await this.#done.promise;
    this.#app.stop();
    this.#terminal.close();
    // After the screen is back: a session still up is stopped cleanly (calls hung up, socket removed).
    if (this.#hosted) {
      try {
        console.error("ringo: stopping the session…");
      } catch {
        // the terminal is gone (SIGHUP)
      }
      await this.#stopSession(code === 0 ? "quit" : "signal");
    }
    return code;
  }

  /**
   * SIGTERM, SIGHUP or SIGINT (the terminal is already restored): quit,
   * stopping the session cleanly; a second signal exits at once (the
   * engine's exit handler still kills every baresip).
   */
  #signal(signal: Deno.Signal): void {
    const code = signal === "SIGINT" ? 130 : signal === "SIGHUP" ? 129 : 143;
    if (this.#signalled) Deno.exit(code);
    this.#signalled = true;
    this.quit(code);
  }

  /** Ends the TUI with `code`. */
  quit(code = 0): void {
    this.#done.resolve(code);
  }

  /** Re-reads `ringo.toml` (theme, picker fields). */
  async reloadConfig(): Promise<void> {
    this.config = await loadGlobalConfig(this.options.paths.globalConfig, this.env);
    if (this.#app) {
      this.#app.styles = this.#styles();
      for (const warning of this.config.warnings) this.#app.toast.show(warning, "error");
    }
  }

  /** Shows the profile picker. */
  async showPicker(select?: string): Promise<void> {
    const picker = new PickerView({
      version: this.options.version,
      entries: () => this.#pickerEntries(),
      start: (name) => this.start(name),
      openForm: (name) => void this.openForm(name),
      clone: async (from, to) => void await this.store.clone(from, to),
      rename: (from, to) => renameProfile(this.options.paths, this.store, from, to),
      remove: (name) => removeProfile(this.options.paths, this.store, name),
      editSettings: () => this.editSettings(),
      quit: () => this.quit(0),
    });
    await picker.reload(select);
    this.#app.replace(picker);
  }

  /** Opens the profile form on top of the current screen. */
  async openForm(name: string | undefined): Promise<void> {
    const existing = name ? await this.store.load(name) : undefined;
    const form = new ProfileFormView({
      codecs: this.options.codecs ?? await this.#offeredCodecs(),
      validate: (n, draft) => validateDraft(n, draft, this.store, name),
      save: async (n, draft, original) => {
        if (original && original !== n) {
          await renameProfile(this.options.paths, this.store, original, n);
        }
        if (original) await this.store.replaceText(n, renderProfile(draft as never));
        else await this.store.add(n, draft);
      },
      editAsToml: (n, draft) => this.#editDraft(n, draft),
      close: (saved) => {
        this.#app.pop(form);
        if (saved && this.#hosted?.session.profile.name === name) {
          this.#app.toast.show(
            `Saved ${saved}: it takes effect when the profile starts again (Ctrl+P)`,
            "success",
          );
        }
        const picker = this.#app.views.find((v) => v instanceof PickerView) as
          | PickerView
          | undefined;
        if (picker) void picker.reload(saved).then(() => this.#app.redraw());
      },
    }, existing ? { name: existing.name, draft: existing.settings as ProfileDraft } : undefined);
    this.#app.push(form);
  }

  /**
   * Starts a profile: its session (with its control socket, so `ringo
   * control` drives it too) and its call screen. A failure (wrong password,
   * unreachable registrar…) is shown in the picker.
   */
  async start(name: string): Promise<void> {
    this.#app.toast.show(`Starting ${name}…`, "info");
    this.#app.renderNow();
    let hosted: HostedSession;
    try {
      hosted = await hostSession({
        profile: name,
        headless: false,
        echoLog: false,
        notify: this.options.notify ?? true,
        env: this.env,
        say: (line) => this.#app.toast.show(line.replace(/^ringo: /, ""), "info"),
      });
    } catch (error) {
      this.#app.toast.show(describeError(error), "error");
      if (!(this.#app.top instanceof PickerView)) await this.showPicker(name);
      return;
    }
    this.#hosted = hosted;
    const controller = new CallController({
      app: this.#app,
      session: hosted.session,
      history: hosted.history,
      contactsFile: this.options.paths.contacts,
      env: this.env,
      editProfile: () => this.openForm(name),
      switchProfile: async () => {
        await this.#stopSession("switched profile");
        await this.showPicker(name);
      },
      quit: async () => {
        await this.#stopSession("quit");
        this.quit(0);
      },
    });
    this.#controller = controller;
    void hosted.session.stopped.then((reason) => {
      if (this.#hosted !== hosted) return; // stopped by the TUI itself
      this.#app.toast.show(`The session stopped: ${reason}`, "error");
      void this.#stopSession(reason).then(() => this.showPicker(name));
    });
    this.#app.toast.show(`${name} is up as ${hosted.session.aor}`, "success");
    this.#app.replace(controller.screen);
  }

  /** Stops the running session, if any (hangs up, de-registers, removes the socket). */
  async #stopSession(reason: string): Promise<void> {
    const hosted = this.#hosted;
    this.#hosted = undefined;
    this.#controller?.dispose();
    this.#controller = undefined;
    if (!hosted) return;
    this.#app.toast.show("Stopping the session…", "info");
    this.#app.renderNow();
    await hosted.close(reason);
  }

  /** Opens `ringo.toml` in `$EDITOR`, then reloads it. */
  async editSettings(): Promise<void> {
    const file = this.options.paths.globalConfig;
    await Deno.mkdir(this.options.paths.configDir, { recursive: true });
    await this.#app.suspend(() => runEditor(file, this.env));
    await this.reloadConfig();
    if (!this.config?.warnings.length) this.#app.toast.show("Reloaded ringo.toml", "success");
  }

  /** Edits a profile draft as TOML in `$EDITOR` (a private temp file, removed after). */
  async #editDraft(name: string, draft: ProfileDraft): Promise<ProfileDraft> {
    const dir = await Deno.makeTempDir({ prefix: "ringo-profile-" });
    const file = join(dir, "profile.toml");
    try {
      await Deno.writeTextFile(file, renderProfile(draft as never), { mode: 0o600 });
      await this.#app.suspend(() => runEditor(file, this.env));
      const text = await Deno.readTextFile(file);
      try {
        return parseProfileText(text, name || "profile.toml") as ProfileDraft;
      } catch {
        // Keep what parses as TOML so the form can show the field errors.
        return parseToml(text) as ProfileDraft;
      }
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  }

  /** The codecs the baresip in use offers ([baresip] module_path, else the detected one's). */
  async #offeredCodecs(): Promise<string[]> {
    try {
      const modulePath = this.config?.config.baresip.module_path ??
        (await detectBaresip(this.env)).modulePath;
      return offeredCodecs(modulePath);
    } catch {
      return []; // no baresip: the form says no codec modules were found
    }
  }

  async #pickerEntries(): Promise<PickerEntry[]> {
    const info = this.config?.config.picker.info ?? ["aor"];
    const entries: PickerEntry[] = [];
    for (const name of this.store.names()) {
      try {
        const shown = publicProfile(await this.store.load(name)) as unknown as Record<
          string,
          unknown
        >;
        entries.push({
          name,
          info: info.map((f) => shown[f]).filter((v) => v !== undefined && v !== "").join("  "),
        });
      } catch (error) {
        entries.push({ name, info: "", error: (error as Error).message });
      }
    }
    return entries;
  }

  #styles() {
    const { theme, warnings } = readTheme(this.config?.config.theme);
    this.config?.warnings.push(...warnings);
    return themeStyles(theme);
  }
}

/**
 * Checks a form's draft with the profile schema and the name rules; one
 * message per field key.
 */
export function validateDraft(
  name: string,
  draft: ProfileDraft,
  store: ProfileStore,
  original: string | undefined,
): Record<string, string> {
  const errors: Record<string, string> = {};
  try {
    checkProfileName(name);
    if (name !== original && store.has(name)) errors.name = `a profile named "${name}" exists`;
  } catch (error) {
    errors.name = (error as Error).message.replace(/^.*profile names /, "");
  }
  const parsed = profileSchema.safeParse(draft);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "");
      if (!key || errors[key]) continue;
      const where = issue.path.length > 1 ? `${formatFieldPath(issue.path.slice(1))}: ` : "";
      const missing = issue.code === "invalid_type" && issue.input === undefined;
      errors[key] = missing ? "required" : `${where}${issue.message}`;
    }
  }
  return errors;
}
