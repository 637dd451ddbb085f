/**
 * The real-device audio path: a session that is not headless uses the
 * sound server (`[baresip] audio_driver = "pulse"`). The test runs its own
 * PulseAudio with two null sinks: the session's microphone is the monitor
 * of `ringo_in`, its speaker is `ringo_out`. A tone played into `ringo_in`
 * is heard by the far side; the far side's tone is recorded from
 * `ringo_out`'s monitor.
 *
 * Needs Debian's `pulseaudio` and `pulseaudio-utils`, and a baresip with
 * its `pulse` module (the pinned 4.10.0 build has it; Debian's 1.0.0 does not).
 */
import { join } from "node:path";
import { detectBaresip } from "../../core/baresip.ts";
import { mixToMono } from "../../core/audio/resample.ts";
import { summarizeAudio } from "../../core/audio/spectrum.ts";
import { decodeWav, encodeWav } from "../../core/audio/wav.ts";
import { readUntil } from "../flow/e2e.ts";
import { startPbx } from "../pbx/pbx.ts";
import { assertEquals } from "../assert.ts";
import { addProfiles, ctl, phoneHome, ringoCommand, RunningSession } from "./e2e.ts";

const onPath = (name: string) =>
  new Deno.Command("sh", { args: ["-c", `command -v ${name}`], stdout: "null", stderr: "null" })
    .outputSync().success;
const install = await detectBaresip().catch(() => undefined);
const hasPulseModule = install !== undefined && install.modules.has("pulse");
const missing = [
  ...["pulseaudio", "paplay", "parec"].filter((n) => !onPath(n)),
  ...(hasPulseModule ? [] : ["baresip's pulse module"]),
];

/** A private PulseAudio with the null sinks `ringo_in` and `ringo_out`. */
async function startPulse(dir: string): Promise<{ server: string; stop(): Promise<void> }> {
  const socket = join(dir, "native");
  await Deno.writeTextFile(
    join(dir, "default.pa"),
    [
      `load-module module-native-protocol-unix socket=${socket} auth-anonymous=1`,
      "load-module module-null-sink sink_name=ringo_out",
      "load-module module-null-sink sink_name=ringo_in",
    ].join("\n") + "\n",
  );
  const child = new Deno.Command("pulseaudio", {
    args: [
      "-n",
      "-F",
      join(dir, "default.pa"),
      "--daemonize=no",
      "--exit-idle-time=-1",
      "--use-pid-file=no",
    ],
    env: {
      HOME: dir,
      XDG_RUNTIME_DIR: dir,
      PULSE_RUNTIME_PATH: dir,
      PATH: Deno.env.get("PATH") ?? "",
    },
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const server = `unix:${socket}`;
  // The server is ready once pactl gets an answer from it (no event to wait on from outside).
  for (let i = 0; i < 100; i++) {
    const ok = await new Deno.Command("pactl", {
      args: ["info"],
      env: { PULSE_SERVER: server },
      stdout: "null",
      stderr: "null",
    })
      .output().then((o) => o.success, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    server,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch {
        // gone
      }
      await child.status;
    },
  };
}

async function strongestHz(path: string): Promise<number> {
  const audio = decodeWav(await Deno.readFile(path));
  return summarizeAudio(mixToMono(audio.channels), audio.sampleRate).peaks[0]?.hz ?? 0;
}

Deno.test({
  name: "a session on real devices sends its microphone and plays the far side on its speaker",
  ignore: missing.length > 0,
  async fn() {
    await using pbx = await startPbx();
    await using home = await phoneHome();
    const pulse = await startPulse(home.dir);
    try {
      home.env.PULSE_SERVER = pulse.server;
      await Deno.mkdir(home.paths.configDir, { recursive: true });
      await Deno.writeTextFile(
        join(home.paths.configDir, "ringo.toml"),
        '[baresip]\naudio_driver = "pulse"\naudio_player_device = "ringo_out"\naudio_source_device = "ringo_in.monitor"\n',
      );
      await addProfiles(home, pbx.port, { alice: [], bob: [] });
      // Not headless: the session takes the sound server.
      await using alice = await RunningSession.start(home, "alice", ["--no-notify"]);
      assertEquals(
        /pulse audio \(audio_driver in ringo\.toml\)/.test(alice.started),
        true,
        alice.started,
      );

      const farRecording = join(home.dir, "bob-heard.wav");
      const far = ringoCommand(home, [
        "phone",
        "answer",
        "--profile",
        "bob",
        "--tone",
        "700",
        "--record",
        farRecording,
        "--hangup-after",
        "6s",
      ]).spawn();
      void far.stdout.cancel();
      const { rest } = await readUntil(far.stderr, (line) => line.includes("waiting for calls"));
      await ctl(home, "alice", "dial", "bob");
      await ctl(home, "alice", "wait", "established", "--timeout", "15s");

      const mic = join(home.dir, "mic.wav");
      const tone = Float32Array.from(
        { length: 48_000 * 6 },
        (_, i) => 0.5 * Math.sin(2 * Math.PI * 1000 * i / 48_000),
      );
      await Deno.writeFile(mic, encodeWav({ sampleRate: 48_000, channels: [tone] }));
      const speaker = join(home.dir, "speaker.wav");
      const env = { PULSE_SERVER: pulse.server, PATH: home.env.PATH };
      const play = new Deno.Command("paplay", {
        args: ["--device=ringo_in", mic],
        env,
        stdout: "null",
        stderr: "null",
      }).spawn();
      const record = new Deno.Command("parec", {
        args: ["--device=ringo_out.monitor", "--file-format=wav", speaker],
        env,
        stdout: "null",
        stderr: "null",
      }).spawn();
      assertEquals((await far.status).code, 0, await rest);
      record.kill("SIGINT");
      await record.status;
      await play.status;
      await ctl(home, "alice", "wait", "idle");

      assertEquals(
        Math.abs(await strongestHz(farRecording) - 1000) < 20,
        true,
        "the far side heard the microphone",
      );
      assertEquals(
        Math.abs(await strongestHz(speaker) - 700) < 20,
        true,
        "the speaker played the far side",
      );
    } finally {
      await pulse.stop();
    }
  },
});
