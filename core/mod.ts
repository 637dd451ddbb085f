/**
 * ringo's engine: baresip processes driven over ctrl_tcp, and the agent
 * model on top. Knows nothing of the TUI, the CLI or scenarios.
 *
 * @module
 */
export * from "./account.ts";
export * from "./agent.ts";
export * from "./agent_state.ts";
export * from "./baresip.ts";
export * from "./capabilities.ts";
export * from "./config.ts";
export * from "./dialect.ts";
export * from "./sip_status.ts";
export * from "./ctrl_tcp.ts";
export { type CtrlTransport, preferredCtrlTransport } from "./ctrl_socket.ts";
export * from "./errors.ts";
export * from "./frames.ts";
export * from "./log_buffer.ts";
export * from "./netstring.ts";
export * from "./ports.ts";
export * from "./process.ts";
export * from "./shutdown.ts";
export * from "./version.ts";
export * from "./sip_headers.ts";
export * from "./sip_trace.ts";
export * from "./headers_template.ts";
export * from "./pcap.ts";
export * from "./sip_input.ts";
export * from "./run_dir.ts";
export * from "./network_reason.ts";
export * from "./agent_message.ts";
export * from "./config_overrides.ts";
export * from "./baresip_support.ts";
export * from "./paths.ts";
export * from "./incoming_calls.ts";
export * from "./max_calls.ts";
