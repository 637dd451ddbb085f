/**
 * The profiles folder: list, read, write, clone, rename and remove
 * profiles, each `profiles/<name>/profile.toml`. Every write is validated
 * first (the same schema as reading) and written atomically, readable by
 * the user only (a profile may hold a password).
 *
 * @module
 */
import { join } from "node:path";
import { parse as parseToml, stringify as stringifyToml } from "smol-toml";
import { ProfileError } from "./errors.ts";
import type { PhonePaths } from "./paths.ts";
import {
  checkProfileName,
  parseProfileSettings,
  type Profile,
  PROFILE_FIELDS,
  type ProfileSettings,
} from "./profile.ts";

/** The name of the file inside a profile's folder. */
export const PROFILE_FILE = "profile.toml";

/**
 * The profiles folder of one configuration root.
 *
 * @example
 * ```ts
 * const store = new ProfileStore(phonePaths());
 * await store.add("work", { username: "alice", domain: "pbx.example.com", password_cmd: "pass sip/work" });
 * (await store.load("work")).settings.domain; // "pbx.example.com"
 * ```
 */
export class ProfileStore {
  readonly dir: string;

  constructor(paths: Pick<PhonePaths, "profilesDir">) {
    this.dir = paths.profilesDir;
  }

  /** The names of every profile (folders holding a `profile.toml`), sorted. */
  names(): string[] {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(this.dir)];
    } catch {
      return [];
    }
    return entries
      .filter((e) => e.isDirectory && isFile(join(this.dir, e.name, PROFILE_FILE)))
      .map((e) => e.name)
      .sort((a, b) => a.localeCompare(b));
  }

  /** True when a profile of that name exists. */
  has(name: string): boolean {
    return isFile(this.#file(name));
  }

  /**
   * Reads and validates one profile.
   *
   * @throws {ProfileError} no such profile, a TOML syntax error (with its
   * line), or a field that is wrong (named, with what was expected).
   */
  async load(name: string): Promise<Profile> {
    checkProfileName(name);
    const file = this.#file(name);
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) throw this.#missing(name);
      throw new ProfileError(`cannot read ${file}: ${(error as Error).message}`);
    }
    return { name, dir: join(this.dir, name), file, settings: parseProfileText(text, file) };
  }

  /** Every profile that loads; the ones that do not are returned with their error. */
  async loadAll(): Promise<{ profiles: Profile[]; errors: ProfileError[] }> {
    const profiles: Profile[] = [];
    const errors: ProfileError[] = [];
    for (const name of this.names()) {
      try {
        profiles.push(await this.load(name));
      } catch (error) {
        if (!(error instanceof ProfileError)) throw error;
        errors.push(error);
      }
    }
    return { profiles, errors };
  }

  /**
   * Creates a profile.
   *
   * @throws {ProfileError} a bad name, a profile of that name exists, or a field is wrong.
   */
  async add(name: string, settings: unknown): Promise<Profile> {
    checkProfileName(name);
    if (this.has(name)) {
      throw new ProfileError(`profile "${name}" already exists`, {
        hint: `change it with: ringo phone profile edit ${quoteArg(name)} …`,
      });
    }
    return await this.#write(name, settings);
  }

  /**
   * Changes fields of a profile: `set` replaces them, `unset` removes them.
   *
   * @throws {ProfileError} no such profile, or the result is not a valid profile.
   */
  async edit(
    name: string,
    set: Partial<ProfileSettings>,
    unset: readonly string[] = [],
  ): Promise<Profile> {
    const current = await this.load(name);
    const next: Record<string, unknown> = { ...current.settings, ...set };
    for (const field of unset) {
      if (!(PROFILE_FIELDS as readonly string[]).includes(field)) {
        throw new ProfileError(`cannot unset "${field}": profiles have no such field`);
      }
      delete next[field];
    }
    return await this.#write(name, next);
  }

  /** Replaces a profile's whole file with `text` once it validates (the `$EDITOR` flow). */
  async replaceText(name: string, text: string): Promise<Profile> {
    checkProfileName(name);
    const file = this.#file(name);
    const settings = parseProfileText(text, file);
    await this.#writeText(name, text);
    return { name, dir: join(this.dir, name), file, settings };
  }

  /** Copies profile `from` (its whole folder) to a new profile `to`. */
  async clone(from: string, to: string): Promise<Profile> {
    checkProfileName(to);
    await this.load(from);
    if (this.has(to)) throw new ProfileError(`profile "${to}" already exists`);
    await copyDir(join(this.dir, from), join(this.dir, to));
    return await this.load(to);
  }

  /** Renames profile `from` to `to`. */
  async rename(from: string, to: string): Promise<Profile> {
    checkProfileName(to);
    await this.load(from);
    if (this.has(to)) throw new ProfileError(`profile "${to}" already exists`);
    await Deno.rename(join(this.dir, from), join(this.dir, to));
    return await this.load(to);
  }

  /** Removes profile `name` and its folder. */
  async remove(name: string): Promise<void> {
    checkProfileName(name);
    if (!this.has(name)) throw this.#missing(name);
    await Deno.remove(join(this.dir, name), { recursive: true });
  }

  /** The path of a profile's `profile.toml`. */
  fileOf(name: string): string {
    checkProfileName(name);
    return this.#file(name);
  }

  async #write(name: string, settings: unknown): Promise<Profile> {
    const file = this.#file(name);
    const valid = parseProfileSettings(settings, file);
    await this.#writeText(name, renderProfile(valid));
    return { name, dir: join(this.dir, name), file, settings: valid };
  }

  async #writeText(name: string, text: string): Promise<void> {
    const dir = join(this.dir, name);
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = join(dir, `.${PROFILE_FILE}.${crypto.randomUUID()}`);
    await Deno.writeTextFile(temp, text, { mode: 0o600 });
    await Deno.rename(temp, join(dir, PROFILE_FILE));
  }

  #file(name: string): string {
    return join(this.dir, name, PROFILE_FILE);
  }

  #missing(name: string): ProfileError {
    const names = this.names();
    const known = names.length
      ? ` (profiles: ${names.join(", ")})`
      : " (there are no profiles yet)";
    return new ProfileError(`there is no profile "${name}"${known}`, {
      hint: `create it with: ringo phone profile add ${quoteArg(name)} --username … --domain …`,
    });
  }
}

/**
 * Parses a `profile.toml`'s text.
 *
 * @throws {ProfileError} a TOML syntax error (with the line) or an invalid field.
 */
export function parseProfileText(text: string, file: string): ProfileSettings {
  let data: unknown;
  try {
    data = parseToml(text);
  } catch (error) {
    throw new ProfileError(`${file}: ${tomlErrorLine(error)}`);
  }
  return parseProfileSettings(data, file);
}

/** A profile as TOML, its fields in the documented order. */
export function renderProfile(settings: ProfileSettings): string {
  const ordered: Record<string, unknown> = {};
  for (const field of PROFILE_FIELDS) {
    if (settings[field] !== undefined && field !== "metadata") ordered[field] = settings[field];
  }
  if (settings.metadata) ordered.metadata = settings.metadata;
  return stringifyToml(ordered) + "\n";
}

/** The first line of a smol-toml error ("Invalid TOML document: … at line 3"). */
export function tomlErrorLine(error: unknown): string {
  const e = error as { message?: string; line?: number; column?: number };
  const first = String(e.message ?? error).split("\n")[0].replace(/^Invalid TOML document:\s*/, "");
  return e.line ? `line ${e.line}: ${first}` : first;
}

/** Quotes an argument for a shell command shown in a hint. */
export function quoteArg(arg: string): string {
  return /^[A-Za-z0-9_.@:+=,\/-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { mode: 0o700 });
  for await (const entry of Deno.readDir(from)) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory) await copyDir(source, target);
    else if (entry.isFile) await Deno.copyFile(source, target);
  }
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}
