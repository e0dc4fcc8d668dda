import { ALERT_SEVERITIES } from "#domain/alert/event.ts";
import type { CommandContext, CommandGroup, CommandSpec } from "../command.ts";
import { printAlertDetail, printAlertTable } from "../render/alerting.ts";
import { ALERT_STATUSES, type AlertDetail, type AlertView, oneOf, type Page } from "./alerting-shared.ts";

/** The API's largest page: --all walks the cursor with it. */
const MAX_PAGE = 200;

async function fetchAlerts(ctx: CommandContext): Promise<Page<AlertView>> {
  const a = ctx.args;
  const joined = (values: string[]) => (values.length ? values.join(",") : undefined);
  const all = a.boolean("all");
  const query = {
    status: joined(a.strings("status").map((s) => oneOf("status", s, ALERT_STATUSES))),
    severity: joined(a.strings("severity").map((s) => oneOf("severity", s, ALERT_SEVERITIES))),
    service: joined(a.strings("service")),
    incident: a.string("incident")?.trim(),
    limit: all ? MAX_PAGE : a.integer("limit"),
    cursor: a.string("cursor"),
  };
  const fieldNames = {
    status: "--status",
    severity: "--severity",
    service: "--service",
    incident: "--incident",
  };
  const first = await ctx.api().get<Page<AlertView>>("/api/v1/alerts", { query, fieldNames });
  if (!all) return first;
  const items = [...first.items];
  let cursor = first.next_cursor;
  while (cursor) {
    const page = await ctx
      .api()
      .get<Page<AlertView>>("/api/v1/alerts", { query: { ...query, cursor }, fieldNames });
    items.push(...page.items);
    cursor = page.next_cursor;
  }
  return { items, next_cursor: null };
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
      description: "open, triggered, acknowledged or resolved",
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
    { name: "limit", type: "string", value: "N", description: "At most N alerts (1–200, default 50)" },
    {
      name: "cursor",
      type: "string",
      value: "CURSOR",
      description: "Continue after the page that printed it",
    },
    { name: "all", type: "boolean", description: "Fetch every page" },
  ],
  connects: true,
  examples: [
    "foghorn alert list --status open --service checkout",
    "foghorn alert list --incident INC-3",
    "foghorn alert list --severity critical,error --all --json | jq -r '.items[].summary'",
  ],
  async run(ctx) {
    const page = await fetchAlerts(ctx);
    ctx.out.result(page, ({ items, next_cursor }) => {
      if (items.length === 0) {
        ctx.out.print("No alerts match.");
        ctx.out.print(
          "Alerts arrive through integrations: foghorn integration create --service NAME --kind alertmanager",
        );
        return;
      }
      printAlertTable(ctx.out, items, ctx.now());
      if (next_cursor)
        ctx.out.print(ctx.out.color.dim(`More: repeat with --cursor ${next_cursor} (or --all)`));
    });
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
