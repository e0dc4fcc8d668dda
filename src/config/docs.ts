import { stringify } from "yaml";
import { SEVERITIES } from "#domain/incident/severity.ts";
import { CONFIG_ENV_VARS, CONFIG_FILE_ENV } from "./env.ts";
import { type ConfigField, childNames, findField } from "./fields.ts";

/**
 * Renders docs/configuration.md from the schema. scripts/gen-config-docs.ts writes it, and
 * docs.test.ts fails when the committed file differs.
 */

const POLICY_KEY = "incidents.severityPolicy";

const envOf = new Map(CONFIG_ENV_VARS.map((v) => [v.key, v.env]));

function cell(text: string): string {
  return text.replaceAll("|", "\\|");
}

/** Length in characters (code points), as a reader sees it. */
function width(text: string): number {
  return [...text].length;
}

/** A markdown table with padded columns, laid out as Biome's markdown formatter does. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(3, width(h), ...rows.map((r) => width(r[i] ?? ""))));
  const line = (cells: string[]) =>
    `| ${widths.map((w, i) => (cells[i] ?? "") + " ".repeat(w - width(cells[i] ?? ""))).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

function code(value: unknown): string {
  return value === undefined ? "not set" : `\`${cell(JSON.stringify(value))}\``;
}

function yamlValue(value: unknown): string {
  // Lists and mappings in flow style (JSON is valid YAML) so they fit on the one commented-out line.
  if (Array.isArray(value) || (typeof value === "object" && value !== null)) return JSON.stringify(value);
  return stringify(value).trimEnd();
}

function field(key: string): ConfigField {
  const found = findField(key);
  if (!found) throw new Error(`no config key ${key}`);
  return found;
}

function description(f: ConfigField): string {
  return f.secret
    ? `${f.description} Secret: never shown in error messages or in logged configuration.`
    : f.description;
}

/** The rows of a group's keys; a nested group (metrics.weeklyDigest) is a row followed by its own keys. */
function settingsRows(group: string): string[][] {
  return childNames(group).flatMap((name) => {
    const f = field(`${group}.${name}`);
    if (f.key === POLICY_KEY) return [[`\`${f.key}\``, "mapping", "see below", "", cell(f.description)]];
    if (f.group) return [[`\`${f.key}\``, "mapping", "", "", cell(f.description)], ...settingsRows(f.key)];
    const env = envOf.get(f.key);
    return [[`\`${f.key}\``, cell(f.type), code(f.default), env ? `\`${env}\`` : "", cell(description(f))]];
  });
}

function settingsTable(group: string): string[] {
  return table(["Key", "Type", "Default", "Env", "Description"], settingsRows(group));
}

function policySection(): string[] {
  const policy = field(POLICY_KEY);
  const names = childNames(`${POLICY_KEY}.SEV1`);
  const fields = names.map((name) => field(`${POLICY_KEY}.SEV1.${name}`));
  const defaults = names.map((name) => [
    `\`${name}\``,
    ...SEVERITIES.map((level) => code(field(`${POLICY_KEY}.${level}.${name}`).default)),
  ]);
  return [
    `### \`${POLICY_KEY}\``,
    "",
    `${policy.description} Durations are in minutes unless the name says hours.`,
    "",
    ...table(
      ["Field", "Type", "Description"],
      fields.map((f) => [`\`${f.key.split(".").pop()}\``, cell(f.type), cell(f.description)]),
    ),
    "",
    "Defaults:",
    "",
    ...table(["Field", ...SEVERITIES], defaults),
    "",
    "For example, to page faster for SEV2 and drop the SEV1 escalation timer:",
    "",
    "```yaml",
    POLICY_OVERRIDE_EXAMPLE.trimEnd(),
    "```",
  ];
}

/** The override example shown in the docs (docs.test.ts loads it). */
export const POLICY_OVERRIDE_EXAMPLE = `incidents:
  severityPolicy:
    SEV1:
      escalateIfUnresolvedMinutes: null
    SEV2:
      ackWithinMinutes: 10
`;

/** The example lines of a group's keys, indented `depth` levels; nested groups (metrics.weeklyDigest) nest. */
function exampleLines(group: string, depth: number): string[] {
  const pad = "  ".repeat(depth);
  const lines: string[] = [];
  for (const name of childNames(group)) {
    const f = field(`${group}.${name}`);
    if (f.key === POLICY_KEY) {
      lines.push(`${pad}# ${f.description} See "${POLICY_KEY}" in docs/configuration.md.`);
      lines.push(`${pad}# severityPolicy:`, `${pad}#   SEV2:`, `${pad}#     ackWithinMinutes: 10`);
      continue;
    }
    if (f.group) {
      lines.push(`${pad}# ${f.description}`, `${pad}${name}:`, ...exampleLines(f.key, depth + 1));
      continue;
    }
    const env = envOf.get(f.key);
    lines.push(`${pad}# ${f.description}${env ? ` Env: ${env}.` : ""}`);
    lines.push(`${pad}# ${name}: ${yamlValue(f.default === undefined ? f.examples[0] : f.default)}`);
  }
  return lines;
}

/** A foghorn.config.yaml listing every key, commented out, with its default or an example value. */
export function renderExampleConfig(): string {
  const lines: string[] = [];
  for (const group of childNames("")) lines.push(`${group}:`, ...exampleLines(group, 1));
  return `${lines.join("\n")}\n`;
}

const DURABILITY = `## Storage backends and durability

Foghorn speaks PostgreSQL to one of two backends:

- **PGlite (default, embedded).** PostgreSQL compiled to WebAssembly, running inside the Foghorn
  process with its files in \`storage.dataDir\`. Nothing else to install. Commits are durable across
  process crashes (\`kill -9\`, out-of-memory kills), but PGlite does not fsync: a power loss or an
  operating-system crash can lose the most recent commits. Only one Foghorn process may use a data
  folder at a time.
- **PostgreSQL (set \`storage.databaseUrl\` / \`DATABASE_URL\`).** Durable across power loss with
  stock settings (\`fsync\` and \`synchronous_commit\` on). Use it for production, and to run several
  Foghorn replicas against one database.

Setting both \`storage.dataDir\` and \`storage.databaseUrl\` is refused: the data folder is unused
when PostgreSQL is selected, so one of the two is a mistake.
`;

function intro(): string {
  return `# Configuration

<!-- Generated from src/config/schema.ts by scripts/gen-config-docs.ts. Do not edit by hand. -->

Foghorn reads its configuration once, at start, from three layers; a later layer wins:

1. the defaults below;
2. a YAML file: the path given on the command line, else \`$${CONFIG_FILE_ENV}\`, else
   \`foghorn.config.yaml\` in the working directory. A missing default file is fine; a file named
   explicitly must exist;
3. environment variables (see the table below).

Keys are camelCase, the same in YAML as below. Unknown keys are rejected. When anything is wrong
Foghorn refuses to start and lists every problem, one per line, with the key, where the value came
from (file and line, or environment variable) and what it expects:

\`\`\`text
Invalid Foghorn configuration (2 problems):
  server.port (env PORT): expected an integer between 0 and 65535, got "eighty"
  server.prot (/etc/foghorn/foghorn.config.yaml:3): unknown key; did you mean "port"?
\`\`\`
`;
}

function envSection(): string[] {
  return [
    "## Environment variables",
    "",
    "An empty variable counts as unset. Booleans accept `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`.",
    "",
    ...table(
      ["Variable", "Key", "Description"],
      [
        [`\`${CONFIG_FILE_ENV}\``, "", "Path of the YAML config file, relative to the working directory."],
        ...CONFIG_ENV_VARS.map((v) => [`\`${v.env}\``, `\`${v.key}\``, cell(v.description)]),
      ],
    ),
  ];
}

/** The full text of docs/configuration.md. */
export function renderConfigDocs(): string {
  const parts: string[] = [intro(), "## Settings", ""];
  for (const group of childNames("")) {
    parts.push(`### \`${group}\``, "", field(group).description, "", ...settingsTable(group), "");
  }
  parts.push(...policySection(), "", ...envSection(), "");
  parts.push("## Example `foghorn.config.yaml`", "");
  parts.push("Every key with its default (or an example value); uncomment what you change.", "");
  parts.push("```yaml", renderExampleConfig().trimEnd(), "```", "", DURABILITY);
  return parts.join("\n");
}
