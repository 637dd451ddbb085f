/**
 * `@ringo/flow`: the API of scenario files, run by `ringo flow run`.
 *
 * A scenario runs in a sandbox (a Worker that may read its own folder and
 * nothing else unless `--allow-read`/`--allow-net`/`--allow-env` say so);
 * its agents live in the runner, which stops them when the scenario ends.
 *
 * This module graph imports nothing but relative files, so an editor needs
 * only `"@ringo/flow"` mapped to type-check scenarios.
 *
 * @example
 * ```ts
 * import { agent, expect, State, until, wait } from "@ringo/flow";
 *
 * const a = await agent("A");
 * const b = await agent("B");
 * await a.dial(b);
 * await until(() => expect(b.state).toBe(State.Ringing), "15s");
 * await b.accept();
 * await until(() => expect(a.state).toBe(State.Established));
 * await wait("3s");
 * await a.hangup();
 * await until(() => expect(a.state).toBe(State.Idle));
 * ```
 *
 * @module
 */
export {
  Agent,
  agent,
  type AgentConfig,
  type AgentDescription,
  type Duration,
  type UseAgentFunction,
} from "./agent.ts";
export { type AudioConnectionOptions, file, silent, tone, verifyAudioConnection } from "./audio.ts";
export { env, loadEnv, log, metric, uuid } from "./context.ts";
export { CallDroppedError, defaultTimeout, TimeoutError, until, wait } from "./until.ts";
export {
  concurrent,
  type Context,
  scenario,
  type ScenarioBody,
  type ScenarioOptions,
  setup,
  skip,
  teardown,
} from "./suite.ts";
export { FlowError, UnawaitedError } from "./errors.ts";
export { http, type HttpBody, type HttpHeaders, type HttpOptions, HttpResponse } from "./http.ts";
export {
  jsonResponse,
  MockRequest,
  type MockResponse,
  MockServer,
  mockServer,
  type MockServerOptions,
  MockSocket,
  type MockSocketHandler,
  type PathPattern,
  regex,
  type RegexPath,
  type Responder,
  type ResponderResult,
  type ResponseInit,
  textResponse,
} from "./mock.ts";
export {
  type MessagePredicate,
  websocket,
  WebSocketConnection,
  type WebSocketOptions,
  WsMessage,
} from "./websocket.ts";
export { AssertionError, expect, labelled, type Matchers } from "../expect.ts";
export {
  type AudioSource,
  type CallEndCause,
  type CallView,
  type CloseView,
  type EndedCallView,
  type IncomingView,
  type MessageView,
  type PeerView,
  type QualityView,
  State,
} from "../protocol.ts";
