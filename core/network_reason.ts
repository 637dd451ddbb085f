/**
 * baresip's reasons for a failed registration or call, where they hide a
 * network cause: libre reports a host DNS cannot resolve as
 * "Destination address required" (EDESTADDRREQ: it found no address to
 * send to), which reads like a bug rather than a typo in a domain. This
 * names it.
 *
 * @module
 */

/**
 * `reason` with its network cause named for `target` (a SIP URI or a
 * host), or `reason` unchanged.
 *
 * @example
 * ```ts
 * explainNetworkReason("Destination address required", "sip:bob@nonexistent.invalid");
 * // 'cannot resolve nonexistent.invalid (no DNS address for it; baresip: "Destination address required")'
 * explainNetworkReason("486 Busy Here", "sip:bob@pbx"); // "486 Busy Here"
 * ```
 */
export function explainNetworkReason(reason: string, target: string | undefined): string {
  // 4.x adds the errno: "Destination address required [89]".
  if (!/^Destination address required(?: \[\d+\])?$/i.test(reason.trim())) return reason;
  const host = target ? hostOf(target) : undefined;
  return `cannot resolve ${
    host ?? "the host"
  } (no DNS address for it; baresip: "${reason.trim()}")`;
}

/** The host of a SIP URI (`sip:bob@pbx.example.com:5060;transport=tcp` → `pbx.example.com`), or of `host:port`. */
export function hostOf(target: string): string | undefined {
  const rest = target.replace(/^<|>$/g, "").replace(/^(sips?|tel):/i, "");
  const hostPort =
    (rest.includes("@") ? rest.slice(rest.lastIndexOf("@") + 1) : rest).split(/[;?>]/)[0];
  if (hostPort.startsWith("[")) return hostPort.slice(0, hostPort.indexOf("]") + 1) || undefined;
  return hostPort.replace(/:\d+$/, "") || undefined;
}
