/**
 * The dashboard in a real browser (Debian's chromium, driven by
 * puppeteer-core): log in, the monitors page, a run started from it whose
 * events arrive live, the run page with its SIP ladder and audio players,
 * a failure explained, the compare view, the dark theme — and no console
 * error on the way. Screenshots go to $RINGO_ARTIFACTS/dashboard-screenshots
 * (default reports/, which git ignores and CI uploads).
 */
import { join } from "node:path";
import type { Page } from "puppeteer-core";
import { launchChromium } from "../../browser.ts";
import { hashSecret } from "../../../flow/serve/password.ts";
import { assertEquals, assertMatch } from "../../assert.ts";
import { REPO } from "../e2e.ts";
import { call, FIXTURES, startServe } from "./serve_helpers.ts";

// The callbacks given to page.evaluate() and waitForFunction() run in the page, which has a DOM.
// deno-lint-ignore no-explicit-any
declare const document: any;

Deno.test("the dashboard: login, monitors, a live run, its ladder and audio, compare", async (t) => {
  const shots = join(
    Deno.env.get("RINGO_ARTIFACTS") ?? join(REPO, "reports"),
    "dashboard-screenshots",
  );
  await Deno.mkdir(shots, { recursive: true });
  await using serve = await startServe({
    config: `[archive]
path = "\${DIR}/archive"
[[auth.user]]
name = "ops"
password_hash = "${await hashSecret("browser-pass")}"
[[auth.token]]
name = "ci"
token_env = "T_CI"
[[monitor]]
name = "slow"
description = "A call that stays up for two seconds."
path = "${FIXTURES}slow.ts"
save_audio = true
[[monitor]]
name = "either"
path = "${FIXTURES}either.ts"
env_file = "\${DIR}/mode.env"
schedule = "0 3 * * *"
timezone = "UTC"
`,
    env: { T_CI: "browser-test-token-0123" },
  });
  const modeFile = join(serve.dir, "mode.env");
  await Deno.writeTextFile(modeFile, "MODE=accept\nA_PASS=browser-secret-value\n");
  await using chromium = await launchChromium();
  const problems: string[] = [];
  try {
    const page: Page = await chromium.browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    page.on("console", (m) => {
      // The browser's own line for a 401 the test asks for (wrong password, after logout) is not the dashboard's.
      if (/^Failed to load resource: the server responded with a status of 401/.test(m.text())) {
        return;
      }
      if (m.type() === "error" || m.type() === "warn") {
        problems.push(`console ${m.type()}: ${m.text()}`);
      }
    });
    page.on("pageerror", (e) => problems.push(`page error: ${(e as Error).message}`));
    const shot = (name: string) =>
      page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    const heading = () => page.$eval("h1", (h) => h.textContent ?? "");

    await t.step("an anonymous visitor gets the login page; a wrong password says so", async () => {
      await page.goto(serve.url);
      await page.waitForSelector("form.login");
      assertEquals(await heading(), "Log in");
      await page.type("#user", "ops");
      await page.type("#password", "wrong");
      await page.click("form.login button[type=submit]");
      await page.waitForSelector(".error-box");
      assertEquals(
        await page.$eval(".error-box", (e) => e.textContent),
        "wrong user name or password",
      );
      await shot("1-login");
    });

    await t.step("after logging in, the monitors page shows each monitor", async () => {
      await page.type("#password", "browser-pass");
      await page.click("form.login button[type=submit]");
      await page.waitForSelector('article.card[data-monitor="slow"]');
      assertEquals(await heading(), "Monitors");
      assertEquals(
        await page.$$eval(
          "article.card",
          (cards) => cards.map((c) => c.getAttribute("data-monitor")),
        ),
        ["slow", "either"],
      );
      const next = await page.$eval(
        'article.card[data-monitor="either"] dl',
        (d) => d.textContent ?? "",
      );
      assertMatch(next, /Schedule0 3 \* \* \* \(UTC\)/);
      assertEquals(await page.$eval("#who", (e) => e.textContent), "ops (read, run)");
      await shot("2-monitors");
    });

    let slowId = "";
    await t.step("Run now starts a run whose events arrive while it runs", async () => {
      await page.click('button[data-run="slow"]');
      await page.waitForFunction(() => /^#\/runs\/[0-9a-z]{14}$/.test(location.hash));
      slowId = await page.evaluate(() => location.hash.split("/")[2]);
      await page.waitForSelector("#events");
      // "call is up" is logged two seconds before the run ends.
      const liveWhenSeen = await page.waitForFunction(() => {
        const items = [...document.querySelectorAll("#events li")].map((
          li: { textContent: string },
        ) => li.textContent ?? "");
        if (!items.some((text) => text.includes("call is up"))) return false;
        return document.querySelector("#live-note")?.textContent ?? "";
      }, { timeout: 30_000 });
      assertMatch(String(await liveWhenSeen.jsonValue()), /^Running/);
      assertEquals(
        await page.$$eval("#events li.new", (items) => items.length > 0),
        true,
        "live events are marked as new",
      );
      await shot("3-live-run");
      await page.waitForFunction(
        () => document.querySelector("h1 .badge")?.textContent === "passed",
        { timeout: 30_000 },
      );
    });

    await t.step("the run page has the SIP ladder and playable audio with a waveform", async () => {
      await page.waitForSelector("svg.ladder g.msg");
      const labels = await page.$$eval(
        "svg.ladder g.msg",
        (gs) => gs.map((g) => g.getAttribute("aria-label") ?? ""),
      );
      assertMatch(labels[0], /^INVITE, A to B, \+0 ms$/);
      assertEquals(labels.some((l) => l.startsWith("200 ")), true, labels.join("\n"));
      await page.click("svg.ladder g.msg");
      await page.waitForSelector("#sip-dialog[open]");
      assertMatch(
        await page.$eval("#sip-dialog-body", (e) => e.textContent ?? ""),
        /^INVITE sip:[bB]@127\.0\.0\.1:\d+ SIP\/2\.0\nVia: /,
      );
      await shot("4-sip-message");
      await page.keyboard.press("Escape");
      await page.waitForSelector("#sip-dialog:not([open])");
      assertEquals(await page.$$eval("audio", (a) => a.length), 4);
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll("audio")].every((a: { duration: number }) =>
            a.duration > 0
          ),
        { timeout: 15_000 },
      );
      await page.waitForFunction(() =>
        document.querySelector("canvas.waveform")?.getAttribute("aria-label")?.includes(" s, ")
      );
      const wave = await page.$eval("canvas.waveform", (c) => c.getAttribute("aria-label"));
      assertMatch(
        wave!,
        /^waveform of slow: A\/call1-[bB]-\w+\.wav: \d+\.\d s, (with sound|silent)$/,
      );
      assertEquals(await page.$$eval("#agents tbody tr", (rows) => rows.length), 2);
      await shot("5-run");
    });

    const token = "browser-test-token-0123";
    const start = async () =>
      (await call(serve, "/api/monitors/either/runs?wait=true", { token, method: "POST" })).json.id;
    const goodId = await start();
    await Deno.writeTextFile(modeFile, "MODE=decline\nA_PASS=browser-secret-value\n");
    const badId = await start();

    await t.step(
      "a failed run explains what was awaited, what was seen and where; secrets are masked",
      async () => {
        await page.goto(`${serve.url}/#/runs/${badId}`);
        await page.waitForSelector(".failure .explanation");
        assertMatch(
          await page.$eval(".failure .explanation", (e) => e.textContent ?? ""),
          /^At .*either\.ts line 13, the scenario waited 3s for A state to be established, but it stayed idle\.$/,
        );
        await page.waitForSelector("details summary");
        const text = await page.$eval("main", (m) => m.textContent ?? "");
        assertEquals(text.includes("browser-secret-value"), false, "the secret is not on the page");
        assertEquals(text.includes("using password ••••••"), true);
        await shot("6-failed-run");
      },
    );

    await t.step(
      "the compare view aligns two runs of a monitor and marks what differs",
      async () => {
        await page.goto(`${serve.url}/#/compare/${goodId}/${badId}`);
        await page.waitForSelector("#compare-events");
        assertEquals(await heading(), `Compare ${goodId} with ${badId}`);
        const scenarioRows = await page.$$eval(
          "#compare-scenarios tbody tr",
          (rows) => rows.map((r) => r.className),
        );
        assertEquals(scenarioRows, ["diff"], "passed in A, failed in B");
        const rows = await page.$$eval(
          "#compare-events tbody tr",
          (rs) => rs.map((r) => [r.className, r.textContent ?? ""]),
        );
        const same = rows.filter(([c]) => c === "").map(([, text]) => text);
        assertEquals(
          same.some((text) =>
            // Which of the two agents' first lines comes first varies; one of them aligns.
            /sip:[aAbB]@127\.0\.0\.1:\d+.*sip:[aAbB]@127\.0\.0\.1:\d+/.test(text)
          ),
          true,
          `the same line with other ports aligns:\n${rows.map((r) => r.join(" | ")).join("\n")}`,
        );
        assertEquals(rows.some(([c, text]) => c === "diff" && /only in B/.test(text)), true);
        const marked = await page.$$eval(
          "svg.ladder g.msg.diff",
          (gs) => gs.map((g) => g.getAttribute("aria-label") ?? ""),
        );
        assertEquals(
          marked.some((l) => /^486 /.test(l)),
          true,
          marked.join("\n"),
        );
        assertEquals(marked.some((l) => /^INVITE/.test(l)), false, "both runs sent the INVITE");
        await shot("7-compare");
      },
    );

    await t.step(
      "pages left for others close their streams (a browser has six connections per server)",
      async () => {
        for (let i = 0; i < 8; i++) {
          await page.goto("about:blank");
          await page.goto(`${serve.url}/#/`);
          await page.waitForSelector("article.card", { timeout: 20_000 });
          await page.goto("about:blank");
          await page.goto(`${serve.url}/#/runs/${slowId}`);
          await page.waitForSelector("svg.ladder", { timeout: 20_000 });
        }
      },
    );

    await t.step("the theme can be switched to dark and back", async () => {
      await page.click("#theme-toggle");
      assertEquals(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
      await shot("8-compare-dark");
      await page.click("#theme-toggle");
      assertEquals(await page.evaluate(() => document.documentElement.dataset.theme), "light");
    });

    await t.step("logging out ends the session", async () => {
      await page.goto(`${serve.url}/#/`);
      await page.waitForSelector("#logout:not([hidden])");
      await page.click("#logout");
      await page.waitForSelector("form.login");
      const after = await page.evaluate(async () => (await fetch("/api/monitors")).status);
      assertEquals(after, 401);
    });
    assertEquals(problems, [], "the dashboard logged no error");
  } finally {
    console.log(`dashboard screenshots: ${shots}`);
  }
});
