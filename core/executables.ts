/**
 * Finding programs to run: whether a path is an executable file, and the
 * first executable of a name in a list of folders (`PATH`, and more where
 * a caller needs them). baresip, the doctor's peers, desktop notifiers and
 * `deno` for the type check are all found this way.
 *
 * @module
 */

/**
 * True when `path` is a file with an execute bit (on systems without
 * modes, any file).
 *
 * @example
 * ```ts
 * isExecutable("/usr/bin/baresip"); // true where Debian's baresip is installed
 * isExecutable("/etc/hostname"); // false
 * ```
 */
export function isExecutable(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

/**
 * The folders of `env.PATH`, in order, empty entries left out.
 *
 * @example
 * ```ts
 * pathDirs({ PATH: "/usr/local/bin::/usr/bin" }); // ["/usr/local/bin", "/usr/bin"]
 * ```
 */
export function pathDirs(env: Record<string, string | undefined>): string[] {
  return (env.PATH ?? "").split(":").filter((dir) => dir !== "");
}

/**
 * The first executable `name` in `dirs`, or undefined.
 *
 * @example
 * ```ts
 * findExecutable("notify-send", pathDirs(Deno.env.toObject())); // "/usr/bin/notify-send" or undefined
 * ```
 */
export function findExecutable(name: string, dirs: readonly string[]): string | undefined {
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = `${dir}/${name}`;
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}
