/**
 * Opening a file in the user's editor: `$VISUAL`, else `$EDITOR`, else
 * `vi`, run through `sh` so an editor given with arguments (`code -w`,
 * `emacs -nw`) works. The caller hands the terminal over while it runs
 * ({@link App.suspend}).
 *
 * @module
 */

/** The editor exited with an error or could not be started. */
export class EditorError extends Error {
  override name = "EditorError";
}

/**
 * The editor command line for `env`.
 *
 * @example
 * ```ts
 * editorCommand({ EDITOR: "nano" }); // "nano"
 * editorCommand({}); // "vi"
 * ```
 */
export function editorCommand(env: Record<string, string | undefined>): string {
  return env.VISUAL?.trim() || env.EDITOR?.trim() || "vi";
}

/**
 * Runs the editor on `file` with the terminal's stdio and waits for it.
 *
 * @throws {EditorError} when it cannot start or exits non-zero.
 */
export async function runEditor(
  file: string,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): Promise<void> {
  const editor = editorCommand(env);
  let status: Deno.CommandStatus;
  try {
    status = await new Deno.Command("sh", {
      args: ["-c", `${editor} "$1"`, "ringo-editor", file],
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn().status;
  } catch (error) {
    throw new EditorError(`cannot start the editor (${editor}): ${(error as Error).message}`);
  }
  if (!status.success) {
    throw new EditorError(`the editor (${editor}) exited with code ${status.code}`);
  }
}
