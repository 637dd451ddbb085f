/**
 * What an agent does with the calls that reach it, decided before they
 * ring on: answer each with a fixed final response (busy, decline, any
 * 4xx–6xx), or deflect each to another address. The policy is sticky: it
 * applies to every INVITE that arrives until it is changed, and never to
 * a call that was already ringing when it was set.
 *
 * What baresip allows (see {@link Dialect.immediateResponse}): a response
 * is sent by `hangup` as soon as ctrl_tcp reports the call, after the
 * `180 Ringing` every version sends when it accepts an INVITE; no version
 * sends a 3xx or adds headers to a final response. So a deflection is an
 * answer followed at once by a blind transfer (REFER) to the target.
 *
 * @module
 */
import type { Agent } from "./agent.ts";
import type { AgentSnapshot } from "./agent_state.ts";
import { AgentError } from "./errors.ts";
import { requireSipText, requireTarget } from "./sip_input.ts";

/** How an agent treats incoming calls. */
export type IncomingPolicy =
  /** Ring, and wait for `accept()` / `reject()` (the default). */
  | { kind: "ring" }
  /** Decline every new call with this final response. */
  | { kind: "respond"; code: number; reason?: string }
  /** Answer every new call and transfer it at once to `target` (a SIP URI). */
  | { kind: "deflect"; target: string };

/** What an {@link IncomingCalls} reports when it could not apply its policy to a call. */
export interface IncomingFailure {
  callId: string;
  policy: IncomingPolicy;
  message: string;
}

/** Longest wait for a deflected call to be established before it is transferred. */
const DEFLECT_ANSWER_MS = 10_000;

/**
 * The incoming-call policy of one agent. Dispatches `applied` (detail: the
 * call id and policy) for each call it handled and `failure` (an
 * {@link IncomingFailure}) when baresip refused.
 *
 * @example
 * ```ts
 * const incoming = new IncomingCalls(agent);
 * incoming.respond(603, "Decline"); // every new call: 180 Ringing, then 603 Decline
 * incoming.deflect("sip:carol@pbx.example.com"); // answered and transferred at once
 * incoming.ring(); // back to ringing
 * incoming.close();
 * ```
 */
export class IncomingCalls extends EventTarget {
  readonly #agent: Agent;
  #policy: IncomingPolicy = { kind: "ring" };
  /** Incoming calls already seen (handled or left ringing), by call id. */
  readonly #seen = new Set<string>();
  readonly #onChange: EventListener = (e) =>
    this.#check((e as CustomEvent<AgentSnapshot>).detail ?? this.#agent.snapshot);

  constructor(agent: Agent) {
    super();
    this.#agent = agent;
    for (const call of agent.snapshot.calls) if (call.id) this.#seen.add(call.id);
    agent.addEventListener("change", this.#onChange);
  }

  /** The policy in force. */
  get policy(): IncomingPolicy {
    return this.#policy;
  }

  /**
   * Declines every call that arrives from now on with `code` and `reason`.
   *
   * @throws {AgentError} for a code outside 400–699, or headers (no baresip sends them).
   * @throws {CapabilityError} where this baresip can only send 486 Busy Here.
   */
  respond(code: number, reason?: string, headers?: Record<string, unknown>): void {
    const limit = this.#agent.dialect.immediateResponseLimit(code, headers);
    if (limit) throw new AgentError(`agent "${this.#agent.name}": ${limit}`);
    if (reason !== undefined) requireSipText("response reason", reason);
    // Asked now, so the verb fails instead of every later call.
    this.#agent.dialect.rejectParams(undefined, code, reason);
    this.#policy = { kind: "respond", code, ...(reason ? { reason } : {}) };
  }

  /** Answers every call that arrives from now on and transfers it at once to `target`. */
  deflect(target: string): void {
    requireTarget("transfer target", target);
    this.#policy = { kind: "deflect", target: this.#agent.resolveTarget(target) };
  }

  /** Lets calls ring again. */
  ring(): void {
    this.#policy = { kind: "ring" };
  }

  /** Stops watching the agent. */
  close(): void {
    this.#agent.removeEventListener("change", this.#onChange);
  }

  #check(snapshot: AgentSnapshot): void {
    for (const call of snapshot.calls) {
      if (call.direction !== "incoming" || call.state !== "ringing" || !call.id) continue;
      if (this.#seen.has(call.id)) continue;
      this.#seen.add(call.id);
      const policy = this.#policy;
      if (policy.kind === "ring") continue;
      void this.#apply(call.id, policy);
    }
  }

  async #apply(callId: string, policy: IncomingPolicy): Promise<void> {
    const agent = this.#agent;
    try {
      if (policy.kind === "respond") {
        await agent.reject(policy.code, policy.reason, callId);
      } else if (policy.kind === "deflect") {
        await agent.accept(callId);
        await agent.waitFor(
          (s) => s.calls.some((c) => c.id === callId && c.state === "established"),
          { timeoutMs: DEFLECT_ANSWER_MS, description: `call ${callId} answered for deflection` },
        );
        await agent.transfer(policy.target);
      }
      this.dispatchEvent(new CustomEvent("applied", { detail: { callId, policy } }));
    } catch (error) {
      const failure: IncomingFailure = { callId, policy, message: (error as Error).message };
      this.dispatchEvent(new CustomEvent("failure", { detail: failure }));
    }
  }
}
