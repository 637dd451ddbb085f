/**
 * Keeps secrets out of the archive and the dashboard: values of
 * secret-looking variables (names with `PASS`, `SECRET`, `TOKEN`, `AUTH`,
 * `CREDENTIAL`, `PRIVATE` or a `KEY` part, such as `A_PASS`, `API_KEY`)
 * from a monitor's env files and from the environment are replaced by
 * `••••••` in every line a run writes.
 *
 * @module
 */
import { parse } from "dotenv";

/** Variable names whose values are treated as secrets. */
export const SECRET_NAME = /PASS|SECRET|TOKEN|AUTH|CREDENTIAL|PRIVATE|(?:^|_)KEY(?:_|$)|APIKEY/i;
/** What a masked value becomes. */
export const MASK = "••••••";
/** Values shorter than this are left alone (masking "1" would garble every line). */
const MIN_SECRET_LENGTH = 4;

/**
 * Masks known secret values in text, also in their JSON-escaped form (the
 * lines are NDJSON).
 *
 * @example
 * ```ts
 * const masker = new SecretMasker(["alice-secret"]);
 * masker.mask('{"message":"password alice-secret"}'); // '{"message":"password ••••••"}'
 * ```
 */
export class SecretMasker {
  readonly #needles: string[];

  constructor(secrets: Iterable<string>) {
    const forms = new Set<string>();
    for (const secret of secrets) {
      if (secret.length < MIN_SECRET_LENGTH) continue;
      forms.add(secret);
      forms.add(JSON.stringify(secret).slice(1, -1));
    }
    // Longest first, so a secret that contains another is masked whole.
    this.#needles = [...forms].sort((a, b) => b.length - a.length);
  }

  /** `text` with every secret replaced by {@link MASK}. */
  mask(text: string): string {
    let out = text;
    for (const needle of this.#needles) {
      if (out.includes(needle)) out = out.replaceAll(needle, MASK);
    }
    return out;
  }

  /**
   * A masker for the secret-looking values of `envFiles` (missing files are
   * skipped: the run reports them) and of `env`.
   */
  static async forRun(
    envFiles: readonly string[],
    env: Readonly<Record<string, string>>,
  ): Promise<SecretMasker> {
    const values: string[] = secretValues(env);
    for (const file of envFiles) {
      try {
        values.push(...secretValues(parse(await Deno.readTextFile(file))));
      } catch {
        // unreadable: `ringo flow run` says so in the run's own report
      }
    }
    return new SecretMasker(values);
  }
}

function secretValues(vars: Readonly<Record<string, string>>): string[] {
  return Object.entries(vars).filter(([name]) => SECRET_NAME.test(name)).map(([, value]) => value);
}
