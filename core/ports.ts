/**
 * Free local ports for agents. Ports handed out by this process are kept
 * reserved until released, so agents started in parallel never collide;
 * other processes are ruled out by binding each port before handing it out
 * (a race that remains is caught when baresip fails to bind, and retried).
 *
 * @module
 */

const reserved = new Set<number>();
const LOW = 20_000;
const HIGH = 29_998; // RTP uses 30000-60000 (see config.ts)

/** The ports of one agent. */
export interface AgentPorts {
  /** SIP over UDP and TCP; TLS takes `sip + 1`. */
  sip: number;
  /** ctrl_tcp. */
  ctrl: number;
}

/**
 * Reserves a SIP port (with its TLS neighbour) and a ctrl_tcp port, all free
 * for TCP on 127.0.0.1 at the time of the call.
 *
 * @example
 * ```ts
 * const ports = reserveAgentPorts();
 * try { … } finally { releaseAgentPorts(ports); }
 * ```
 */
export function reserveAgentPorts(): AgentPorts {
  const sip = reserve((p) => isFree(p) && isFree(p + 1), 2);
  const ctrl = reserve(isFree, 1);
  return { sip, ctrl };
}

/** Returns an agent's ports to the pool. */
export function releaseAgentPorts(ports: AgentPorts): void {
  reserved.delete(ports.sip);
  reserved.delete(ports.sip + 1);
  reserved.delete(ports.ctrl);
}

/** Picks a port on 127.0.0.1 that is free for TCP and UDP, for servers of any kind. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function reserve(fits: (port: number) => boolean, width: number): number {
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    let taken = false;
    for (let i = 0; i < width; i++) taken ||= reserved.has(port + i);
    if (taken || !fits(port)) continue;
    for (let i = 0; i < width; i++) reserved.add(port + i);
    return port;
  }
  throw new Error(`no free port found between ${LOW} and ${HIGH} after 500 attempts`);
}

/**
 * TCP is checked by binding; UDP cannot be without `--unstable-net`, so a
 * UDP clash shows up as baresip's "Address already in use" and the agent
 * start is retried on other ports.
 */
function isFree(port: number): boolean {
  try {
    Deno.listen({ hostname: "127.0.0.1", port, transport: "tcp" }).close();
    return true;
  } catch {
    return false;
  }
}
