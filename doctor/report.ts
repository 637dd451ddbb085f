/**
 * The shape of `ringo doctor`'s findings and their rendering for a
 * terminal: one line per check, details below it, and what to fix last.
 *
 * @module
 */
import type { Platform } from "../core/mod.ts";

/**
 * How a check came out: `ok`; `warn` (works, with limits); `fail` (ringo
 * cannot do its job until it is fixed); `absent` (an optional tool that is
 * not installed).
 */
export type CheckStatus = "ok" | "warn" | "fail" | "absent";

/** One finding. */
export interface Check {
  /** Short name: `baresip`, `modules`, `kamailio`, … */
  name: string;
  status: CheckStatus;
  /** One line: what was found. */
  summary: string;
  /** Further lines (the feature table, paths, devices). */
  details?: string[];
  /** What to do about it, one sentence, when it is not ok. */
  fix?: string;
}

/** Everything `ringo doctor` found. */
export interface DoctorReport {
  /** ringo's version. */
  ringo: string;
  /** `deno 2.9.6 (linux x86_64)`. */
  runtime: string;
  /** How this ringo is installed: a checkout, a URL, a compiled binary, files (the image). */
  installation: string;
  platform: Platform;
  checks: Check[];
}

const MARKS: Record<CheckStatus, { mark: string; color: string }> = {
  ok: { mark: "✓", color: "\x1b[32m" },
  warn: { mark: "!", color: "\x1b[33m" },
  fail: { mark: "✗", color: "\x1b[31m" },
  absent: { mark: "–", color: "\x1b[2m" },
};

/**
 * 0 when nothing failed, 1 otherwise (warnings and absent optional tools
 * do not fail).
 *
 * @example
 * ```ts
 * doctorExitCode({ checks: [{ name: "baresip", status: "warn", summary: "1.0.0" }] } as DoctorReport); // 0
 * ```
 */
export function doctorExitCode(report: DoctorReport): number {
  return report.checks.some((c) => c.status === "fail") ? 1 : 0;
}

/**
 * The report as text for a terminal, with ANSI colors when `color`.
 *
 * @example
 * ```ts
 * console.log(formatReport(await runDoctor({ version: "0.1.0" }), { color: false }));
 * ```
 */
export function formatReport(report: DoctorReport, options: { color?: boolean } = {}): string {
  const paint = (status: CheckStatus, text: string) =>
    options.color ? `${MARKS[status].color}${text}\x1b[0m` : text;
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines = [
    `ringo ${report.ringo}, ${report.runtime}, ${report.installation}`,
    "",
  ];
  for (const check of report.checks) {
    const mark = paint(check.status, MARKS[check.status].mark);
    lines.push(`${mark} ${check.name.padEnd(width)}  ${check.summary}`);
    for (const detail of check.details ?? []) lines.push(`  ${" ".repeat(width)}  ${detail}`);
  }
  const fixes = report.checks.filter((c) => c.fix && c.status !== "ok");
  if (fixes.length > 0) {
    lines.push("", "to fix:");
    for (const check of fixes) lines.push(`  ${check.name}: ${check.fix}`);
  }
  const failed = report.checks.filter((c) => c.status === "fail").length;
  const warned = report.checks.filter((c) => c.status === "warn").length;
  lines.push(
    "",
    failed > 0
      ? `${failed} problem${failed > 1 ? "s" : ""} to fix`
      : warned > 0
      ? `ringo can run here, with ${warned} warning${warned > 1 ? "s" : ""}`
      : "ringo can run here",
  );
  return lines.join("\n");
}
