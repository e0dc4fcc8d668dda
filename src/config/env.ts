import { type ConfigField, findField } from "./fields.ts";

/** The environment variable that names the config file. */
export const CONFIG_FILE_ENV = "FOGHORN_CONFIG";

const BINDINGS = [
  ["HOST", "server.host"],
  ["PORT", "server.port"],
  ["FOGHORN_PUBLIC_URL", "server.publicUrl"],
  ["FOGHORN_BODY_LIMIT_BYTES", "server.bodyLimitBytes"],
  ["FOGHORN_TRUST_PROXY", "server.trustProxy"],
  ["FOGHORN_STATUS_WORKERS", "server.statusWorkers"],
  ["FOGHORN_METRICS_TOKEN", "server.metricsToken"],
  ["FOGHORN_DATA_DIR", "storage.dataDir"],
  ["DATABASE_URL", "storage.databaseUrl"],
  ["FOGHORN_POOL_SIZE", "storage.poolSize"],
  ["FOGHORN_STATUS_SNAPSHOT_DIR", "storage.statusSnapshotDir"],
  ["FOGHORN_LOG_LEVEL", "log.level"],
  ["FOGHORN_LOG_PRETTY", "log.pretty"],
  ["FOGHORN_BOOTSTRAP_TOKEN", "auth.bootstrapToken"],
  ["FOGHORN_BOOTSTRAP_PASSWORD", "auth.bootstrapPassword"],
  ["FOGHORN_SESSION_IDLE_MINUTES", "auth.sessionIdleMinutes"],
  ["FOGHORN_OIDC_ISSUER", "auth.oidc.issuer"],
  ["FOGHORN_OIDC_CLIENT_ID", "auth.oidc.clientId"],
  ["FOGHORN_OIDC_CLIENT_SECRET", "auth.oidc.clientSecret"],
  ["FOGHORN_PRIORITY_SCHEME", "incidents.priorityScheme"],
  ["SLACK_BOT_TOKEN", "slack.botToken"],
  ["SLACK_SIGNING_SECRET", "slack.signingSecret"],
  ["SLACK_BACKLOG_CHANNEL", "slack.backlogChannel"],
  ["SMTP_HOST", "email.host"],
  ["SMTP_PORT", "email.port"],
  ["SMTP_USER", "email.user"],
  ["SMTP_PASSWORD", "email.password"],
  ["TWILIO_ACCOUNT_SID", "twilio.accountSid"],
  ["TWILIO_AUTH_TOKEN", "twilio.authToken"],
  ["FOGHORN_AI_BASE_URL", "ai.baseUrl"],
  ["FOGHORN_AI_MODEL", "ai.model"],
  ["OPENAI_API_KEY", "ai.apiKey"],
  ["FOGHORN_AI_TIMEOUT_SECONDS", "ai.timeoutSeconds"],
  ["GITHUB_TOKEN", "github.token"],
  ["GITHUB_REPOSITORY", "github.repository"],
  ["GITHUB_API_URL", "github.apiUrl"],
  ["GITHUB_WEBHOOK_SECRET", "github.webhookSecret"],
  ["FOGHORN_BACKLOG_ROOT", "github.backlogRoot"],
  ["FOGHORN_SECRET_KEY", "security.secretKey"],
  ["FOGHORN_HEARTBEAT_URL", "monitoring.heartbeatUrl"],
  ["FOGHORN_WEBHOOK_SIGNING_SECRET", "webhook.signingSecret"],
] as const;

export interface ConfigEnvVar {
  env: string;
  key: string;
  description: string;
}

function fieldOf(key: string): ConfigField {
  const field = findField(key);
  if (!field || field.group) throw new Error(`env binding names unknown config key ${key}`);
  return field;
}

/** Which environment variable sets which key; the descriptions come from the schema. */
export const CONFIG_ENV_VARS: readonly ConfigEnvVar[] = BINDINGS.map(([env, key]) => ({
  env,
  key,
  description: fieldOf(key).description,
}));

/** A value set by an environment variable: the variable, its text as given, and the typed value. */
export interface EnvValue {
  env: string;
  raw: string;
  value: unknown;
}

const TRUE = new Set(["true", "1", "yes", "on"]);
const FALSE = new Set(["false", "0", "no", "off"]);

/** Environment text → typed value. Text that does not fit is kept as is, so the schema reports it. */
function coerce(text: string, scalar: ConfigField["scalar"]): unknown {
  if (scalar === "integer" && /^[+-]?\d+$/.test(text)) return Number(text);
  if (scalar === "boolean" && TRUE.has(text.toLowerCase())) return true;
  if (scalar === "boolean" && FALSE.has(text.toLowerCase())) return false;
  return text;
}

/** Reads the bound variables, keyed by dotted config key. An empty variable counts as unset. */
export function readEnvValues(env: Record<string, string | undefined>): Map<string, EnvValue> {
  const values = new Map<string, EnvValue>();
  for (const { env: name, key } of CONFIG_ENV_VARS) {
    const raw = env[name]?.trim();
    if (raw) values.set(key, { env: name, raw, value: coerce(raw, fieldOf(key).scalar) });
  }
  return values;
}
