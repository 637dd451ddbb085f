/**
 * Errors of the engine: one class per domain, each with an optional `hint`
 * that tells the user what to do about it.
 *
 * @module
 */

/** Base class of every error ringo's engine raises. */
export class RingoError extends Error {
  /** A sentence telling the user how to fix the problem, when there is a fix. */
  readonly hint?: string;

  /**
   * @example
   * ```ts
   * throw new RingoError("baresip was not found", { hint: "install baresip-core" });
   * ```
   */
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** The baresip installation is missing, unusable, or its process failed. */
export class BaresipError extends RingoError {}

/** The ctrl_tcp connection failed, timed out, or sent data ringo cannot read. */
export class CtrlTcpError extends RingoError {}

/** A byte stream is not valid netstring framing. */
export class NetstringError extends CtrlTcpError {}

/** The running baresip version lacks a feature that was asked for. */
export class CapabilityError extends RingoError {}

/** An agent verb was refused, or the agent is not in a state to perform it. */
export class AgentError extends RingoError {}

/** Formats an error with its hint for a terminal, one or two lines. */
export function describeError(error: unknown): string {
  if (error instanceof RingoError && error.hint) return `${error.message}\n  hint: ${error.hint}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
