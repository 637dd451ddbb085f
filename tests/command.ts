/**
 * Runs a program to its end with stdin closed and returns its exit code and
 * output as text: for the tests that run ringo, its scripts and podman as a
 * user would.
 *
 * @module
 */

/** What a finished program printed and returned. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCommand}. */
export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Start from an empty environment instead of this process's (default false). */
  clearEnv?: boolean;
}

/**
 * Runs `argv[0]` with the rest of `argv`.
 *
 * @example
 * ```ts
 * const { code, stdout } = await runCommand(["sha256sum", "-c", "SHA256SUMS"], { cwd: dir });
 * ```
 */
export async function runCommand(argv: string[], options: RunOptions = {}): Promise<CommandResult> {
  const output = await new Deno.Command(argv[0], {
    args: argv.slice(1),
    cwd: options.cwd,
    env: options.env,
    clearEnv: options.clearEnv ?? false,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}
