import type { IncidentDetail, IncidentList } from "#app/incidents/get.ts";
import type { verifyTimeline } from "#app/incidents/timeline.ts";
import type { CommandContext, CommandSpec } from "../command.ts";
import { CliError, EXIT } from "../errors.ts";
import { fetchPages, type Page, pagingFlags, printPage } from "../paging.ts";
import { printIncidentTable } from "../render/incident.ts";
import { printIncidentDetail } from "../render/incident-detail.ts";
import { printTimelineEvents, type Timeline } from "../render/timeline.ts";
import { fieldFlagNames, parseFieldFlags } from "./field-flags.ts";
import { INCIDENT_ARG, incidentPath } from "./incident-shared.ts";

type Verdict = Awaited<ReturnType<typeof verifyTimeline>>;

type IncidentListItem = IncidentList["items"][number];

function fetchIncidents(ctx: CommandContext): Promise<Page<IncidentListItem>> {
  const a = ctx.args;
  const join = (name: string) => (a.strings(name).length ? a.strings(name).join(",") : undefined);
  const filters = {
    status: join("status"),
    severity: join("severity"),
    service: join("service"),
    assignee: a.string("assignee"),
    sort: a.string("sort"),
    q: a.string("search"),
    type: a.string("type"),
    ...Object.fromEntries(
      Object.entries(parseFieldFlags(a.values("field"))).map(([k, v]) => [`field.${k}`, v]),
    ),
  };
  const names = {
    q: "--search",
    type: "--type",
    ...fieldFlagNames(Object.keys(parseFieldFlags(a.values("field"))), "field"),
  };
  return fetchPages<IncidentListItem>(ctx, "/api/v1/incidents", filters, names);
}

const list: CommandSpec = {
  kind: "command",
  name: "list",
  aliases: ["ls"],
  summary: "List incidents, newest first, with filters",
  flags: [
    {
      name: "status",
      type: "string",
      multiple: true,
      value: "STATUS",
      description:
        "triggered, acknowledged, investigating, mitigating, resolved, postmortem, or open / closed",
    },
    {
      name: "severity",
      type: "string",
      multiple: true,
      value: "SEV",
      description: "SEV1–SEV4 (or critical…low, P1–P4)",
    },
    { name: "service", type: "string", multiple: true, value: "NAME", description: "Affecting this service" },
    { name: "assignee", type: "string", value: "HANDLE", description: "Commanded by this person" },
    { name: "search", type: "string", value: "TEXT", description: "Text in the title or description" },
    { name: "type", type: "string", value: "NAME", description: "Declared with this incident type" },
    {
      name: "field",
      type: "string",
      multiple: true,
      value: "KEY=VALUE",
      description: "With this custom field value (several: all must match)",
    },
    {
      name: "sort",
      type: "string",
      value: "COLUMN",
      description:
        "id, title, severity, status, assignee, duration or created_at; - first for descending (default -created_at)",
    },
    ...pagingFlags("incidents"),
  ],
  connects: true,
  examples: [
    "foghorn incident list --status open --severity SEV1 --severity SEV2",
    "foghorn incident list --service checkout --assignee bob --sort -created_at --limit 20",
    'foghorn incident list --type "Security breach" --field customer_tier=gold',
  ],
  async run(ctx) {
    printPage(
      ctx,
      await fetchIncidents(ctx),
      [
        "No incidents match.",
        'Declare one: foghorn incident declare --title "..." --severity SEV3   (or load: foghorn demo)',
      ],
      (items) => printIncidentTable(ctx.out, items),
    );
    return 0;
  },
};

const show: CommandSpec = {
  kind: "command",
  name: "show",
  summary: "Show an incident: summary, roles, SLA clocks, evidence, updates, action items, latest events",
  args: [INCIDENT_ARG],
  connects: true,
  examples: ["foghorn incident show INC-7", "foghorn incident show 7 --json | jq .sla"],
  async run(ctx) {
    const ref = ctx.args.arg("INCIDENT");
    const api = ctx.api();
    if (ctx.out.json) {
      ctx.out.printJson(await api.get<IncidentDetail>(incidentPath(ref)));
      return 0;
    }
    const [incident, timeline] = await Promise.all([
      api.get<IncidentDetail>(incidentPath(ref)),
      api.get<Timeline>(incidentPath(ref, "/timeline")),
    ]);
    printIncidentDetail(ctx.out, incident, timeline.events, ctx.now());
    return 0;
  },
};

const timeline: CommandSpec = {
  kind: "command",
  name: "timeline",
  summary: "Print an incident's timeline, oldest first",
  args: [INCIDENT_ARG],
  flags: [{ name: "last", type: "string", value: "N", description: "Only the latest N events" }],
  connects: true,
  examples: [
    "foghorn incident timeline INC-7",
    "foghorn incident timeline INC-7 --last 5",
    "foghorn incident timeline INC-7 --json",
  ],
  async run(ctx) {
    const t = await ctx.api().get<Timeline>(incidentPath(ctx.args.arg("INCIDENT"), "/timeline"));
    const last = ctx.args.integer("last");
    const events = last === undefined ? t.events : t.events.slice(-last);
    ctx.out.result({ ...t, events }, (r) => printTimelineEvents(ctx.out, r.events));
    return 0;
  },
};

const verify: CommandSpec = {
  kind: "command",
  name: "verify",
  summary: "Check the timeline's tamper-evident hash chain (exit 0 intact, 1 broken)",
  description:
    "Asks the server to re-hash every timeline event and follow the chain to the head the incident\n" +
    "recorded. Exit 0 when intact; exit 1 with where and how it breaks (an edited, missing or removed event).",
  args: [INCIDENT_ARG],
  connects: true,
  examples: [
    "foghorn incident verify INC-7",
    "foghorn incident verify INC-7 --json",
    "for i in $(foghorn incident list --all --json | jq -r '.items[].id'); do foghorn incident verify $i; done",
  ],
  async run(ctx) {
    const v = await ctx.api().get<Verdict>(incidentPath(ctx.args.arg("INCIDENT"), "/timeline/verify"));
    if (ctx.out.json) ctx.out.printJson(v);
    if (!v.ok)
      throw new CliError(
        EXIT.FAILED,
        `${v.incident_id} timeline is broken at event #${v.broken_at_seq}: ${v.problem}`,
      );
    if (!ctx.out.json) {
      const head = v.head ? `, head ${v.head.slice(0, 12)}` : "";
      ctx.out.print(
        `${ctx.out.color.green("ok")}: ${v.incident_id} timeline is intact (${v.events} events${head})`,
      );
    }
    return 0;
  },
};

export const incidentReadCommands: readonly CommandSpec[] = [list, show, timeline, verify];
