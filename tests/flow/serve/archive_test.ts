import { join } from "node:path";
import { RunArchive } from "../../../flow/serve/archive.ts";
import { newRunId } from "../../../flow/serve/run_id.ts";
import { newRunRecord, type RunRecord, type RunStatus } from "../../../flow/serve/run_record.ts";
import { assertEquals } from "../../assert.ts";

async function finished(
  archive: RunArchive,
  monitor: string,
  status: RunStatus,
  at: number,
  audio = false,
): Promise<RunRecord> {
  const record = newRunRecord(newRunId(at), monitor, { kind: "schedule" });
  record.queuedAt = new Date(at).toISOString();
  await archive.create(record);
  await Deno.mkdir(join(archive.runDir(record.id), "audio"), { recursive: true });
  record.status = status;
  record.startedAt = record.queuedAt;
  record.endedAt = new Date(at + 3000).toISOString();
  record.durationMs = 3000;
  record.files.audio = audio;
  await archive.update(record);
  return record;
}

Deno.test("the archive lists runs newest first, by monitor and status, in pages", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await using archive = await RunArchive.open(dir);
    const t0 = Date.parse("2026-12-01T00:00:00Z");
    const runs = [];
    for (let i = 0; i < 7; i++) {
      runs.push(
        await finished(archive, i % 2 ? "b" : "a", i === 4 ? "failed" : "passed", t0 + i * 1000),
      );
    }
    assertEquals((await archive.list()).map((r) => r.id), runs.map((r) => r.id).reverse());
    assertEquals((await archive.list({ monitor: "a" })).length, 4);
    assertEquals((await archive.list({ status: "failed" })).map((r) => r.id), [runs[4].id]);
    const page1 = await archive.list({ limit: 3 });
    const page2 = await archive.list({ limit: 3, before: page1.at(-1)!.id });
    assertEquals(page2.map((r) => r.id), [runs[3].id, runs[2].id, runs[1].id]);
    const counters = await archive.counters();
    assertEquals(counters.get("a")?.runs, { passed: 3, failed: 1 });
    assertEquals(counters.get("b")?.durationSumSeconds, 9);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("retention keeps the newest runs by count and age, and audio of the newest only", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await using archive = await RunArchive.open(dir);
    const now = Date.parse("2026-12-10T00:00:00Z");
    const old = await finished(archive, "a", "passed", now - 5 * 86_400_000, true);
    const runs = [];
    for (let i = 0; i < 5; i++) {
      runs.push(await finished(archive, "a", "passed", now - (5 - i) * 60_000, true));
    }
    const deleted = await archive.prune("a", { keepRuns: 4, keepDays: 3, keepAudio: 2 }, now);
    assertEquals(deleted, 2, "the oldest by count, and the one past three days");
    assertEquals(await archive.get(old.id), undefined);
    assertEquals((await archive.list({ monitor: "a" })).map((r) => [r.id, r.audio]), [
      [runs[4].id, true],
      [runs[3].id, true],
      [runs[2].id, false],
      [runs[1].id, false],
    ]);
    assertEquals(await exists(archive.runDir(old.id)), false);
    assertEquals(await exists(join(archive.runDir(runs[1].id), "audio")), false);
    assertEquals(await exists(join(archive.runDir(runs[4].id), "audio")), true);
    assertEquals((await archive.counters()).get("a")?.runs.passed, 6, "counters outlive retention");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runs a crashed serve left queued or running are marked interrupted on the next open", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const running = newRunRecord(newRunId(), "a", { kind: "api", by: "ci" });
    const queued = newRunRecord(newRunId(), "a", { kind: "schedule" });
    {
      const archive = await RunArchive.open(dir);
      await archive.create(running);
      await archive.create(queued);
      running.status = "running";
      running.startedAt = new Date().toISOString();
      await archive.update(running);
      archive.close(); // as a kill -9 would leave it
    }
    await using archive = await RunArchive.open(dir);
    const recovered = await archive.recoverInterrupted();
    assertEquals(recovered.map((r) => r.id).sort(), [running.id, queued.id].sort());
    assertEquals((await archive.get(running.id))?.status, "interrupted");
    assertEquals(
      (await archive.get(running.id))?.message,
      "ringo flow serve stopped while this run was running",
    );
    assertEquals(
      (await archive.get(queued.id))?.message,
      "ringo flow serve stopped before this run started",
    );
    assertEquals(await archive.active(), []);
    assertEquals((await archive.counters()).get("a")?.runs.interrupted, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}
