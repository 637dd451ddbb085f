/**
 * Debian's Chromium, headless, driven by puppeteer-core: the flags the
 * machine needs (no sandbox as root, no network of its own) and a fresh
 * profile that goes away with the browser. For tests and benchmarks of web
 * pages.
 *
 * @module
 */
import puppeteer, { type Browser } from "puppeteer-core";

/** Where Debian installs Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** A running browser; `await using` closes it and removes its profile. */
export interface HeadlessChromium extends AsyncDisposable {
  browser: Browser;
}

/**
 * Starts Chromium.
 *
 * @example
 * ```ts
 * await using chromium = await launchChromium();
 * const page = await chromium.browser.newPage();
 * ```
 */
export async function launchChromium(): Promise<HeadlessChromium> {
  const profile = await Deno.makeTempDir({ prefix: "ringo-chromium-" });
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--headless",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${profile}`,
      ],
    });
  } catch (error) {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
    throw new Error(
      `cannot start ${CHROMIUM} (apt-get install chromium): ${(error as Error).message}`,
    );
  }
  return {
    browser,
    async [Symbol.asyncDispose]() {
      await browser.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}
