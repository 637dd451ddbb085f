/**
 * A harness for unit tests of views: the real App and renderer writing into
 * a string, a fixed size, and helpers to press keys and read the screen.
 *
 * @module
 */
import { App, type View } from "../../tui/app.ts";
import { type Key, KeyDecoder } from "../../tui/term/keys.ts";

/** An App drawing into memory. */
export interface Harness {
  app: App;
  /** Presses keys given as terminal input (`"\r"`, `"\x1b[A"`, `"abc"`), one key at a time. */
  press(input: string): Promise<void>;
  /** The screen as text (trailing spaces trimmed). */
  text(): Promise<string>;
  /** Bytes written so far. */
  written(): string;
}

/** Starts an App of `columns`×`rows` with `view` on it. */
export function harness(view: View, columns = 100, rows = 30): Harness {
  let out = "";
  const app = new App({
    write: (text) => (out += text),
    size: () => ({ columns, rows }),
    suspend: (run) => run(),
  }, { colorMode: "256" });
  app.push(view);
  const decoder = new KeyDecoder();
  const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
  return {
    app,
    async press(input) {
      const keys: Key[] = decoder.feed(new TextEncoder().encode(input));
      if (decoder.waitingForEscape) keys.push(...decoder.flush());
      for (const key of keys) await app.handleKey(key);
      await settle();
    },
    async text() {
      await settle();
      app.renderNow();
      return app.screen.toText();
    },
    written: () => out,
  };
}
