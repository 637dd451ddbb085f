/**
 * The profile form's fields: every field of `profile.toml` (see
 * `phone/profile.ts`), which tab it is on, how it is edited and one line
 * saying what it is for. A test checks that this table covers every field
 * of the profile schema, so a new profile field cannot be forgotten here.
 *
 * @module
 */

/** The form's tabs, in order. */
export const FORM_TABS = ["Account", "Network", "Audio", "Features", "Forwarding"] as const;

/** One of {@link FORM_TABS}. */
export type FormTab = typeof FORM_TABS[number];

/** How a field is edited. */
export type FieldKind =
  | "text"
  | "secret"
  | "number"
  | "select"
  | "toggle"
  | "codecs"
  | "pairs"
  | "map";

/** One field of the form. */
export interface FieldSpec {
  /** The key in `profile.toml` (`name` is the profile's folder name). */
  key: string;
  /** Its tab. */
  tab: FormTab;
  /** Its label. */
  label: string;
  /** One line on what it does. */
  description: string;
  /** How it is edited. */
  kind: FieldKind;
  /** For `select`: the choices ("" is "not set"). */
  options?: readonly string[];
  /** For `toggle`: the value when not set. */
  defaultOn?: boolean;
  /** For `pairs`: the two column titles. */
  columns?: readonly [string, string];
  /** True when the profile needs it. */
  required?: boolean;
}

/** Every field of the form, in display order. */
export const PROFILE_FORM_FIELDS: readonly FieldSpec[] = [
  {
    key: "name",
    tab: "Account",
    label: "Profile name",
    kind: "text",
    required: true,
    description: "What ringo phone start <name> takes; spaces are fine, '/' is not",
  },
  {
    key: "username",
    tab: "Account",
    label: "Username",
    kind: "text",
    required: true,
    description: "The user part of your SIP address (sip:USER@domain)",
  },
  {
    key: "domain",
    tab: "Account",
    label: "Domain",
    kind: "text",
    required: true,
    description: "Your SIP provider's domain or registrar host[:port]",
  },
  {
    key: "password",
    tab: "Account",
    label: "Password",
    kind: "secret",
    description:
      "Stored in profile.toml (mode 0600); password_cmd or password_file keep it out of it",
  },
  {
    key: "password_file",
    tab: "Account",
    label: "Password file",
    kind: "text",
    description: "A file holding the password (one trailing newline is dropped)",
  },
  {
    key: "password_cmd",
    tab: "Account",
    label: "Password command",
    kind: "text",
    description:
      "A shell command printing the password, e.g. pass show sip/work (wins over file and inline)",
  },
  {
    key: "display_name",
    tab: "Account",
    label: "Display name",
    kind: "text",
    description: "The name callees see",
  },
  {
    key: "auth_user",
    tab: "Account",
    label: "Auth user",
    kind: "text",
    description: "Digest user name, when the provider's differs from the username",
  },
  {
    key: "notes",
    tab: "Account",
    label: "Notes",
    kind: "text",
    description: "Anything you want to remember about this account",
  },
  {
    key: "transport",
    tab: "Network",
    label: "Transport",
    kind: "select",
    options: ["", "udp", "tcp", "tls"],
    description: "SIP transport (not set: baresip's default, UDP)",
  },
  {
    key: "outbound",
    tab: "Network",
    label: "Outbound proxy",
    kind: "text",
    description: "Send every request through this proxy, e.g. sip:proxy.example.com;transport=tls",
  },
  {
    key: "stun_server",
    tab: "Network",
    label: "STUN server",
    kind: "text",
    description: "For NAT traversal, e.g. stun:stun.example.com",
  },
  {
    key: "media_enc",
    tab: "Network",
    label: "Media encryption",
    kind: "select",
    options: ["", "srtp", "srtp-mand", "srtp-mandf", "dtls_srtp", "zrtp"],
    description: "Encrypt the audio (SRTP variants need the provider's support)",
  },
  {
    key: "regint",
    tab: "Network",
    label: "Register interval",
    kind: "number",
    description: "Seconds between re-registrations (0: do not register; default 3600)",
  },
  {
    key: "audio_codecs",
    tab: "Audio",
    label: "Codecs",
    kind: "codecs",
    description:
      "Offered codecs, in order of preference (Space toggles, Alt+↑/↓ reorders; none on: baresip's default)",
  },
  {
    key: "dtmf_mode",
    tab: "Audio",
    label: "DTMF mode",
    kind: "select",
    options: ["", "rtpevent", "info", "auto"],
    description: "How DTMF is sent: RFC 4733 events, SIP INFO, or whatever the peer supports",
  },
  {
    key: "notify",
    tab: "Features",
    label: "Notifications",
    kind: "toggle",
    defaultOn: true,
    description: "Desktop notifications for incoming, missed and deflected calls and voicemail",
  },
  {
    key: "mwi",
    tab: "Features",
    label: "Voicemail (MWI)",
    kind: "toggle",
    defaultOn: true,
    description: "Subscribe to message-waiting indication and show the count",
  },
  {
    key: "auto_hold",
    tab: "Features",
    label: "Auto hold",
    kind: "toggle",
    defaultOn: true,
    description:
      "Hold the current call when another is accepted or dialled; resume it when that one ends",
  },
  {
    key: "catchall",
    tab: "Features",
    label: "Catch-all",
    kind: "toggle",
    defaultOn: true,
    description: "Take calls addressed to any user at this account",
  },
  {
    key: "custom_headers",
    tab: "Features",
    label: "Custom headers",
    kind: "pairs",
    columns: ["Header", "Value"],
    description:
      "Added to every outgoing INVITE in order; ${uuid} is fresh per call, $$ is a literal $",
  },
  {
    key: "header_display",
    tab: "Features",
    label: "Header display",
    kind: "pairs",
    columns: ["Label", "Template"],
    description: "Shown for incoming calls: ${Header-Name} is that header of the INVITE",
  },
  {
    key: "metadata",
    tab: "Features",
    label: "Metadata",
    kind: "map",
    columns: ["Key", "Value"],
    description: "Your own key/value pairs, passed to hooks in RINGO_PROFILE_JSON",
  },
  {
    key: "deflect",
    tab: "Forwarding",
    label: "Deflect calls",
    kind: "toggle",
    defaultOn: false,
    description: "Answer incoming calls with 302 Moved Temporarily to the target below",
  },
  {
    key: "deflect_target",
    tab: "Forwarding",
    label: "Deflect target",
    kind: "text",
    description: "Where deflected calls go: a SIP URI or a number",
  },
];
