/**
 * Call quality under real packet loss: the call runs inside a private
 * network namespace (`unshare --map-root-user --net`, so it needs no root
 * where unprivileged user namespaces are allowed) whose loopback drops packets, with
 * `tc netem loss 10%` where the kernel has netem, and with an nftables rule
 * that drops one in ten RTP packets where nft is installed. Each variant
 * the machine cannot do is skipped with a message, never faked.
 */
import { assertEquals } from "../assert.ts";

const FIXTURE = new URL("./fixtures/lossy_call.ts", import.meta.url).pathname;
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;

/** Runs `script` with sh in a fresh network namespace; the reason it failed, or undefined. */
function failsInNamespace(script: string): string | undefined {
  try {
    const out = new Deno.Command("unshare", {
      args: ["--map-root-user", "--net", "sh", "-c", script],
      stdout: "null",
      stderr: "piped",
    }).outputSync();
    return out.success
      ? undefined
      : new TextDecoder().decode(out.stderr).trim() || `exit ${out.code}`;
  } catch (error) {
    return (error as Error).message;
  }
}

const netemMissing = failsInNamespace(
  "ip link set lo up && tc qdisc add dev lo root netem loss 10%",
);
const nftMissing = failsInNamespace("ip link set lo up && nft add table inet ringo_probe");
if (netemMissing) {
  console.log(
    `quality_loss_test: tc netem is unavailable here (${netemMissing}); its test is skipped`,
  );
}
if (nftMissing) {
  console.log(
    `quality_loss_test: nftables is unavailable here (${nftMissing}); its test is skipped`,
  );
}

interface Measured {
  quality: { mos: number; rtt: number; jitter: number; packetLoss: number };
}

async function measure(method: "none" | "netem" | "nft"): Promise<Measured> {
  const { success, stdout, stderr } = await new Deno.Command("unshare", {
    args: [
      "--map-root-user",
      "--net",
      Deno.execPath(),
      "run",
      "-A",
      "--config",
      CONFIG,
      FIXTURE,
      method,
    ],
    stdin: "null",
  }).output();
  const text = new TextDecoder().decode(stdout);
  if (!success) {
    throw new Error(`lossy call (${method}) failed: ${new TextDecoder().decode(stderr)}${text}`);
  }
  return JSON.parse(text.trim().split("\n").at(-1)!) as Measured;
}

for (
  const [method, missing] of [["netem", netemMissing], ["nft", nftMissing]] as const
) {
  Deno.test({
    name: `10% packet loss (${method}) is reported and drops the MOS measurably`,
    ignore: missing !== undefined,
    async fn() {
      const [clean, lossy] = await Promise.all([measure("none"), measure(method)]);
      assertEquals(clean.quality.packetLoss, 0);
      assertEquals(clean.quality.mos > 4, true, `clean MOS ${clean.quality.mos}`);
      const loss = lossy.quality.packetLoss;
      assertEquals(loss >= 3 && loss <= 20, true, `packet loss ${loss}% (10% dropped)`);
      assertEquals(
        lossy.quality.mos < clean.quality.mos - 1,
        true,
        `MOS ${lossy.quality.mos} with loss vs ${clean.quality.mos} without`,
      );
    },
  });
}
