import type { CommandContext, CommandGroup, CommandSpec } from "../command.ts";
import { CliError, EXIT, usageError } from "../errors.ts";
import { isRecord } from "../json.ts";
import { type Page, printPage } from "../paging.ts";
import {
  fields,
  printIntegrationCreated,
  printIntegrationDetail,
  printIntegrationTable,
} from "../render/alerting.ts";
import {
  deleteResource,
  INTEGRATION_KINDS,
  type Integration,
  type IntegrationDetail,
  integrationPath,
  oneOf,
  readJsonFlag,
  secondsFlag,
  servicePath,
} from "./alerting-shared.ts";

const ID_ARG = { name: "ID", description: "The integration's id (from integration list or create)" };

/** Flags that only one kind takes: using them with another kind is a mistake worth naming. */
const KIND_FLAGS: Record<string, readonly string[]> = {
  heartbeat: ["interval", "grace"],
  generic: ["mapping"],
  grafana: ["hmac-secret", "signature-header", "timestamp-header"],
};

/** The kind's `config` from its flags; a usage error for a flag another kind takes or a missing one. */
async function kindConfig(ctx: CommandContext, kind: string): Promise<Record<string, unknown> | undefined> {
  const a = ctx.args;
  for (const [owner, flags] of Object.entries(KIND_FLAGS)) {
    if (owner === kind) continue;
    const used = flags.find((f) => a.string(f) !== undefined);
    if (used)
      throw usageError(
        `--${used} is for --kind ${owner} only, not ${kind}; see "foghorn integration create --help"`,
      );
  }
  if (kind === "heartbeat") {
    const interval = secondsFlag(ctx, "interval");
    if (interval === undefined)
      throw usageError(
        "a heartbeat needs --interval (how often the job pings); e.g. foghorn integration create --service backup --kind heartbeat --interval 1h --grace 10m",
      );
    const grace = secondsFlag(ctx, "grace");
    return { interval_seconds: interval, ...(grace !== undefined ? { grace_seconds: grace } : {}) };
  }
  if (kind === "generic") {
    if (a.string("mapping") === undefined)
      throw usageError(
        'a generic integration needs --mapping FILE: JSON such as {"summary": "$.title", "severity": "$.level"}',
      );
    const mapping = await readJsonFlag(ctx, "mapping");
    if (!isRecord(mapping))
      throw usageError(
        '--mapping must hold a JSON object such as {"summary": "$.title", "severity": "$.level"}',
      );
    return mapping;
  }
  if (kind === "grafana") {
    const config: Record<string, unknown> = {};
    const secret = a.string("hmac-secret");
    const signature = a.string("signature-header");
    const timestamp = a.string("timestamp-header");
    if (secret !== undefined) config.hmac_secret = secret;
    if (signature !== undefined) config.signature_header = signature;
    if (timestamp !== undefined) config.timestamp_header = timestamp;
    return Object.keys(config).length ? config : undefined;
  }
  return undefined;
}

const create: CommandSpec = {
  kind: "command",
  name: "create",
  summary: "Connect an alert sender to a service; prints the URL, routing key and config to paste",
  description:
    "Kinds: alertmanager (webhook_configs), grafana (a Webhook contact point), pagerduty (anything that\n" +
    "speaks the PagerDuty Events API v2, e.g. Alertmanager's pagerduty_configs), generic (any JSON, mapped\n" +
    "with --mapping), heartbeat (a job pings it; silence longer than --interval + --grace opens an alert).\n" +
    "The routing key in the URL is the secret: whoever has it can send alerts to the service.\n" +
    "Durations: 30s, 5m, 1h, 1h30m; a plain number is seconds.",
  flags: [
    {
      name: "service",
      type: "string",
      value: "NAME",
      description: "The service that receives the alerts (required)",
    },
    {
      name: "kind",
      type: "string",
      value: "KIND",
      description: `${INTEGRATION_KINDS.join(", ")} (required)`,
    },
    {
      name: "name",
      type: "string",
      value: "NAME",
      description: 'A label, e.g. "prod alertmanager" (default: SERVICE KIND)',
    },
    {
      name: "interval",
      type: "string",
      value: "DURATION",
      description: "heartbeat: how often the job pings, e.g. 1h (at least 10s)",
    },
    {
      name: "grace",
      type: "string",
      value: "DURATION",
      description: "heartbeat: extra wait before alerting (default 30s)",
    },
    {
      name: "mapping",
      type: "string",
      value: "FILE",
      description:
        'generic: JSON file of selectors, e.g. {"summary": "$.title", "severity": "$.level"} (- reads stdin)',
    },
    {
      name: "hmac-secret",
      type: "string",
      value: "SECRET",
      description: "grafana: verify Grafana's HMAC signature with this secret",
    },
    {
      name: "signature-header",
      type: "string",
      value: "HEADER",
      description: "grafana: the signature header (default: both of Grafana's spellings)",
    },
    {
      name: "timestamp-header",
      type: "string",
      value: "HEADER",
      description: "grafana: the timestamp header configured in the contact point (signs time + body)",
    },
    {
      name: "rate-limit",
      type: "string",
      value: "N",
      description: "Events per minute before senders are told to retry (0: unlimited; default: the server's)",
    },
  ],
  connects: true,
  examples: [
    "foghorn integration create --service checkout --kind alertmanager",
    "foghorn integration create --service backup --kind heartbeat --interval 1h --grace 10m",
    "foghorn integration create --service shop --kind generic --mapping mapping.json --rate-limit 120",
  ],
  async run(ctx) {
    const a = ctx.args;
    const service = a.requiredString("service");
    const kind = oneOf("kind", a.requiredString("kind"), INTEGRATION_KINDS);
    const config = await kindConfig(ctx, kind);
    const rateLimit = a.integer("rate-limit");
    const name = a.string("name");
    const body = {
      kind,
      ...(name !== undefined ? { name } : {}),
      ...(config ? { config } : {}),
      ...(rateLimit !== undefined ? { rate_limit_per_minute: rateLimit } : {}),
    };
    const integration = await ctx.api().post<Integration>(servicePath(service, "/integrations"), body, {
      fieldNames: {
        kind: "--kind",
        name: "--name",
        rate_limit_per_minute: "--rate-limit",
        ...(kind === "generic" ? { config: "--mapping" } : {}),
      },
    });
    ctx.out.result(integration, (i) => printIntegrationCreated(ctx.out, i, ctx.connection().url));
    return 0;
  },
};

const list: CommandSpec = {
  kind: "command",
  name: "list",
  aliases: ["ls"],
  summary: "List integrations, with the URL each sender posts to",
  flags: [{ name: "service", type: "string", value: "NAME", description: "Only this service's" }],
  connects: true,
  examples: [
    "foghorn integration list",
    "foghorn integration list --service checkout",
    "foghorn integration list --json | jq -r '.items[] | [.service, .kind, .url] | @tsv'",
  ],
  async run(ctx) {
    const service = ctx.args.string("service");
    const page = await ctx.api().get<Page<Integration>>("/api/v1/integrations", {
      query: { service },
      fieldNames: { service: "--service" },
    });
    printPage(
      ctx,
      page,
      [
        service ? `No integrations for ${service} yet. Create one:` : "No integrations yet. Create one:",
        `  foghorn integration create --service ${service ?? "checkout"} --kind alertmanager`,
      ],
      (items) => printIntegrationTable(ctx.out, items, ctx.connection().url, ctx.now()),
    );
    return 0;
  },
};

const show: CommandSpec = {
  kind: "command",
  name: "show",
  summary: "Show an integration: URL, settings, sender setup and its recent log",
  args: [ID_ARG],
  connects: true,
  examples: [
    "foghorn integration show 0b6f3a52-6c0e-4d27-9a51-7d8e1f0c2b44",
    "foghorn integration show 0b6f3a52-6c0e-4d27-9a51-7d8e1f0c2b44 --json | jq '.log[:5]'",
  ],
  async run(ctx) {
    const integration = await ctx.api().get<IntegrationDetail>(integrationPath(ctx.args.arg("ID")));
    ctx.out.result(integration, (i) => printIntegrationDetail(ctx.out, i, ctx.connection().url, ctx.now()));
    return 0;
  },
};

const remove: CommandSpec = {
  kind: "command",
  name: "delete",
  aliases: ["rm"],
  summary: "Delete an integration: its URL and routing key stop working at once (its alerts stay)",
  args: [ID_ARG],
  connects: true,
  examples: [
    "foghorn integration delete 0b6f3a52-6c0e-4d27-9a51-7d8e1f0c2b44",
    "foghorn integration list --service old --json | jq -r '.items[].id' | xargs -n1 foghorn integration delete",
  ],
  async run(ctx) {
    const id = ctx.args.arg("ID").trim();
    await deleteResource(
      ctx,
      integrationPath(id),
      { id },
      `Deleted integration ${id}; senders using its URL or routing key are now refused.`,
    );
    return 0;
  },
};

interface DryRun {
  ok: boolean;
  event?: Record<string, unknown>;
  matched?: Record<string, unknown>;
  errors?: { field: string; message: string }[];
  notes?: string[];
}

function text(value: unknown): string {
  if (value === undefined || value === null || value === "") return "-";
  return typeof value === "string" ? value : JSON.stringify(value);
}

const test: CommandSpec = {
  kind: "command",
  name: "test",
  summary: "Dry-run a sample body through a generic integration's mapping (nothing is stored)",
  description:
    "Shows the alert a sample JSON body would become (action, summary, severity, dedup key, source) and\n" +
    "what each selector of the mapping matched. Exit 1 when the sample would be refused.",
  args: [ID_ARG],
  flags: [
    {
      name: "sample",
      type: "string",
      value: "FILE",
      description: "A JSON body as the sender posts it (- reads stdin) (required)",
    },
  ],
  connects: true,
  examples: [
    "foghorn integration test 0b6f3a52-6c0e-4d27-9a51-7d8e1f0c2b44 --sample body.json",
    "curl -s https://tool.example.com/last-event | foghorn integration test 0b6f3a52-6c0e-4d27-9a51-7d8e1f0c2b44 --sample -",
  ],
  async run(ctx) {
    const id = ctx.args.arg("ID");
    const sample = await readJsonFlag(ctx, "sample");
    const result = await ctx.api().post<DryRun>(integrationPath(id, "/dry-run"), sample);
    if (ctx.out.json) ctx.out.printJson(result);
    if (!result.ok) {
      const errors = (result.errors ?? []).map((e) => (e.field ? `${e.field}: ${e.message}` : e.message));
      throw new CliError(
        EXIT.FAILED,
        `the sample would be refused: ${errors.join("; ") || "no reason given"}`,
      );
    }
    if (ctx.out.json) return 0;
    const e = result.event ?? {};
    const out = ctx.out;
    out.print(`${out.color.green("ok")}: the sample becomes this alert (nothing was stored):`);
    out.print("");
    fields(out, [
      ["Action", text(e.action)],
      ["Summary", text(e.summary)],
      ["Severity", text(e.severity)],
      ["Dedup key", text(e.dedup_key ?? e.dedupKey)],
      ["Source", text(e.source)],
    ]);
    const matched = Object.entries(result.matched ?? {});
    if (matched.length) {
      out.print("");
      out.print(out.color.bold("What the mapping selected"));
      fields(
        out,
        matched.map(([k, v]) => [k, text(v)]),
      );
    }
    for (const note of result.notes ?? []) out.print(out.color.yellow(`note: ${note}`));
    return 0;
  },
};

export const integrationGroup: CommandGroup = {
  kind: "group",
  name: "integration",
  summary: "Connect alert senders (Alertmanager, Grafana, PagerDuty, generic JSON, heartbeats) to services",
  description:
    "Each integration has a URL with a secret routing key; senders post alerts there. Alerts are\n" +
    "grouped per service and open incidents (see `foghorn alert list`).",
  children: [create, list, show, test, remove],
  examples: [
    "foghorn integration create --service checkout --kind alertmanager",
    "foghorn integration list --service checkout",
    "foghorn integration test 0b6f3a52-6c0e-4d27-9a51-7d8e1f0c2b44 --sample body.json",
  ],
};
