import { resolve } from "node:path";
import type { z } from "zod";
import { CONFIG_FILE_ENV, type EnvValue, readEnvValues } from "./env.ts";
import { ConfigError, type ConfigIssue, describeValue, unknownKeyMessage } from "./errors.ts";
import { childNames, configFields, findField } from "./fields.ts";
import { getIn, isMapping, type KeyPath, setIn } from "./paths.ts";
import { type Config, configSchema } from "./schema.ts";
import { type ConfigFile, readConfigFile } from "./yaml-file.ts";

export { CONFIG_ENV_VARS, CONFIG_FILE_ENV, type ConfigEnvVar } from "./env.ts";
export { ConfigError, type ConfigIssue } from "./errors.ts";
export type { Config } from "./schema.ts";

export const CONFIG_FILE_NAME = "foghorn.config.yaml";

export interface LoadConfigOptions {
  /** The process environment (main.ts passes process.env; nothing else reads it). */
  env: Record<string, string | undefined>;
  /** Directory the default config file and a relative storage.dataDir are resolved against. */
  cwd: string;
  /** A config file named on the command line; it must exist. */
  configPath?: string;
}

function configFileLocation(opts: LoadConfigOptions): { path: string; namedBy: string | undefined } {
  if (opts.configPath) return { path: resolve(opts.cwd, opts.configPath), namedBy: "configPath option" };
  const fromEnv = opts.env[CONFIG_FILE_ENV]?.trim();
  if (fromEnv) return { path: resolve(opts.cwd, fromEnv), namedBy: `env ${CONFIG_FILE_ENV}` };
  return { path: resolve(opts.cwd, CONFIG_FILE_NAME), namedBy: undefined };
}

/** A group written with all its keys commented out (`server:` alone) reads as null: treat it as absent. */
function dropEmptyGroups(input: Record<string, unknown>): void {
  for (const field of configFields()) {
    if (!field.group) continue;
    const path = field.key.split(".");
    const name = path.pop() ?? "";
    const parent = getIn(input, path);
    if (isMapping(parent) && parent[name] === null) delete parent[name];
  }
}

/** Where a key's value came from: "env PORT", "<file>:<line>" or "default". */
function sourceFinder(file: ConfigFile | undefined, envValues: Map<string, EnvValue>) {
  return (path: KeyPath): string => {
    const env = envValues.get(path.map(String).join("."));
    if (env) return `env ${env.env}`;
    if (file && getIn(file.data, path) !== undefined) return file.locate(path);
    return "default";
  };
}

function toConfigIssues(
  issue: z.core.$ZodIssue,
  input: unknown,
  envValues: Map<string, EnvValue>,
  sourceOf: (path: KeyPath) => string,
): ConfigIssue[] {
  const parent = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((name) => ({
      key: parent ? `${parent}.${name}` : name,
      source: sourceOf([...issue.path, name]),
      message: unknownKeyMessage(name, childNames(parent)),
    }));
  }
  const secret = findField(parent)?.secret ?? false;
  const env = envValues.get(parent);
  const got = describeValue(env ? env.raw : getIn(input, issue.path), secret);
  return [{ key: parent, source: sourceOf(issue.path), message: `${issue.message}, got ${got}` }];
}

/** AI drafting needs both an endpoint and a model: one without the other is a half-done setup. */
function aiHalfConfigured(config: Config, sourceOf: (path: KeyPath) => string): ConfigIssue[] {
  const { baseUrl, model } = config.ai;
  if ((baseUrl === undefined) === (model === undefined)) return [];
  const [missing, given] = baseUrl === undefined ? ["baseUrl", "model"] : ["model", "baseUrl"];
  return [
    {
      key: `ai.${missing}`,
      source: "default",
      message: `is required when ai.${given} (${sourceOf(["ai", given])}) is set; set both to turn AI drafting on, or neither`,
    },
  ];
}

/** storage.dataDir is for PGlite: set beside storage.databaseUrl, one of the two is a mistake. */
function dataDirUnused(config: Config, sourceOf: (path: KeyPath) => string): ConfigIssue[] {
  const dataDirSource = sourceOf(["storage", "dataDir"]);
  if (config.storage.databaseUrl === undefined || dataDirSource === "default") return [];
  const urlSource = sourceOf(["storage", "databaseUrl"]);
  return [
    {
      key: "storage.dataDir",
      source: dataDirSource,
      message:
        `is for embedded PGlite and is unused when storage.databaseUrl (${urlSource}) selects PostgreSQL; ` +
        "remove one of the two",
    },
  ];
}

/** An enabled weekly digest needs somewhere to go, and each destination its channel's settings. */
function digestUndeliverable(config: Config, sourceOf: (path: KeyPath) => string): ConfigIssue[] {
  const digest = config.metrics.weeklyDigest;
  if (!digest.enabled) return [];
  const at = (key: string) => ["metrics", "weeklyDigest", key];
  if (digest.email.length === 0 && digest.slackChannel === null)
    return [
      {
        key: "metrics.weeklyDigest.enabled",
        source: sourceOf(at("enabled")),
        message:
          "is true but the digest has nowhere to go; set metrics.weeklyDigest.email and/or slackChannel",
      },
    ];
  const issues: ConfigIssue[] = [];
  if (digest.email.length > 0 && !config.email.host)
    issues.push({
      key: "metrics.weeklyDigest.email",
      source: sourceOf(at("email")),
      message: "needs SMTP: set email.host (SMTP_HOST), or remove the addresses",
    });
  if (digest.slackChannel !== null && !config.slack.botToken)
    issues.push({
      key: "metrics.weeklyDigest.slackChannel",
      source: sourceOf(at("slackChannel")),
      message: "needs Slack: set slack.botToken (SLACK_BOT_TOKEN), or set slackChannel to null",
    });
  return issues;
}

/** Combinations that parse but contradict each other. */
function contradictions(config: Config, sourceOf: (path: KeyPath) => string): ConfigIssue[] {
  return [
    ...dataDirUnused(config, sourceOf),
    ...aiHalfConfigured(config, sourceOf),
    ...digestUndeliverable(config, sourceOf),
  ];
}

/**
 * Builds the configuration: defaults, then the YAML file, then environment variables (env wins).
 * Throws ConfigError listing every problem at once, each with its key and source.
 */
export function loadConfig(opts: LoadConfigOptions): Config {
  const { path, namedBy } = configFileLocation(opts);
  const read = readConfigFile(path, namedBy);
  const issues: ConfigIssue[] = read.ok ? [] : [...read.issues];
  const file = read.ok ? read.file : undefined;

  let input: Record<string, unknown> = {};
  if (file && isMapping(file.data)) input = structuredClone(file.data);
  else if (file && file.data !== null && file.data !== undefined) {
    const got = describeValue(file.data, false);
    issues.push({
      key: "",
      source: file.path,
      message: `expected a mapping of settings at the top level, got ${got}`,
    });
  }
  dropEmptyGroups(input);
  const envValues = readEnvValues(opts.env);
  for (const [key, { value }] of envValues) setIn(input, key, value);

  const sourceOf = sourceFinder(file, envValues);
  const parsed = configSchema.safeParse(input);
  if (parsed.success) issues.push(...contradictions(parsed.data, sourceOf));
  else issues.push(...parsed.error.issues.flatMap((i) => toConfigIssues(i, input, envValues, sourceOf)));
  if (!parsed.success || issues.length > 0) throw new ConfigError(issues);

  const config = parsed.data;
  config.storage.dataDir = resolve(opts.cwd, config.storage.dataDir);
  if (config.server.publicUrl) config.server.publicUrl = config.server.publicUrl.replace(/\/+$/, "");
  if (config.ai.baseUrl) config.ai.baseUrl = config.ai.baseUrl.replace(/\/+$/, "");
  return config;
}
