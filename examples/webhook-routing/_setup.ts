// Shared by the scenarios of this folder (files named `_*.ts` are helpers,
// not scenarios): PBX accounts and the webhook endpoint, from the env file.
import { type Agent, agent, env, jsonResponse, type MockServer, mockServer } from "@ringo/flow";

/** Where the PBX sends its routing webhook: `POST http://127.0.0.1:$WEBHOOK_PORT/route`. */
export const ROUTE_PATH = "/route";

/** Registers `user` ("alice", "bob", …) at the PBX; `<USER>_PASS` holds the password. */
export function registered(name: string, user: string): Promise<Agent> {
  return agent(name, {
    username: user,
    domain: env("SIP_DOMAIN"),
    password: env(`${user.toUpperCase()}_PASS`),
  });
}

/**
 * Stands in for the routing service: a mock server on the port the PBX
 * posts to, answering `{}` (route to the dialled user) until a scenario
 * stages something else.
 */
export async function routingService(): Promise<MockServer> {
  const hooks = await mockServer({ port: Number(env("WEBHOOK_PORT")) });
  await hooks.respond("POST", ROUTE_PATH, jsonResponse({}));
  return hooks;
}
