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
import { PickerView, type PickerEntry } from "./views/picker.ts";
import { type ProfileDraft, ProfileFormView } from "./views/profile_form.ts";
import { loadGlobalConfig, type LoadedConfig } from "../phone/global_config.ts";
import type { PhonePaths } from "../phone/paths.ts";
import { checkProfileName, profileSchema, publicProfile } from "../phone/profile.ts";
import { parseProfileText, ProfileStore, renderProfile } from "../phone/profile_store.ts";
import { formatFieldPath } from "../phone/profile.ts";

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
    this.#terminal = Terminal.open({
      onKey: (key: Key) => void this.#app.handleKey(key),
      onResize: (size) => this.#app.resize(size),
      onSignal: (signal) => void this.quit(signal === "SIGINT" ? 130 : signal === "SIGHUP" ? 129 : 143),
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
    return code;
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
      rename: async (from, to) => void await this.store.rename(from, to),
      remove: (name) => this.store.remove(name),
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
      codecs: this.options.codecs ?? [],
      validate: (n, draft) => validateDraft(n, draft, this.store, name),
      save: async (n, draft, original) => {
        if (original && original !== n) await this.store.rename(original, n);
        if (original) await this.store.replaceText(n, renderProfile(draft as never));
        else await this.store.add(n, draft);
      },
      editAsToml: (n, draft) => this.#editDraft(n, draft),
      close: (saved) => {
        this.#app.pop(form);
        const picker = this.#app.views.find((v) => v instanceof PickerView) as PickerView | undefined;
        if (picker) void picker.reload(saved).then(() => this.#app.redraw());
      },
    }, existing ? { name: existing.name, draft: existing.settings as ProfileDraft } : undefined);
    this.#app.push(form);
  }

  /** Starts a profile: its session and call screen. */
  async start(name: string): Promise<void> {
    await this.store.load(name);
    this.#app.toast.show(`${name}: the call screen needs the phone session (not merged yet)`, "error");
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

  async #pickerEntries(): Promise<PickerEntry[]> {
    const info = this.config?.config.picker.info ?? ["aor"];
    const entries: PickerEntry[] = [];
    for (const name of this.store.names()) {
      try {
        const shown = publicProfile(await this.store.load(name)) as unknown as Record<string, unknown>;
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
    errors.name = (error as Error).message.replace(/^profile names? /, "");
  }
  const parsed = profileSchema.safeParse(draft);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "");
      if (!key || errors[key]) continue;
      const where = issue.path.length > 1 ? `${formatFieldPath(issue.path.slice(1))}: ` : "";
      errors[key] = `${where}${issue.message}`;
    }
  }
  return errors;
}
