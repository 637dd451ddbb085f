/**
 * Nothing left behind: a ringo killed with SIGKILL in the middle of a PBX
 * run leaves no password on disk (baresip gets it over ctrl_tcp only), and
 * the next run removes the agent folders of dead runs. `RINGO_KILLS=30`
 * repeats the kill 30 times (the default keeps the suite short).
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { join } from "node:path";
import { startPbx, TEST_USERS } from "../pbx/pbx.ts";
import { command, isAlive, ringoFlow, scenarioDir } from "../flow/e2e.ts";
import { listTree } from "./helpers.ts";

const PBX_CALL = `import { agent, env, expect, State, until, wait } from "@ringo/flow";
const account = (user: string) => ({ username: user, domain: env("SIP_DOMAIN"), password: env(user.toUpperCase() + "_PASS") });
const a = await agent("A", account("alice"));
const b = await agent("B", account("bob"));
await a.dial("bob");
await until(() => expect(b.state).toBe(State.Ringing));
await b.accept();
await until(() => expect(a.state).toBe(State.Established));
await wait("5s");
`;

const KILLS = Number(Deno.env.get("RINGO_KILLS") ?? "3");

Deno.test(`after ${KILLS} SIGKILLs of a PBX run no password is on disk, and the next run cleans up`, async () => {
  await using dir = await scenarioDir({ "call.ts": PBX_CALL });
  // A killed agent leaves its binding at the registrar, which takes 10 per
  // user: a fresh PBX every 8 kills.
  let pbx: Awaited<ReturnType<typeof startPbx>> | undefined;
  const freshPbx = async () => {
    await pbx?.stop();
    pbx = await startPbx();
    await Deno.writeTextFile(
      join(dir.path, "call.env"),
      [
        `SIP_DOMAIN=${pbx.domain}:${pbx.port}`,
        `ALICE_PASS=${TEST_USERS.alice}`,
        `BOB_PASS=${TEST_USERS.bob}`,
      ].join("\n"),
    );
  };
  await using tmp = await scenarioDir({});
  const env = { TMPDIR: tmp.path };
  const passwords = [TEST_USERS.alice, TEST_USERS.bob];
  let leftFolders = 0;
  for (let i = 0; i < KILLS; i++) {
    if (i % 8 === 0) await freshPbx();
    const child = command(["run", dir.path, "--no-typecheck"], { env }).spawn();
    // Killed at a different moment each time: listing, agents starting, registering, in the call.
    await new Promise((r) => setTimeout(r, 400 + ((i * 617) % 3600)));
    try {
      child.kill("SIGKILL");
    } catch {
      // it ended on its own
    }
    const [status, stderr] = await Promise.all([
      child.status,
      new Response(child.stderr).text(),
      child.stdout.cancel(),
    ]);
    if (status.signal !== "SIGKILL") {
      console.log(`run ${i + 1} ended by itself (${status.code}): ${stderr}`);
    }
    leftFolders = [...Deno.readDirSync(tmp.path)].filter((e) =>
      e.name.startsWith("ringo-run-")
    ).length;
    const found = filesContaining(tmp.path, passwords);
    assertEquals(found, [], `kill ${i + 1}: a password is on disk in ${found.join(", ")}`);
  }
  console.log(`${KILLS} kills: ${leftFolders} run folder(s) left before the next run`);
  // baresip dies with ringo (pdeathsig): none of these runs' agents is left.
  await waitUntilNoBaresipUses(tmp.path);
  await freshPbx();
  const clean = await ringoFlow(["run", dir.path, "--no-typecheck"], { env });
  assertEquals(clean.code, 0, clean.stdout + clean.stderr);
  assertEquals(listTree(tmp.path).filter((p) => p.startsWith("ringo-run-")), []);
  await pbx?.stop();
});

/** Paths of files below `dir` whose bytes contain one of `secrets`. */
function filesContaining(dir: string, secrets: string[]): string[] {
  return listTree(dir).filter((rel) => {
    const path = join(dir, rel);
    try {
      if (!Deno.statSync(path).isFile) return false;
      const text = new TextDecoder().decode(Deno.readFileSync(path));
      return secrets.some((s) => text.includes(s));
    } catch {
      return false; // removed meanwhile
    }
  });
}

/** Waits until no baresip process has its config folder below `dir`. */
async function waitUntilNoBaresipUses(dir: string): Promise<void> {
  for (let tries = 0; tries < 50; tries++) {
    const users = [...Deno.readDirSync("/proc")].filter((e) => /^\d+$/.test(e.name)).filter((e) => {
      try {
        return Deno.readTextFileSync(`/proc/${e.name}/cmdline`).includes(dir) &&
          isAlive(Number(e.name));
      } catch {
        return false;
      }
    });
    if (users.length === 0) return;
    // Processes ending have no event to wait on from here: a short, bounded re-check.
    await new Promise((r) => setTimeout(r, 100));
  }
  ok(false, `baresip processes of killed runs still use ${dir}`);
}
