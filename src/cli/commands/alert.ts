import { ALERT_SEVERITIES } from "#domain/alert/event.ts";
import type { CommandContext, CommandGroup, CommandSpec } from "../command.ts";
import { fetchPages, type Page, pagingFlags, printPage } from "../paging.ts";
import { printAlertDetail, printAlertTable } from "../render/alerting.ts";
import { ALERT_STATUSES, type AlertDetail, type AlertView, oneOf } from "./alerting-shared.ts";

function fetchAlerts(ctx: CommandContext): Promise<Page<AlertView>> {
  const a = ctx.args;
  const joined = (values: string[]) => (values.length ? values.join(",") : undefined);
  // "all" (or "any", the web UI's word) is every status: the same as no --status.
  const statuses = a.strings("status").map((s) => oneOf("status", s, [...ALERT_STATUSES, "all", "any"]));
  const filters = {
    status: statuses.some((s) => s === "all" || s === "any") ? undefined : joined(statuses),
    severity: joined(a.strings("severity").map((s) => oneOf("severity", s, ALERT_SEVERITIES))),
    service: joined(a.strings("service")),
    incident: a.string("incident")?.trim(),
  };
  return fetchPages<AlertView>(ctx, "/api/v1/alerts", filters, {
    status: "--status",
    severity: "--severity",
    service: "--service",
    incident: "--incident",
  });
}

const list: CommandSpec = {
  kind: "command",
  name: "list",
  aliases: ["ls"],
  summary: "List alerts, newest first, with filters",
  description:
    "An alert is one problem a sender reported (Alertmanager groups are one alert with members); repeats\n" +
    "count as events. Statuses: triggered, acknowledged, resolved; open means triggered or acknowledged.\n" +
    "(muted) marks alerts that arrived during maintenance and paged no one.",
  flags: [
    {
      name: "status",
      type: "string",
      multiple: true,
      value: "STATUS",
      description: "open, triggered, acknowledged, resolved, or all (the default)",
    },
    { name: "service", type: "string", multiple: true, value: "NAME", description: "Of this service" },
    {
      name: "severity",
      type: "string",
      multiple: true,
      value: "SEVERITY",
      description: `${ALERT_SEVERITIES.join(", ")}`,
    },
    {
      name: "incident",
      type: "string",
      value: "INCIDENT",
      description: "Attached to this incident, e.g. INC-3",
    },
    ...pagingFlags("alerts"),
  ],
  connects: true,
  examples: [
    "foghorn alert list --status open --service checkout",
    "foghorn alert list --incident INC-3",
    "foghorn alert list --severity critical,error --all --json | jq -r '.items[].summary'",
  ],
  async run(ctx) {
    printPage(
      ctx,
      await fetchAlerts(ctx),
      [
        "No alerts match.",
        "Alerts arrive through integrations: foghorn integration create --service NAME --kind alertmanager",
      ],
      (items) => printAlertTable(ctx.out, items, ctx.now()),
    );
    return 0;
  },
};

const show: CommandSpec = {
  kind: "command",
  name: "show",
  summary: "Show an alert: source, incident, details, links and its member alerts",
  args: [{ name: "ALERT", description: "The alert id, e.g. ALR-7 (or 7)" }],
  connects: true,
  examples: ["foghorn alert show ALR-7", "foghorn alert show 7 --json | jq '.members[].labels'"],
  async run(ctx) {
    const ref = ctx.args.arg("ALERT").trim();
    const alert = await ctx.api().get<AlertDetail>(`/api/v1/alerts/${encodeURIComponent(ref)}`);
    ctx.out.result(alert, (a) => printAlertDetail(ctx.out, a, ctx.now()));
    return 0;
  },
};

export const alertGroup: CommandGroup = {
  kind: "group",
  name: "alert",
  summary: "List and show the alerts senders reported, and the incidents they opened",
  description: "Alerts are named ALR-<number>; plain numbers work too.",
  children: [list, show],
  examples: ["foghorn alert list --status open", "foghorn alert show ALR-7"],
};
