/**
 * Fake programs for the doctor's tests: a `baresip` that only prints a
 * version (and fails to start as an agent), with a module folder of empty
 * `.so` files, and peers that print a version.
 *
 * @module
 */
import { join } from "node:path";

/** A folder of fakes, removed on dispose. */
export interface Fakes extends AsyncDisposable {
  dir: string;
  /** `<dir>/bin`, for PATH. */
  bin: string;
}

/** Makes the folder. */
export async function fakes(): Promise<Fakes> {
  const dir = await Deno.makeTempDir({ prefix: "ringo-doctor-" });
  await Deno.mkdir(join(dir, "bin"));
  return {
    dir,
    bin: join(dir, "bin"),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/** Programs in `fakes.bin`, by name, each printing its text and exiting 0. */
export async function fakePrograms(f: Fakes, outputs: Record<string, string>): Promise<void> {
  for (const [name, output] of Object.entries(outputs)) {
    const path = join(f.bin, name);
    await Deno.writeTextFile(path, `#!/bin/sh\ncat <<'OUT'\n${output}\nOUT\n`);
    await Deno.chmod(path, 0o755);
  }
}

/**
 * A `baresip` printing `version` for `-h` and exiting 1 otherwise, and its
 * module folder `<dir>/lib/baresip/modules` holding `modules` as empty files.
 */
export async function fakeBaresip(f: Fakes, version: string, modules: string[]): Promise<string> {
  const path = join(f.bin, "baresip");
  await Deno.writeTextFile(
    path,
    `#!/bin/sh\nif [ "$1" = "-h" ]; then echo "baresip v${version} Copyright (C) 2010 - 2024"; exit 0; fi\n` +
      `echo "this baresip is a fake"; exit 1\n`,
  );
  await Deno.chmod(path, 0o755);
  const folder = join(f.dir, "lib", "baresip", "modules");
  await Deno.mkdir(folder, { recursive: true });
  for (const m of modules) await Deno.writeTextFile(join(folder, `${m}.so`), "");
  return path;
}
