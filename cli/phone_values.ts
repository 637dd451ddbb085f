/**
 * Value parsers of the phone's command line whose shell completions are
 * read from disk when the user presses Tab: profile names from the
 * profiles folder, running sessions (names and PIDs) from the registry.
 *
 * @module
 */
import { message } from "@optique/core/message";
import type { ValueParser, ValueParserResult } from "@optique/core/valueparser";
import { readEntries } from "../phone/control/registry.ts";
import { phonePaths } from "../phone/paths.ts";
import { ProfileStore } from "../phone/profile_store.ts";

type Suggestion = { kind: "literal"; text: string; description?: ReturnType<typeof message> };

/**
 * A profile name; Tab completes the existing profiles.
 *
 * @example
 * ```ts
 * argument(profileName(), { description: message`The profile to start.` });
 * ```
 */
export function profileName(metavar = "PROFILE"): ValueParser<"sync", string> {
  return textValue(metavar, function* (prefix) {
    for (const name of safely(() => new ProfileStore(phonePaths()).names())) {
      if (name.startsWith(prefix)) yield { kind: "literal", text: name };
    }
  });
}

/** A session: a profile name or a PID; Tab completes the running sessions' names and PIDs. */
export function sessionTarget(): ValueParser<"sync", string> {
  return textValue("TARGET", function* (prefix) {
    const seen = new Set<string>();
    for (const entry of safely(() => readEntries(phonePaths().sessionsDir))) {
      for (const text of [entry.profile, String(entry.pid)]) {
        if (seen.has(text) || !text.startsWith(prefix)) continue;
        seen.add(text);
        yield {
          kind: "literal",
          text,
          description: message`${entry.profile} (pid ${String(entry.pid)})`,
        };
      }
    }
  });
}

/** Any text, with the given completions. */
export function textValue(
  metavar: string,
  suggest?: (prefix: string) => Iterable<Suggestion>,
): ValueParser<"sync", string> {
  return {
    mode: "sync",
    metavar: metavar as ValueParser<"sync", string>["metavar"],
    parse(input: string): ValueParserResult<string> {
      return { success: true, value: input };
    },
    format: (value) => value,
    placeholder: "",
    ...(suggest ? { suggest } : {}),
  };
}

/** Completion must never fail: a missing HOME or an unreadable folder gives no words. */
function safely<T>(read: () => T[]): T[] {
  try {
    return read();
  } catch {
    return [];
  }
}
