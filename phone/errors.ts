/**
 * Errors of the phone: profiles and configuration a user wrote, a session
 * that cannot start or do what it was asked, and the remote control. Each
 * is one sentence a user can act on, with a `hint` where there is a fix.
 *
 * @module
 */
import { RingoError } from "../core/errors.ts";

/** A profile, `ringo.toml`, `contacts.toml` or a password source is missing or wrong. */
export class ProfileError extends RingoError {}

/** A phone session could not start, or refused a command. */
export class SessionError extends RingoError {}

/** The remote control: no such session, a dead socket, a malformed or refused request. */
export class ControlError extends RingoError {}

/** The history store could not be read, written or imported into. */
export class HistoryError extends RingoError {}

/** The registrar refused the account, or did not answer. */
export class RegistrationError extends SessionError {}
