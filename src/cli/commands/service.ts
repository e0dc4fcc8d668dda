import type { CommandContext, CommandGroup, CommandSpec, FlagSpec } from "../command.ts";
import { usageError } from "../errors.ts";
import { orDash, paint } from "../format.ts";
import type { Page } from "../paging.ts";
import { printServiceDetail, printServiceSettings } from "../render/alerting.ts";
import {
  healthCell,
  type Integration,
  parseOnAlertsResolved,
  parseSeverityMap,
  SERVICE_FIELD_FLAGS,
  type ServiceDetail,
  type ServiceSummary,
  servicePath,
} from "./alerting-shared.ts";

const SERVICE_ARG = { name: "NAME", description: "The service's name, e.g. checkout" };

const SETTINGS_FLAGS: readonly FlagSpec[] = [
  { name: "description", type: "string", value: "TEXT", description: "What the service is, for responders" },
  {
    name: "severity-map",
    type: "string",
    value: "MAP",
    description:
      'Alert severity → incident severity, e.g. warning=SEV2,info=SEV4 (others keep critical=SEV1, error=SEV2, warning=SEV3, info=SEV4; "default" clears)',
  },
  {
    name: "on-alerts-resolved",
    type: "string",
    value: "WHAT",
    description:
      'What an incident becomes once all its alerts resolved: mitigating, resolved or none (left as is); "default": the server\'s setting',
  },
];

const POLICY_FLAG: FlagSpec = {
  name: "policy",
  type: "string",
  value: "POLICY",
  description:
    'Escalation policy that pages for the service\'s incidents (foghorn policy list); "none": page no one',
};

const TEAM_FLAG: FlagSpec = {
  name: "team",
  type: "string",
  value: "TEAM",
  description:
    'The team that owns the service (foghorn team list; the metrics\' --team filter); "none": no team',
};

/** The body of POST/PATCH /services from the settings flags; only the flags given. */
function settingsBody(ctx: CommandContext): Record<string, unknown> {
  const a = ctx.args;
  const body: Record<string, unknown> = {};
  const description = a.string("description");
  if (description !== undefined) body.description = description;
  const map = a.string("severity-map");
  if (map !== undefined) body.severity_map = parseSeverityMap(map);
  const onResolved = a.string("on-alerts-resolved");
  if (onResolved !== undefined) body.on_alerts_resolved = parseOnAlertsResolved(onResolved);
  const policy = a.string("policy");
  if (policy !== undefined) body.escalation_policy = policy.trim().toLowerCase() === "none" ? null : policy;
  const team = a.string("team");
  if (team !== undefined) body.team = team.trim().toLowerCase() === "none" ? null : team;
  return body;
}

const list: CommandSpec = {
  kind: "command",
  name: "list",
  aliases: ["ls"],
  summary: "List services with their health and integrations",
  description:
    "Health is derived from the service's health checks and open alerts: healthy, degraded (something is\n" +
    "wrong, the service still answers) or down (every check failing, or a critical alert open).",
  connects: true,
  examples: [
    "foghorn service list",
    "foghorn service list --json | jq -r '.items[] | select(.health.status != \"healthy\") | .name'",
  ],
  async run(ctx) {
    const api = ctx.api();
    if (ctx.out.json) {
      ctx.out.printJson(await api.get<Page<ServiceSummary>>("/api/v1/services"));
      return 0;
    }
    const [services, integrations] = await Promise.all([
      api.get<Page<ServiceSummary>>("/api/v1/services"),
      api.get<Page<Integration>>("/api/v1/integrations"),
    ]);
    if (services.items.length === 0) {
      ctx.out.print("No services yet. Create one, or name one when declaring an incident:");
      ctx.out.print('  foghorn service create checkout --description "Payment pages"');
      return 0;
    }
    const count = new Map<string, number>();
    for (const i of integrations.items) count.set(i.service, (count.get(i.service) ?? 0) + 1);
    const c = ctx.out.color;
    ctx.out.table(
      ["NAME", "HEALTH", "INTEGRATIONS", "DESCRIPTION"],
      services.items.map((s) => {
        const health = healthCell(s.health.status, c);
        const why = s.health.reasons.length ? ` (${s.health.reasons.join("; ")})` : "";
        return [
          { text: s.name, paint: c.bold },
          typeof health === "object" ? { ...health, text: `${health.text}${why}` } : health,
          String(count.get(s.name) ?? 0),
          orDash(s.description),
        ];
      }),
    );
    return 0;
  },
};

const create: CommandSpec = {
  kind: "command",
  name: "create",
  summary: "Create a service that alerts and incidents can name",
  description:
    "Alerts of the service open incidents with the severity the map gives (critical=SEV1, error=SEV2,\n" +
    "warning=SEV3, info=SEV4 unless overridden). Next, connect a sender with `foghorn integration create`.",
  args: [SERVICE_ARG],
  flags: SETTINGS_FLAGS,
  connects: true,
  examples: [
    'foghorn service create checkout --description "Payment pages and the /pay API"',
    "foghorn service create search --severity-map warning=SEV2,info=SEV4 --on-alerts-resolved resolved",
    "foghorn service create batch --on-alerts-resolved none --json | jq .health",
  ],
  async run(ctx) {
    const name = ctx.args.arg("NAME");
    const settings = settingsBody(ctx);
    // null means "the default" in an update; a new service has the default already.
    const body = Object.fromEntries(Object.entries({ name, ...settings }).filter(([, v]) => v !== null));
    const service = await ctx
      .api()
      .post<ServiceDetail>("/api/v1/services", body, { fieldNames: SERVICE_FIELD_FLAGS });
    ctx.out.result(service, (s) => {
      ctx.out.print(`Created service ${ctx.out.color.bold(s.name)}.`);
      printServiceSettings(ctx.out, s);
      ctx.out.print("");
      ctx.out.print(
        `Next, connect a sender: foghorn integration create --service ${s.name} --kind alertmanager`,
      );
    });
    return 0;
  },
};

const show: CommandSpec = {
  kind: "command",
  name: "show",
  summary: "Show a service: settings, health, integrations, checks, maintenance, change events",
  args: [SERVICE_ARG],
  connects: true,
  examples: [
    "foghorn service show checkout",
    "foghorn service show checkout --json | jq -r '.integrations[].url'",
  ],
  async run(ctx) {
    const service = await ctx.api().get<ServiceDetail>(servicePath(ctx.args.arg("NAME")));
    ctx.out.result(service, (s) => printServiceDetail(ctx.out, s, ctx.connection().url, ctx.now()));
    return 0;
  },
};

const set: CommandSpec = {
  kind: "command",
  name: "set",
  summary: "Change a service's description, severity map, what resolved alerts do, who is paged, or its team",
  args: [SERVICE_ARG],
  flags: [...SETTINGS_FLAGS, POLICY_FLAG, TEAM_FLAG],
  connects: true,
  examples: [
    "foghorn service set checkout --severity-map warning=SEV2,info=SEV4",
    "foghorn service set checkout --on-alerts-resolved resolved",
    'foghorn service set checkout --severity-map default --description "Payment pages"',
    "foghorn service set checkout --policy checkout-oncall",
    "foghorn service set checkout --team payments",
  ],
  async run(ctx) {
    const name = ctx.args.arg("NAME");
    const body = settingsBody(ctx);
    if (Object.keys(body).length === 0)
      throw usageError(`service set needs at least one change, e.g. ${set.examples[0]}`);
    const service = await ctx.api().patch<ServiceDetail>(servicePath(name), body, {
      fieldNames: { ...SERVICE_FIELD_FLAGS, escalation_policy: "--policy", team: "--team" },
    });
    ctx.out.result(service, (s) => {
      ctx.out.print(
        `Updated ${ctx.out.color.bold(s.name)}  ${paint(healthCell(s.health.status, ctx.out.color))}`,
      );
      printServiceSettings(ctx.out, s);
    });
    return 0;
  },
};

export const serviceGroup: CommandGroup = {
  kind: "group",
  name: "service",
  summary: "Create services, set how their alerts become incidents, see their health",
  description:
    "A service is what alerts arrive for and incidents affect. Its integrations receive alerts, its\n" +
    "health checks probe it, its maintenance windows mute it.",
  children: [list, create, show, set],
  examples: [
    'foghorn service create checkout --description "Payment pages"',
    "foghorn service list",
    "foghorn service show checkout",
  ],
};
