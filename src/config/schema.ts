import { isIP, isIPv4 } from "node:net";
import { z } from "zod";
import { USER_ROLES } from "#domain/auth/access.ts";
import {
  DEFAULT_SEVERITY_POLICY,
  PRIORITY_SCHEMES,
  type Severity,
  type SeverityLevelPolicy,
} from "#domain/incident/severity.ts";
import { DIGEST_WEEKDAYS } from "#domain/metrics/digest-schedule.ts";
import { BUILT_IN_REDACTION_NAMES, parseRedactionPattern } from "#domain/redaction.ts";
import { isTimeZone } from "#domain/templates/placeholders.ts";
import { templatesSchema } from "./templates.ts";

/**
 * Every setting Foghorn reads, with its default and a one-line description. The descriptions and
 * defaults here generate docs/configuration.md (scripts/gen-config-docs.ts); edit them here, not there.
 * Custom metadata: `secret: true` (never echoed in errors or logs), `examples` (used in the docs).
 */

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
const POSTMORTEM_KINDS = [
  "required",
  "lightweight",
  "none",
] as const satisfies readonly SeverityLevelPolicy["postmortem"][];

function integer(min: number, max: number) {
  const error = `expected an integer between ${min} and ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

function positiveInteger() {
  const error = "expected a whole number greater than 0";
  return z.number({ error }).int({ error }).positive({ error });
}

function nonEmptyString() {
  const error = "expected a non-empty string";
  return z.string({ error }).min(1, { error });
}

function boolean() {
  return z.boolean({ error: "expected true or false" });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `expected one of ${values.map((v) => `"${v}"`).join(", ")}` });
}

/** A group of settings: rejects unknown keys. Callers add `.prefault({})` so an absent group gets its defaults. */
function group<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject(shape, { error: "expected a mapping of settings" });
}

const serverSchema = group({
  host: nonEmptyString()
    .default("127.0.0.1")
    .describe("Interface to listen on; 0.0.0.0 listens on all of them."),
  port: integer(0, 65535).default(8080).describe("TCP port to listen on; 0 picks a free port."),
  publicUrl: z
    .url({
      protocol: /^https?$/,
      error: "expected an http:// or https:// URL such as https://foghorn.example.com",
    })
    .optional()
    .meta({
      description: "Base URL people use to reach Foghorn; used to build links in pages, chat and email.",
      examples: ["https://foghorn.example.com"],
    }),
  bodyLimitBytes: integer(1024, 1073741824)
    .default(1048576)
    .describe("Largest accepted request body in bytes (alert webhooks included)."),
  trustProxy: boolean()
    .default(false)
    .describe("Trust X-Forwarded-* headers; enable only behind a reverse proxy you control."),
  corsOrigins: z
    .array(
      z
        .string({ error: "expected an origin such as https://ops.example.com" })
        .regex(/^https?:\/\/[^/?#\s]+$/i, {
          error: "expected an origin (scheme://host[:port], no path) such as https://ops.example.com",
        }),
      { error: "expected a list of origins" },
    )
    .default([])
    .meta({
      description:
        "Web origins whose pages may call the API from the browser (CORS); empty: no cross-origin access. See docs/security.md.",
      examples: [["https://ops.example.com"]],
    }),
  metricsToken: z
    .string({ error: "expected a string of at least 16 characters" })
    .min(16, { error: "expected at least 16 characters (make one with: openssl rand -hex 24)" })
    .optional()
    .meta({
      description:
        "Bearer token that GET /metrics then requires (Prometheus: authorization: {credentials: ...}); unset: /metrics is open, like /healthz. See docs/metrics.md.",
      examples: ["3f9c2a7e5b1d8c4f6a0e9b2d7c5a1f3e8b6d4c2a0f9e7b5d"],
      secret: true,
    }),
  statusWorkers: z
    .union([z.literal("auto"), integer(0, 16)], { error: 'expected "auto" or a whole number from 0 to 16' })
    .default("auto")
    .meta({
      description:
        'Extra processes that serve the public status page and read the Alertmanager and PagerDuty v2 alert posts beside this one (on PGlite this process stores the events; on PostgreSQL each worker stores its own through two connections), so both use more than one core under an outage\'s traffic; "auto": one fewer than the CPU cores, at most 3 (0 on one core). 0: this process alone. See docs/status-page.md and docs/integrations.md.',
      examples: [0, 2],
    }),
})
  .prefault({})
  .describe("The HTTP server: where it listens and how it is reached.");

const storageSchema = group({
  dataDir: nonEmptyString()
    .default("./data")
    .describe("Folder of the embedded PGlite database, relative to the working directory."),
  databaseUrl: z
    .url({
      protocol: /^postgres(ql)?$/,
      error: "expected a postgres:// or postgresql:// URL such as postgres://foghorn:secret@db:5432/foghorn",
    })
    .optional()
    .meta({
      description: "PostgreSQL connection URL; when set, PostgreSQL is used instead of embedded PGlite.",
      examples: ["postgres://foghorn:secret@localhost:5432/foghorn"],
      secret: true,
    }),
  poolSize: integer(1, 100)
    .default(10)
    .describe("Maximum PostgreSQL connections per process (PGlite uses one)."),
  statusSnapshotDir: nonEmptyString()
    .optional()
    .meta({
      description:
        "Folder where the public status page's last snapshot is kept, so the page is served while the database is down; not set: <dataDir>/status-snapshot (with PostgreSQL too).",
      examples: ["/var/lib/foghorn/status-snapshot"],
    }),
})
  .prefault({})
  .describe("Where incidents, alerts and schedules are stored.");

const logSchema = group({
  level: oneOf(LOG_LEVELS).default("info").describe("Least severe log level written."),
  pretty: boolean().default(false).describe("Human-readable coloured logs instead of JSON, for development."),
})
  .prefault({})
  .describe("Foghorn's own logs (pino, JSON lines on stdout).");

const tokenError = "expected a string of at least 24 characters (generate one with: openssl rand -hex 32)";
const passwordError = "expected a password of at least 12 characters";
const oidcSchema = group({
  issuer: z
    .url({
      protocol: /^https?$/,
      error: "expected the provider's issuer URL such as https://example.okta.com",
    })
    .meta({
      description:
        "The OpenID provider's issuer URL; its /.well-known/openid-configuration is read at the first sign-in.",
      examples: ["https://example.okta.com", "https://sso.example.com/realms/acme"],
    }),
  clientId: nonEmptyString().meta({
    description: "Client id of the Foghorn application registered at the provider.",
    examples: ["0oa1foghorn"],
  }),
  clientSecret: nonEmptyString().meta({
    description: "Client secret of that application (sent with HTTP Basic to the token endpoint).",
    examples: ["CHANGE-ME"],
    secret: true,
  }),
  displayName: nonEmptyString()
    .default("SSO")
    .meta({ description: 'Shown on the sign-in button: "Sign in with <displayName>".', examples: ["Okta"] }),
  scopes: nonEmptyString()
    .default("openid profile email groups")
    .describe("Scopes asked for, space-separated; openid is always added."),
  groupsClaim: nonEmptyString()
    .default("groups")
    .describe(
      "Claim listing the user's groups (a dotted path reaches nested claims, e.g. realm_access.roles).",
    ),
  usernameClaim: nonEmptyString()
    .default("preferred_username")
    .describe("Claim the Foghorn username is made from (an email keeps its local part); made unique."),
  roleMapping: z
    .record(z.string().min(1), oneOf(USER_ROLES), {
      error: `expected a mapping of group names to ${USER_ROLES.join(", ")}`,
    })
    .default({})
    .meta({
      description:
        "Group → role; the highest role of the user's groups wins, re-applied at every sign-in (docs/sso.md).",
      examples: [{ "foghorn-admins": "admin", sre: "manager", engineering: "responder" }],
    }),
  defaultRole: oneOf(USER_ROLES)
    .nullable()
    .default(null)
    .meta({
      description: "Role of a user in none of the mapped groups; null refuses them.",
      examples: ["viewer"],
    }),
  autoCreate: boolean()
    .default(true)
    .describe("Create the Foghorn user at their first sign-in; false: an admin adds users first."),
})
  .optional()
  .describe("Sign-in with OpenID Connect (Okta, Keycloak, Google, …); unset: SSO is off. See docs/sso.md.");
const authSchema = group({
  bootstrapToken: z
    .string({ error: tokenError })
    .min(24, { error: tokenError })
    .optional()
    .meta({
      description: "Used only on first start, when no user exists: becomes the admin's first API token.",
      examples: ["CHANGE-ME"],
      secret: true,
    }),
  bootstrapPassword: z
    .string({ error: passwordError })
    .min(12, { error: passwordError })
    .max(1024, { error: "expected a password of at most 1024 characters" })
    .optional()
    .meta({
      description:
        "Used only on first start, when no user exists: becomes the admin's web password. Unset: a one-time setup link is printed instead.",
      examples: ["CHANGE-ME-long-passphrase"],
      secret: true,
    }),
  sessionIdleMinutes: integer(5, 20160)
    .default(720)
    .describe(
      "A web session unused this many minutes ends (the person signs in again); sessions end 14 days after sign-in regardless.",
    ),
  localPasswords: boolean()
    .default(true)
    .describe(
      "Allow signing in with a username and password; false: the web UI offers SSO only (auth.oidc) and POST /api/v1/session answers 403.",
    ),
  oidc: oidcSchema,
})
  .prefault({})
  .describe("Access to the API and the web UI.");

/** One severity level's policy: each field defaults to DEFAULT_SEVERITY_POLICY, so overrides may be partial. */
function levelSchema(level: Severity) {
  const d = DEFAULT_SEVERITY_POLICY[level];
  const positiveOrNull = positiveInteger().nullable();
  return z
    .strictObject(
      {
        meaning: nonEmptyString()
          .default(d.meaning)
          .describe("What the level means, shown when choosing one."),
        ackWithinMinutes: positiveInteger()
          .default(d.ackWithinMinutes)
          .describe("Minutes to acknowledge a page before it escalates (the ack SLA)."),
        updateEveryMinutes: positiveInteger()
          .default(d.updateEveryMinutes)
          .describe("Minutes between status updates before the commander is reminded."),
        whoIsTold: nonEmptyString()
          .default(d.whoIsTold)
          .describe("Who is told when an incident is declared."),
        pages: boolean()
          .default(d.pages)
          .describe(
            "Page the on-call by the service's escalation policy (else the incident is only announced in chat).",
          ),
        postmortem: oneOf(POSTMORTEM_KINDS)
          .default(d.postmortem)
          .describe("Postmortem expected after resolution."),
        postmortemDueHours: positiveOrNull
          .default(d.postmortemDueHours)
          .describe("Hours after resolution until the postmortem is due; null for no due date."),
        escalateIfUnresolvedMinutes: positiveOrNull
          .default(d.escalateIfUnresolvedMinutes)
          .describe("Minutes after which an unresolved incident escalates; null to never escalate."),
      },
      { error: "expected a mapping of policy fields" },
    )
    .prefault({})
    .describe(`Policy for ${level}.`);
}

const severityPolicySchema = z
  .strictObject(
    {
      SEV1: levelSchema("SEV1"),
      SEV2: levelSchema("SEV2"),
      SEV3: levelSchema("SEV3"),
      SEV4: levelSchema("SEV4"),
    },
    { error: "expected a mapping from SEV1..SEV4 to policy overrides" },
  )
  .prefault({})
  .describe("Per-level overrides merged over the default severity policy; give only the fields you change.");

const incidentsSchema = group({
  priorityScheme: oneOf(PRIORITY_SCHEMES)
    .default("p1-p4")
    .describe("Which P-labels mean SEV1..SEV4: p1-p4 (P1 = SEV1) or p0-p3 (P0 = SEV1)."),
  severityPolicy: severityPolicySchema,
})
  .prefault({})
  .describe("How incidents are classified and what each severity obliges.");

const alertsSchema = group({
  rateLimitPerMinute: integer(0, 10_000_000)
    .default(6000)
    .describe(
      "Events per minute per integration before PagerDuty senders get 429 (Alertmanager and Grafana get 503 + Retry-After); 0 = unlimited. An integration may set its own.",
    ),
  onAlertsResolved: oneOf(["mitigating", "resolved", "none"] as const)
    .default("mitigating")
    .describe(
      "What an incident opened by alerts becomes once all its alerts resolved; a service may override it.",
    ),
  maxQueuedEvents: positiveInteger()
    .default(20000)
    .describe(
      "Events waiting for their commit above which new ones are refused with 503 + Retry-After (back-pressure).",
    ),
})
  .prefault({})
  .describe("Alert ingestion: limits and what resolved alerts do to their incident.");

function secretString(description: string, example: string) {
  return z
    .string({ error: "expected a non-empty string" })
    .min(1, { error: "expected a non-empty string" })
    .optional()
    .meta({ description, examples: [example], secret: true });
}

function optionalUrl(description: string, example: string) {
  return z
    .url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" })
    .optional()
    .meta({ description, examples: [example] });
}

const oncallSchema = group({
  handoffNoticeMinutes: integer(0, 1440)
    .default(60)
    .describe("Minutes before a shift starts that its person is told they are on call; 0 turns notices off."),
  throttleSeconds: integer(0, 3600)
    .default(60)
    .describe(
      "At most one message per contact method per this many seconds; what arrives meanwhile is bundled.",
    ),
  sweepSeconds: integer(1, 3600)
    .default(15)
    .describe("How often escalation rules, status-update reminders and hand-off notices are checked."),
  consoleChannel: boolean()
    .default(true)
    .describe("Deliver `console` contact methods by writing the page to Foghorn's log (development)."),
  sendingDeadlineSeconds: integer(1, 600)
    .default(30)
    .describe(
      "How long a send may take before Foghorn assumes its sender died and sends again (same delivery id).",
    ),
  jobLeaseSeconds: integer(2, 3600)
    .default(60)
    .describe(
      "How long a replica holds a claimed job before another may take it over; keep above sendingDeadlineSeconds.",
    ),
  maxDeliveryAttempts: integer(1, 50)
    .default(5)
    .describe("Attempts to deliver one message before it is marked dead (shown under Paging in the UI)."),
})
  .prefault({})
  .describe("Paging: hand-off notices, throttling and retries.");

const slackSchema = group({
  botToken: secretString(
    "Bot token (xoxb-…) of the Foghorn Slack app; unset: Slack is off.",
    "xoxb-CHANGE-ME",
  ),
  signingSecret: secretString(
    "Signing secret of the Slack app; verifies buttons and slash commands (requests older than 5 min are refused).",
    "CHANGE-ME",
  ),
  apiUrl: optionalUrl("Slack Web API base URL; only for tests and proxies.", "https://slack.com/api/"),
  announce: boolean()
    .default(true)
    .describe("Announce each new incident in the incidents channel for its severity."),
  highChannel: nonEmptyString().default("#incidents").describe("Channel for SEV1 and SEV2 announcements."),
  lowChannel: nonEmptyString().default("#incidents-low").describe("Channel for SEV3 and SEV4 announcements."),
  dedicatedChannels: boolean()
    .default(false)
    .describe("Open a channel per SEV1/SEV2 incident (#inc-42-api-timeout) and invite the responders."),
  backlogChannel: z
    .string()
    .min(1)
    .optional()
    .meta({
      description:
        'Channel for `foghorn backlog sync` summaries ("4 backlog items created from …"); unset: no summary. See docs/backlog.md.',
      examples: ["#scraut-bot"],
    }),
})
  .prefault({})
  .describe(
    "Slack: pages by direct message with Acknowledge/Resolve buttons, announcements, /foghorn commands.",
  );

const emailSchema = group({
  host: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "SMTP server; unset: email is off.", examples: ["smtp.example.com"] }),
  port: integer(1, 65535).default(587).describe("SMTP port (587 STARTTLS, 465 TLS, 25 plain)."),
  secure: boolean()
    .default(false)
    .describe("TLS from the first byte (port 465); otherwise STARTTLS when offered."),
  user: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "SMTP user name.", examples: ["foghorn"] }),
  password: secretString("SMTP password.", "CHANGE-ME"),
  from: nonEmptyString().default("Foghorn <foghorn@localhost>").describe("Sender address of pages."),
})
  .prefault({})
  .describe("Email pages over SMTP.");

const twilioSchema = group({
  accountSid: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "Twilio account SID; unset: SMS and voice are off.", examples: ["AC…"] }),
  authToken: secretString("Twilio auth token; also verifies inbound SMS replies.", "CHANGE-ME"),
  from: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "Sending phone number (E.164).", examples: ["+15005550006"] }),
  baseUrl: optionalUrl("Twilio-compatible API base URL.", "https://api.twilio.com"),
})
  .prefault({})
  .describe("SMS and voice pages through a Twilio-compatible API (reply 4 to acknowledge, 6 to resolve).");

const webhookSchema = group({
  signingSecret: secretString(
    "Secret that signs webhook pages (X-Foghorn-Signature); unset: a random one per start (receivers cannot verify).",
    "CHANGE-ME",
  ),
})
  .prefault({})
  .describe("Webhook contact methods: JSON POSTs signed with HMAC-SHA256.");

const redactionPattern = z
  .string({ error: "expected a regular expression as a string" })
  .superRefine((value, ctx) => {
    const parsed = parseRedactionPattern(value);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.error });
  });

const aiSchema = group({
  baseUrl: z
    .url({
      protocol: /^https?$/,
      error: "expected an http:// or https:// URL such as http://127.0.0.1:11434/v1",
    })
    .refine((url) => !/^[a-z]+:\/\/[^/]*@/i.test(url), {
      error: "expected a URL without user:password; put the key in ai.apiKey",
    })
    .optional()
    .meta({
      description:
        "OpenAI-compatible API base URL (ending in /v1); unset: AI drafting is off and its button is hidden.",
      examples: ["http://127.0.0.1:11434/v1"],
    }),
  model: z
    .string()
    .min(1)
    .optional()
    .meta({
      description: "Chat model to draft with; required with ai.baseUrl.",
      examples: ["gpt-4o-mini"],
    }),
  apiKey: secretString(
    "API key, sent as a bearer token; a local server such as Ollama needs none.",
    "sk-CHANGE-ME",
  ),
  timeoutSeconds: integer(1, 600)
    .default(60)
    .describe("How long one draft may take, retries included; raise it for slow local models."),
  builtInRedactions: z
    .array(oneOf(BUILT_IN_REDACTION_NAMES), { error: "expected a list of redaction set names" })
    .default([...BUILT_IN_REDACTION_NAMES])
    .describe(
      "Built-in redactions applied before anything is sent: secrets (bearer tokens, API keys, passwords), emails, ip-addresses; [] turns them off.",
    ),
  redact: z
    .array(redactionPattern, { error: "expected a list of regular expressions" })
    .default([])
    .meta({
      description:
        "More regular expressions whose matches are replaced by [redacted] before sending; /pattern/i for flags.",
      examples: [["\\bACME-\\d{6}\\b", "/customer [a-z]+/i"]],
    }),
})
  .prefault({})
  .describe(
    "Optional AI drafts of postmortems through an OpenAI-compatible endpoint (OpenAI, Ollama, vLLM); see docs/ai.md.",
  );

const githubSchema = group({
  token: secretString(
    "GitHub token that files action items as issues (needs issues: write; GitHub Actions' GITHUB_TOKEN works).",
    "ghp_CHANGE-ME",
  ),
  repository: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { error: "expected owner/repo, e.g. acme/api" })
    .optional()
    .meta({ description: "Repository the issues are filed in, as owner/repo.", examples: ["acme/api"] }),
  apiUrl: z
    .url({
      protocol: /^https?$/,
      error: "expected an http:// or https:// URL such as https://api.github.com",
    })
    .default("https://api.github.com")
    .meta({
      description: "GitHub REST API base URL; GitHub Enterprise Server: https://<host>/api/v3.",
      examples: ["https://github.example.com/api/v3"],
    }),
  owners: z
    .record(z.string().min(1), z.string().regex(/^@?[A-Za-z0-9-]+$/, { error: "expected a GitHub login" }), {
      error: "expected a mapping of owner names to GitHub logins",
    })
    .default({})
    .meta({
      description:
        "Owner name as written in action-items.md → GitHub login; names not listed are matched case-insensitively (Bob → bob).",
      examples: [{ Bob: "bob-gh", "Alice Smith": "asmith" }],
    }),
  webhookSecret: secretString(
    "Secret of the GitHub webhook (Issues events) sent to /webhooks/github: closing an issue filed from an action item completes the item.",
    "CHANGE-ME-random-string",
  ),
  backlogRoot: z
    .string()
    .min(1)
    .default(".scraut")
    .describe(
      "Folder (relative to the repository root) holding sprint/NN/incidents/YYYY-MM-DD-slug/; see docs/backlog.md.",
    ),
})
  .prefault({})
  .describe(
    "GitHub issues for action items: `foghorn backlog sync` and filing from the platform; see docs/backlog.md.",
  );

const digestError = "expected an IANA time zone such as UTC or Europe/Berlin";
const metricsSchema = group({
  weeklyDigest: group({
    enabled: boolean()
      .default(false)
      .describe(
        "Send the weekly digest (the previous 7 full days' figures and incidents) by email and/or to Slack; see docs/metrics.md.",
      ),
    weekday: oneOf(DIGEST_WEEKDAYS).default("monday").describe("Day of the week the digest is sent."),
    hour: integer(0, 23)
      .default(9)
      .describe("Hour (local time in metrics.weeklyDigest.timeZone) it is sent."),
    timeZone: z
      .string({ error: digestError })
      .refine(isTimeZone, { error: digestError })
      .default("UTC")
      .describe(
        "Time zone of weekday and hour, and of the times in the digest (IANA name, e.g. Europe/Berlin).",
      ),
    email: z
      .array(z.email({ error: "expected an email address such as eng-leads@example.com" }), {
        error: "expected a list of email addresses",
      })
      .default([])
      .meta({
        description:
          "Addresses the digest is mailed to (one message, text and HTML); needs email.host (SMTP).",
        examples: [["eng-leads@example.com"]],
      }),
    slackChannel: nonEmptyString()
      .nullable()
      .default(null)
      .meta({
        description:
          "Slack channel the digest is posted to (a name or an id); needs slack.botToken. null: none.",
        examples: ["#incident-review"],
      }),
  })
    .prefault({})
    .describe("The weekly digest: when it goes out and to whom."),
})
  .prefault({})
  .describe("Metrics and insights (docs/metrics.md).");

/** An address, a CIDR (10.0.0.0/8, fd00::/8) or a host name (grafana.internal, *.svc.cluster.local). */
function isOutboundAllowEntry(entry: string): boolean {
  const [address = "", prefix, extra] = entry.split("/");
  if (extra === undefined && isIP(address.replace(/^\[(.*)\]$/, "$1")) !== 0)
    return (
      prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (isIPv4(address) ? 32 : 128))
    );
  if (entry.includes("/") || entry.includes(":") || /^[\d.]+$/.test(entry)) return false;
  return /^(\*\.)?[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i.test(
    entry,
  );
}

const outboundAllowError =
  "expected an IP address, a CIDR such as 10.0.0.0/8 or fd00::/8, or a host name such as grafana.internal";
const secretKeyError = "expected a key of at least 32 characters (generate one with: openssl rand -hex 32)";
const securitySchema = group({
  secretKey: z
    .string({ error: secretKeyError })
    .min(32, { error: secretKeyError })
    .optional()
    .meta({
      description:
        "Key that encrypts stored secrets (Grafana HMAC secrets, webhook URLs, signing secrets) with AES-256-GCM; unset: a key file made on first start in storage.dataDir (secret.key, mode 0600). With PostgreSQL and several replicas, set the same key on every replica. See docs/security.md.",
      examples: ["CHANGE-ME-64-hex-digits-from-openssl-rand-hex-32"],
      secret: true,
    }),
  outboundAllow: z
    .array(
      z
        .string({ error: outboundAllowError })
        .trim()
        .refine(isOutboundAllowEntry, { error: outboundAllowError }),
      { error: "expected a list of addresses, CIDRs and host names" },
    )
    .default([])
    .meta({
      description:
        "Private, loopback and link-local destinations that webhooks, status page subscribers, HTTP health checks and the AI endpoint may reach anyway (the SSRF guard refuses them otherwise): addresses, CIDRs and host names (*.internal for a whole domain). See docs/security.md.",
      examples: [["10.20.0.0/16", "127.0.0.1", "grafana.internal", "*.svc.cluster.local"]],
    }),
})
  .prefault({})
  .describe(
    "Hardening: the key of stored secrets, and what outbound requests to user-configured URLs may reach (docs/security.md).",
  );

const monitoringSchema = group({
  heartbeatUrl: z
    .url({
      protocol: /^https?$/,
      error: "expected an http:// or https:// URL such as https://hc-ping.com/your-uuid",
    })
    .optional()
    .meta({
      description:
        "Outbound heartbeat (dead man's switch): Foghorn calls this URL every heartbeatIntervalSeconds while healthy (database reachable, engine cycling), so an outside monitor (Healthchecks.io, Dead Man's Snitch) notices a dead Foghorn; not set: none. See docs/operations.md.",
      examples: ["https://hc-ping.com/0f4e2c1a-5d6b-4c8e-9a7f-1b2c3d4e5f60"],
      secret: true,
    }),
  heartbeatIntervalSeconds: integer(5, 3600)
    .default(60)
    .describe(
      "Seconds between outbound heartbeats; set the outside monitor's grace period to a few of these.",
    ),
  heartbeatMethod: oneOf(["GET", "POST"] as const)
    .default("GET")
    .describe("HTTP method of the heartbeat; POST sends a small JSON body (status, version, time)."),
})
  .prefault({})
  .describe("Monitoring of Foghorn itself from outside (docs/operations.md).");

export const configSchema = z.strictObject(
  {
    server: serverSchema,
    storage: storageSchema,
    log: logSchema,
    auth: authSchema,
    incidents: incidentsSchema,
    alerts: alertsSchema,
    oncall: oncallSchema,
    slack: slackSchema,
    email: emailSchema,
    twilio: twilioSchema,
    webhook: webhookSchema,
    templates: templatesSchema,
    ai: aiSchema,
    github: githubSchema,
    metrics: metricsSchema,
    monitoring: monitoringSchema,
    security: securitySchema,
  },
  { error: "expected a mapping of settings at the top level" },
);

/** The whole validated configuration, as loadConfig returns it. */
export type Config = z.infer<typeof configSchema>;
