// Shared by the scenarios of this folder (files named `_*.ts` are helpers,
// not scenarios): an account of the PBX, from the environment.
import { env } from "@ringo/flow";
import type { AgentConfig } from "@ringo/flow";

/**
 * The account of user `user` ("alice", "bob", …): `<USER>_PASS` holds its
 * password, `SIP_DOMAIN` the PBX (host or host:port).
 */
export function account(user: string): AgentConfig {
  return {
    username: user,
    domain: env("SIP_DOMAIN"),
    password: env(`${user.toUpperCase()}_PASS`),
  };
}
