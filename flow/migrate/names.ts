/**
 * ringo-flow's scenario vocabulary and its `@ringo/flow` form, as tables:
 * what `ringo flow migrate` rewrites, and what
 * `docs/flow/migrating-from-ringo-flow.md` lists (a test keeps the page
 * naming every entry). ringo-flow's JavaScript names are its Rhai API's in
 * camelCase; the Rhai spellings (`await_until`, `send_audio`) are accepted
 * too, so scripts ported by hand from either read the same.
 *
 * @module
 */

/** A global function of ringo-flow and what it becomes. */
export interface GlobalName {
  /** The `@ringo/flow` export it becomes. */
  to: string;
  /** Returns a promise in `@ringo/flow`: calls get `await`. */
  async?: boolean;
}

/**
 * ringo-flow's globals (and `new Agent` / `new MockServer`, see
 * {@link CONSTRUCTORS}) by name.
 */
export const GLOBALS: Readonly<Record<string, GlobalName>> = {
  agent: { to: "agent", async: true },
  scenario: { to: "scenario" },
  setup: { to: "setup" },
  teardown: { to: "teardown" },
  skip: { to: "skip" },
  until: { to: "until", async: true },
  awaitUntil: { to: "until", async: true },
  await_until: { to: "until", async: true },
  wait: { to: "wait", async: true },
  defaultTimeout: { to: "defaultTimeout" },
  default_timeout: { to: "defaultTimeout" },
  expect: { to: "expect" },
  assert: { to: "expect" },
  http: { to: "http", async: true },
  mockServer: { to: "mockServer", async: true },
  mock_server: { to: "mockServer", async: true },
  jsonResponse: { to: "jsonResponse" },
  json_response: { to: "jsonResponse" },
  textResponse: { to: "textResponse" },
  text_response: { to: "textResponse" },
  regex: { to: "regex" },
  env: { to: "env" },
  loadEnv: { to: "loadEnv", async: true },
  load_env: { to: "loadEnv", async: true },
  log: { to: "log" },
  print: { to: "log" },
  uuid: { to: "uuid" },
  metric: { to: "metric" },
  tone: { to: "tone" },
  file: { to: "file" },
  silence: { to: "silent" },
  silent: { to: "silent" },
  verifyAudioConnection: { to: "verifyAudioConnection", async: true },
  verify_audio_connection: { to: "verifyAudioConnection", async: true },
  State: { to: "State" },
};

/** `new X(…)` of ringo-flow → the `@ringo/flow` function that makes one (awaited). */
export const CONSTRUCTORS: Readonly<Record<string, string>> = {
  Agent: "agent",
  MockServer: "mockServer",
};

/** `parallel([tasks])`: `@ringo/flow` has none; it becomes `Promise.all` over the tasks. */
export const PARALLEL = "parallel";

/** Agent methods that return a promise in `@ringo/flow` (calls get `await`), by ringo-flow name. */
export const AGENT_VERBS: Readonly<Record<string, string>> = {
  register: "register",
  unregister: "unregister",
  dial: "dial",
  accept: "accept",
  reject: "reject",
  hangup: "hangup",
  hold: "hold",
  resume: "resume",
  mute: "mute",
  dtmf: "dtmf",
  transfer: "transfer",
  attendedTransfer: "attendedTransfer",
  attended_transfer: "attendedTransfer",
  completeTransfer: "completeTransfer",
  complete_transfer: "completeTransfer",
  abortTransfer: "abortTransfer",
  abort_transfer: "abortTransfer",
  sendAudio: "sendAudio",
  send_audio: "sendAudio",
  verifyAudio: "verifyAudio",
  verify_audio: "verifyAudio",
  respondIncoming: "respondIncoming",
  respond_incoming: "respondIncoming",
  deflect: "deflect",
  stopDeflect: "stopDeflect",
  stop_deflect: "stopDeflect",
  sendMessage: "message",
  send_message: "message",
};

/**
 * `a.verifyAudioConnection(b)` (Rhai's method form) → the global
 * `verifyAudioConnection(a, b)`.
 */
export const AGENT_METHOD_GLOBALS: Readonly<Record<string, string>> = {
  verifyAudioConnection: "verifyAudioConnection",
  verify_audio_connection: "verifyAudioConnection",
};

/** Mock server methods that return a promise (awaited when the receiver is a mock server). */
export const MOCK_VERBS: Readonly<Record<string, string>> = {
  on: "on",
  respond: "respond",
  stop: "stop",
};

/** Methods renamed whatever their receiver (agents, responses, mock servers, requests). */
export const METHODS: Readonly<Record<string, string>> = {
  to_json: "toJSON",
  toJson: "toJSON",
  last_request: "lastRequest",
  request_count: "requestCount",
  expect_status: "expectStatus",
  // ringo-flow's headers() keeps repeated headers apart, as headersAll() does.
  headers: "headersAll",
};

/** Property reads renamed (getters of agents, fields of requests and responses). */
export const PROPERTIES: Readonly<Record<string, string>> = {
  receivedDtmf: "dtmfReceived",
  received_dtmf: "dtmfReceived",
  dtmf_received: "dtmfReceived",
  status_code: "statusCode",
  remote_held: "remoteHeld",
  content_type: "contentType",
};

/** Getters that may be undefined in `@ringo/flow`: reads through them become `?.`. */
export const OPTIONAL_GETTERS: ReadonlySet<string> = new Set(["peer", "call", "quality"]);
/** Methods whose result may be undefined: reads through it become `?.`. */
export const OPTIONAL_RESULTS: ReadonlySet<string> = new Set(["lastRequest", "last_request"]);

/** How a matcher of ringo-flow's assertions is written in `@ringo/flow`. */
export interface MatcherName {
  /** The `@ringo/flow` matcher (may start with `not.`). */
  to: string;
  /** The argument it takes instead of none (`isTrue()` → `toBe(true)`). */
  argument?: string;
  /** Its string argument is a regex source: wrap it in `new RegExp(…)`. */
  regex?: boolean;
}

/**
 * ringo-flow's matchers: Jest's names pass as they are; the Rhai API's
 * (`equals`, `is_true`, `at_least`…) in either spelling are renamed.
 */
export const MATCHERS: Readonly<Record<string, MatcherName>> = {
  equals: { to: "toEqual" },
  notEquals: { to: "not.toEqual" },
  not_equals: { to: "not.toEqual" },
  isTrue: { to: "toBe", argument: "true" },
  is_true: { to: "toBe", argument: "true" },
  isFalse: { to: "toBe", argument: "false" },
  is_false: { to: "toBe", argument: "false" },
  contains: { to: "toContain" },
  matches: { to: "toMatch", regex: true },
  greaterThan: { to: "toBeGreaterThan" },
  greater_than: { to: "toBeGreaterThan" },
  lessThan: { to: "toBeLessThan" },
  less_than: { to: "toBeLessThan" },
  atLeast: { to: "toBeGreaterThanOrEqual" },
  at_least: { to: "toBeGreaterThanOrEqual" },
  atMost: { to: "toBeLessThanOrEqual" },
  at_most: { to: "toBeLessThanOrEqual" },
  isPresent: { to: "toBeDefined" },
  is_present: { to: "toBeDefined" },
  isAbsent: { to: "toBeUndefined" },
  is_absent: { to: "toBeUndefined" },
  isEmpty: { to: "toBeEmpty" },
  is_empty: { to: "toBeEmpty" },
  isNotEmpty: { to: "not.toBeEmpty" },
  is_not_empty: { to: "not.toBeEmpty" },
  describe: { to: "as" },
};

/** Array methods whose callback's promise nobody waits for. */
export const NON_WAITING_CALLBACKS: ReadonlySet<string> = new Set([
  "forEach",
  "map",
  "filter",
  "some",
  "every",
  "find",
  "findIndex",
  "reduce",
  "flatMap",
  "sort",
]);
