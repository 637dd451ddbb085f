/**
 * tshark for the pcap tests: SIP fields of a capture, with every port in it
 * decoded as SIP. Agents listen on random ports, and tshark gives some
 * ports to other protocols first (port 23272 is A21's), where its SIP
 * heuristics then never look.
 *
 * @module
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";

/** Runs tshark on `path` and returns its output lines; fails the test when tshark fails. */
async function run(args: string[]): Promise<string[]> {
  const output = await new Deno.Command("tshark", {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(output.code, 0, new TextDecoder().decode(output.stderr));
  return new TextDecoder().decode(output.stdout).trimEnd().split("\n");
}

/**
 * The `fields` of each SIP message in the capture at `path`, one line per
 * message, tab-separated (as `tshark -T fields`).
 *
 * @example
 * ```ts
 * await sipFields("call.pcap", ["sip.Method", "sip.Status-Code"]); // ["INVITE\t", "\t180", …]
 * ```
 */
export async function sipFields(path: string, fields: string[]): Promise<string[]> {
  const ports = new Set<string>();
  const portLines = await run([
    "-r",
    path,
    "-T",
    "fields",
    "-e",
    "udp.srcport",
    "-e",
    "udp.dstport",
    "-e",
    "tcp.srcport",
    "-e",
    "tcp.dstport",
  ]);
  for (const line of portLines) {
    for (const port of line.split(/\s+/)) if (/^\d+$/.test(port)) ports.add(port);
  }
  const decodeAs = [...ports].flatMap((
    p,
  ) => ["-d", `udp.port==${p},sip`, "-d", `tcp.port==${p},sip`]);
  return await run([
    "-r",
    path,
    ...decodeAs,
    "-Y",
    "sip",
    "-T",
    "fields",
    ...fields.flatMap((f) => ["-e", f]),
  ]);
}
