import { z } from "zod";
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
  },
  { error: "expected a mapping of settings at the top level" },
);

/** The whole validated configuration, as loadConfig returns it. */
export type Config = z.infer<typeof configSchema>;
