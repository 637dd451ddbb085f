import { MASK, SecretMasker } from "../../../flow/serve/masking.ts";
import { assertEquals } from "../../assert.ts";

Deno.test("secret-looking env values are masked, also inside JSON strings; others are kept", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const envFile = `${dir}/pbx.env`;
    await Deno.writeTextFile(
      envFile,
      'A_USER=alice\nA_PASS=alice-secret\nAPI_KEY=k"ey-123\nSIP_DOMAIN=127.0.0.1\n',
    );
    const masker = await SecretMasker.forRun([envFile, `${dir}/missing.env`], {
      RINGO_TOKEN: "tok-0001",
      PWD: "/home/ops",
    });
    const line = JSON.stringify({
      message: 'alice:alice-secret@127.0.0.1 k"ey-123 tok-0001 /home/ops',
    });
    assertEquals(
      JSON.parse(masker.mask(line)).message,
      `alice:${MASK}@127.0.0.1 ${MASK} ${MASK} /home/ops`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
