/** Choosing a session's sound system. */
import { join } from "node:path";
import { chooseAudio } from "../../phone/audio_devices.ts";
import { assertEquals, assertMatch } from "../assert.ts";

async function withModules(names: string[], fn: (dir: string) => void | Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    for (const n of names) await Deno.writeFile(join(dir, `${n}.so`), new Uint8Array());
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a headless session always gets the virtual audio", async () => {
  await withModules(["pulse"], (dir) => {
    assertEquals(
      chooseAudio({ headless: true, baresip: { audio_driver: "pulse" }, modulePath: dir }).audio,
      undefined,
    );
  });
});

Deno.test("audio_driver in ringo.toml wins, with its devices; a driver baresip lacks falls back with a reason", async () => {
  await withModules(["pulse"], (dir) => {
    const pulse = chooseAudio({
      headless: false,
      baresip: { audio_driver: "pulse", audio_player_device: "sink1", audio_source_device: "src1" },
      modulePath: dir,
      env: {},
    });
    assertEquals(pulse.audio, {
      driver: "pulse",
      player: "sink1",
      source: "src1",
      alert: undefined,
    });
    const alsa = chooseAudio({
      headless: false,
      baresip: { audio_driver: "alsa" },
      modulePath: dir,
      env: {},
    });
    assertEquals(alsa.audio, undefined);
    assertMatch(alsa.description, /no alsa module/);
  });
});

Deno.test("detection prefers pipewire, then pulse, when their server and module are there", async () => {
  await withModules(["pipewire", "pulse"], async (dir) => {
    const runtime = await Deno.makeTempDir();
    try {
      await Deno.mkdir(join(runtime, "pulse"));
      await Deno.writeFile(join(runtime, "pulse", "native"), new Uint8Array());
      const env = { XDG_RUNTIME_DIR: runtime };
      assertEquals(
        chooseAudio({ headless: false, baresip: {}, modulePath: dir, env, os: "linux" }).audio
          ?.driver,
        "pulse",
      );
      await Deno.writeFile(join(runtime, "pipewire-0"), new Uint8Array());
      assertEquals(
        chooseAudio({ headless: false, baresip: {}, modulePath: dir, env, os: "linux" }).audio
          ?.driver,
        "pipewire",
      );
    } finally {
      await Deno.remove(runtime, { recursive: true });
    }
  });
});
