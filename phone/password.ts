/**
 * A profile's password, from the first source it names: `password_cmd`
 * (run with `sh -c`, its standard output), then `password_file`, then the
 * inline `password`. One trailing newline is stripped, as `pass`, `op read`
 * and editors add one. A failing command or an unreadable file stops the
 * launch with one sentence that never contains the password.
 *
 * @module
 */
import { ProfileError } from "./errors.ts";
import { passwordSource, type Profile } from "./profile.ts";
import { resolveUserPath } from "./paths.ts";

/** How long `password_cmd` may run (a keyring prompt can take a while). */
export const PASSWORD_CMD_TIMEOUT_MS = 30_000;

/**
 * The password of `profile`, or undefined when it names none.
 *
 * @throws {ProfileError} the command failed, timed out or printed nothing;
 * the file is missing, unreadable or empty.
 * @example
 * ```ts
 * await resolvePassword(profile); // "s3cret"
 * ```
 */
export async function resolvePassword(
  profile: Profile,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): Promise<string | undefined> {
  const s = profile.settings;
  const where = `profile "${profile.name}"`;
  switch (passwordSource(s)) {
    case "cmd":
      return stripOneNewline(await runPasswordCommand(s.password_cmd!, profile.dir, where, env));
    case "file": {
      const path = resolveUserPath(s.password_file!, profile.dir, env);
      let text: string;
      try {
        text = await Deno.readTextFile(path);
      } catch (error) {
        throw new ProfileError(
          `${where}: cannot read password_file ${path}: ${(error as Error).message.split(":")[0]}`,
          { hint: "fix the path (relative paths are relative to the profile's folder)" },
        );
      }
      const password = stripOneNewline(text);
      if (password === "") throw new ProfileError(`${where}: password_file ${path} is empty`);
      return password;
    }
    case "inline":
      return s.password;
    case "none":
      return undefined;
  }
}

/** Removes one trailing `\n` (or `\r\n`), nothing else. */
export function stripOneNewline(text: string): string {
  return text.endsWith("\r\n") ? text.slice(0, -2) : text.endsWith("\n") ? text.slice(0, -1) : text;
}

async function runPasswordCommand(
  command: string,
  cwd: string,
  where: string,
  env: Record<string, string | undefined>,
): Promise<string> {
  const timeout = AbortSignal.timeout(PASSWORD_CMD_TIMEOUT_MS);
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("sh", {
      args: ["-c", command],
      cwd,
      env: definedOnly(env),
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: timeout,
    }).output();
  } catch (error) {
    throw new ProfileError(`${where}: cannot run password_cmd: ${(error as Error).message}`);
  }
  if (timeout.aborted) {
    throw new ProfileError(
      `${where}: password_cmd did not finish within ${PASSWORD_CMD_TIMEOUT_MS / 1000} s`,
    );
  }
  if (output.code !== 0) {
    const said = new TextDecoder().decode(output.stderr).trim().split("\n").at(-1);
    throw new ProfileError(
      `${where}: password_cmd exited with code ${output.code}${said ? ` (${said})` : ""}`,
      { hint: "run the command by hand to see what it needs" },
    );
  }
  const text = new TextDecoder().decode(output.stdout);
  if (stripOneNewline(text) === "") {
    throw new ProfileError(`${where}: password_cmd printed nothing`);
  }
  return text;
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined),
  );
}
