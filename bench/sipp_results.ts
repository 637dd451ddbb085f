/**
 * SIPp's results as figures: its statistics file (`-trace_stat`, a `;`
 * separated table whose last row holds the cumulative counters, timeouts
 * among them) and its error file (`-trace_err`, one entry per call aborted
 * by a message it did not expect, quoting that message). Pure, tested as a unit
 * (tests/bench/sipp_results_test.ts).
 *
 * @module
 */

/** What SIPp counted for one run. */
export interface SippCounts {
  /** Calls whose scenario ran to its end. */
  successful: number;
  /** Calls that failed, for any reason. */
  failed: number;
  /** Failed calls by a cause SIPp counts itself (`recv timeout`, `no answer to retransmissions`). */
  causes: Record<string, number>;
}

/** SIPp's statistics columns of failures that its error file does not name by a status code. */
const COUNTED_CAUSES: Record<string, string> = {
  "FailedTimeoutOnRecv(C)": "recv timeout",
  "FailedMaxUDPRetrans(C)": "no answer to retransmissions",
  "FailedTimeoutOnSend(C)": "send timeout",
  "FailedCannotSendMessage(C)": "cannot send",
};

/**
 * The cumulative call counters of a SIPp statistics file: its header row
 * names the columns, its last row holds the run's totals.
 *
 * @example
 * ```ts
 * parseSippStats("SuccessfulCall(C);FailedCall(C);FailedTimeoutOnRecv(C);\n98;2;1;\n");
 * // { successful: 98, failed: 2, causes: { "recv timeout": 1 } }
 * ```
 * @throws {Error} when the file has no data row or lacks the call counters.
 */
export function parseSippStats(text: string): SippCounts {
  const rows = text.split("\n").filter((l) => l.trim() !== "");
  const header = rows[0]?.split(";") ?? [];
  const last = rows.length > 1 ? rows[rows.length - 1].split(";") : [];
  const column = (name: string) => {
    const i = header.indexOf(name);
    const value = Number(last[i]);
    return i < 0 || last[i] === "" || !Number.isFinite(value) ? undefined : value;
  };
  const successful = column("SuccessfulCall(C)");
  const failed = column("FailedCall(C)");
  if (successful === undefined || failed === undefined) {
    throw new Error(`SIPp's statistics file has no call counters (header: ${rows[0] ?? "none"})`);
  }
  const causes: Record<string, number> = {};
  for (const [name, cause] of Object.entries(COUNTED_CAUSES)) {
    const n = column(name);
    if (n) causes[cause] = n;
  }
  return { successful, failed, causes };
}

/**
 * How often each unexpected message aborted a call in a SIPp error file:
 * by status code for a response (`"486"`), by method for a request
 * (`"BYE"`). Timeouts are counted in the statistics file instead.
 *
 * @example
 * ```ts
 * parseSippErrors("…: Aborting call on unexpected message for Call-Id '1-1@127.0.0.1': while expecting '200' (index 7), received 'SIP/2.0 486 Max Calls\n…");
 * // { "486": 1 }
 * ```
 */
export function parseSippErrors(text: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of text.split("\n")) {
    if (!/Aborting call on unexpected message/.test(line)) continue;
    const received = /received '(?:SIP\/2\.0 (\d{3})|([A-Z]+) )/.exec(line);
    const key = received?.[1] ?? received?.[2] ?? "unreadable message";
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/**
 * A failure count map as a short text, most frequent first: `486×12, 408×3`;
 * `none` when empty.
 */
export function formatFailures(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return entries.length ? entries.map(([code, n]) => `${code}×${n}`).join(", ") : "none";
}
