/**
 * Every message a scenario Worker can send, as zod schemas the host checks
 * before it acts on one. The Worker runs code ringo did not write, so
 * nothing it sends is trusted: a message that does not match is refused
 * (and fails the file), and a message can only ask for what the scenario
 * API offers — its own timers, limits and paths are never the Worker's to
 * set (see host.ts).
 *
 * @module
 */
import { z } from "zod";
import type { HostMethod, WorkerMessage } from "../protocol.ts";

/** Longest text the host takes in one field (a log line, an assertion message). */
const MAX_TEXT = 1_000_000;
const text = z.string().max(MAX_TEXT);
const id = z.string().min(1).max(200);

const location = z.object({
  file: text,
  line: z.number().int().nonnegative(),
  column: z.number().int().nonnegative().optional(),
}).strict();

const failure = z.object({
  message: text,
  stack: text.optional(),
  location: location.optional(),
}).strict();

const declaredScenario = z.object({
  name: text,
  tags: z.array(text).max(1000),
  skip: z.union([z.boolean(), text]).optional(),
  only: z.boolean().optional(),
  timeoutMs: z.number().positive().finite().optional(),
  concurrent: z.boolean().optional(),
}).strict();

const headerPairs = z.array(z.tuple([text, text])).max(10_000);
const owner = z.string().min(1).max(200);
const handle = z.number().int().positive();

const mockResponse = z.object({
  status: z.number().int(),
  headers: headerPairs,
  body: text,
  delayMs: z.number().nonnegative().finite().optional(),
}).strict();

const route = z.object({
  method: z.string().max(32),
  path: z.union([
    z.object({ exact: text }).strict(),
    z.object({ regex: text, flags: z.string().max(16) }).strict(),
  ]),
  action: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("static"), response: mockResponse }).strict(),
    z.object({ kind: z.literal("responder"), id: handle }).strict(),
    z.object({ kind: z.literal("websocket"), id: handle }).strict(),
  ]),
}).strict();

const closeCode = z.number().int().optional();
const closeReason = z.string().max(1000).optional();

/**
 * The params of each host method, as a tuple. A method missing here does
 * not exist for scenarios.
 */
export const CALL_PARAMS: Record<HostMethod, z.ZodType<unknown[]>> = {
  "agent.start": z.tuple([
    z.string().min(1).max(200),
    z.record(z.string(), z.unknown()).nullable(),
  ]),
  "agent.verb": z.tuple([handle, z.string().min(1).max(64), z.array(z.unknown()).max(16)]),
  "env.load": z.tuple([z.string().min(1).max(4096)]),
  "net.http": z.tuple([
    z.object({
      method: z.string().min(1).max(32),
      url: z.string().min(1).max(100_000),
      headers: headerPairs,
      body: text.optional(),
      timeoutMs: z.number().positive().finite(),
    }).strict(),
  ]),
  "net.mock.start": z.tuple([
    z.object({
      owner,
      port: z.number().int().min(0).max(65535).optional(),
      responderTimeoutMs: z.number().positive().finite().optional(),
    }).strict(),
  ]),
  "net.mock.route": z.tuple([handle, route]),
  "net.mock.reply": z.tuple([
    handle,
    z.number().int().nonnegative(),
    z.union([z.object({ response: mockResponse }).strict(), z.object({ error: text }).strict()]),
  ]),
  "net.mock.stop": z.tuple([handle]),
  "net.mock.ws.send": z.tuple([handle, z.number().int().nonnegative(), text]),
  "net.mock.ws.close": z.tuple([handle, z.number().int().nonnegative(), closeCode, closeReason]),
  "net.ws.open": z.tuple([
    z.object({
      owner,
      url: z.string().min(1).max(100_000),
      headers: headerPairs,
      protocols: z.array(z.string().max(200)).max(100).optional(),
      timeoutMs: z.number().positive().finite(),
    }).strict(),
  ]),
  "net.ws.send": z.tuple([handle, text]),
  "net.ws.close": z.tuple([handle, closeCode, closeReason]),
};

const METHODS = Object.keys(CALL_PARAMS) as [HostMethod, ...HostMethod[]];

/** zod schema of {@link WorkerMessage}: what the host accepts from a Worker. */
export const workerMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("listed"), plain: z.boolean(), scenarios: z.array(declaredScenario) })
    .strict(),
  z.object({ type: z.literal("ready"), scenarios: z.array(declaredScenario) }).strict(),
  z.object({ type: z.literal("load-error"), failure }).strict(),
  z.object({
    type: z.literal("done"),
    id,
    status: z.enum(["passed", "failed", "skipped"]),
    failure: failure.optional(),
    reason: text.optional(),
  }).strict(),
  z.object({
    type: z.literal("call"),
    callId: z.number().int().positive(),
    scenarioId: z.string().max(200),
    method: z.enum(METHODS),
    params: z.array(z.unknown()).max(16),
  }).strict(),
  z.object({ type: z.literal("teardown"), id }).strict(),
  z.object({ type: z.literal("env"), name: z.string().min(1).max(1000) }).strict(),
  z.object({
    type: z.literal("assertion"),
    scenarioId: id,
    passed: z.boolean(),
    message: text,
    label: text.optional(),
  }).strict(),
  z.object({
    type: z.literal("log"),
    scenarioId: id,
    message: text,
    level: z.enum(["debug", "info", "warn", "error"]),
  }).strict(),
  z.object({
    type: z.literal("metric"),
    scenarioId: id,
    name: z.string().min(1).max(200),
    value: z.number().finite(),
    unit: z.string().max(32).optional(),
  }).strict(),
  z.object({
    type: z.literal("exited"),
    reason: z.enum(["memory", "exit", "error"]),
    message: text,
  }).strict(),
]);

/** A message from a Worker that is not one the scenario API sends. */
export class ForgedMessage extends Error {
  override name = "ForgedMessage";
}

/**
 * The Worker's message `data` if it is one the scenario API can send,
 * with its call params checked too; else throws {@link ForgedMessage}
 * saying what was wrong.
 *
 * @example
 * ```ts
 * parseWorkerMessage({ type: "teardown", id: "s1", limitMs: 3.6e6 }); // throws: limitMs is not the Worker's to set
 * ```
 */
export function parseWorkerMessage(data: unknown): WorkerMessage {
  const parsed = workerMessageSchema.safeParse(data);
  if (!parsed.success) throw new ForgedMessage(describeIssue(parsed.error, data));
  const message = parsed.data as WorkerMessage;
  if (message.type === "call") {
    const params = CALL_PARAMS[message.method].safeParse(message.params);
    if (!params.success) {
      throw new ForgedMessage(
        `call ${message.method}: ${describeIssue(params.error, message.params)}`,
      );
    }
  }
  return message;
}

function describeIssue(error: z.ZodError, data: unknown): string {
  const issue = error.issues[0];
  const type = typeof data === "object" && data !== null && "type" in data
    ? JSON.stringify(String((data as { type: unknown }).type)).slice(0, 40)
    : "without a type";
  const path = issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
  const what = issue.code === "unrecognized_keys"
    ? `unexpected ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`
    : issue.message;
  return `a message ${type}${path}: ${what}`;
}
