/**
 * Ports for the network tests: a free one to hand out, and a check that
 * nothing listens on one any more.
 *
 * @module
 */
import assert from "node:assert/strict";

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): number {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  return port;
}

/** Fails unless `port` on 127.0.0.1 refuses connections and can be bound again. */
export async function assertPortFree(port: number): Promise<void> {
  let connected = false;
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    connected = true;
  } catch (error) {
    assert.ok(error instanceof Deno.errors.ConnectionRefused, `connect: ${error}`);
  }
  assert.equal(connected, false, `something still listens on 127.0.0.1:${port}`);
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  listener.close();
}
