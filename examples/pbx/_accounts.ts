// Shared by the scenarios of this folder (files named `_*.ts` are helpers,
// not scenarios): the PBX accounts of agents A, B and C, from the
// environment — the same variables as the README's scenario.
import { env } from "@ringo/flow";
import type { AgentConfig } from "@ringo/flow";

/**
 * The account of agent `name` ("A", "B", "C"): `<NAME>_USER` and
 * `<NAME>_PASS` hold its user and password, `SIP_DOMAIN` the PBX (host or
 * host:port).
 */
export function account(name: string): AgentConfig {
  return { username: user(name), domain: env("SIP_DOMAIN"), password: env(`${name}_PASS`) };
}

/** The user (number) of agent `name`'s account: what the others dial. */
export function user(name: string): string {
  return env(`${name}_USER`);
}
