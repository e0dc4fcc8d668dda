import type { ComponentView } from "#app/status-page/components.ts";
import type { MaintenanceView } from "#app/status-page/maintenances.ts";
import type { StatusSettingsView } from "#app/status-page/settings.ts";
import { COMPONENT_STATUSES } from "#domain/status-page/types.ts";
import type { CommandContext, CommandGroup, CommandNode, CommandSpec, FlagSpec } from "../command.ts";
import { usageError } from "../errors.ts";
import { orDash } from "../format.ts";
import type { Colors } from "../output.ts";
import type { Cell } from "../table.ts";
import { deleteResource, localTimeFlag, oneOf, timeZoneFlag, wallClock } from "./alerting-shared.ts";

// `foghorn status component|group|maintenance|settings`: what the public status page shows and how it
// looks. Everything goes through /api/v1/status-page (docs/status-page.md).

const BASE = "/api/v1/status-page";
const componentPath = (ref: string, sub = "") => `${BASE}/components/${encodeURIComponent(ref.trim())}${sub}`;
const maintenancePath = (id: string, sub = "") =>
  `${BASE}/maintenances/${encodeURIComponent(id.trim())}${sub}`;

const COMPONENT_ARG = {
  name: "COMPONENT",
  description: "The component's name (ignoring case) or id, from foghorn status component list",
};
const MAINTENANCE_ARG = {
  name: "ID",
  description: "The maintenance's id, from foghorn status maintenance list",
};

/** A component status in its colour: green when fine, yellow when degraded, red when down, cyan for maintenance. */
function componentStatusCell(status: string, c: Colors, label = status): Cell {
  const paints: Record<string, (s: string) => string> = {
    operational: c.green,
    degraded_performance: c.yellow,
    partial_outage: (s) => c.bold(c.yellow(s)),
    major_outage: (s) => c.bold(c.red(s)),
    under_maintenance: c.cyan,
  };
  return { text: label, paint: paints[status] ?? ((s: string) => s) };
}

function maintenanceStatusCell(status: string, c: Colors): Cell {
  const paints: Record<string, (s: string) => string> = {
    scheduled: c.blue,
    in_progress: c.cyan,
    verifying: c.yellow,
    completed: c.dim,
  };
  return { text: status, paint: paints[status] ?? ((s: string) => s) };
}

// ---------------------------------------------------------------------------------------------------
// Components and groups

const COMPONENT_FIELD_FLAGS: readonly FlagSpec[] = [
  {
    name: "description",
    type: "string",
    value: "TEXT",
    description: "What it is, for visitors (none: remove)",
  },
  {
    name: "position",
    type: "string",
    value: "N",
    description: "Its place among its siblings, from 0 (default: last)",
  },
  {
    name: "start-date",
    type: "string",
    value: "YYYY-MM-DD",
    description: "First day its uptime counts from (none: from its creation)",
  },
  { name: "hide-uptime", type: "boolean", description: "Do not show its 90-day uptime bar" },
  { name: "only-if-degraded", type: "boolean", description: "Show it only while it is not operational" },
];

const SERVICE_FLAG: FlagSpec = {
  name: "service",
  type: "string",
  multiple: true,
  value: "NAME",
  description: "A service it stands for (repeat for several): an open incident on it sets the status",
};
const GROUP_FLAG: FlagSpec = {
  name: "group",
  type: "string",
  value: "GROUP",
  description: "The group to show it in (name or id; none: the top level)",
};

const FIELD_NAMES = {
  name: "NAME",
  description: "--description",
  position: "--position",
  start_date: "--start-date",
  services: "--service",
  group_id: "--group",
  status: "STATUS",
};

/** "none" (any case) means "remove the value". */
const noneOr = (value: string) => (value.trim().toLowerCase() === "none" ? null : value);

/** The group's id for --group (a name or id; "none": the top level), checked against the server. */
async function groupIdFlag(ctx: CommandContext): Promise<string | null | undefined> {
  const ref = ctx.args.string("group");
  if (ref === undefined) return undefined;
  if (noneOr(ref) === null) return null;
  const group = await ctx.api().get<ComponentView>(componentPath(ref), { fieldNames: FIELD_NAMES });
  if (!group.is_group)
    throw usageError(
      `--group ${ref}: "${group.name}" is a component, not a group; create a group with foghorn status group create NAME`,
    );
  return group.id;
}

/** The body fields the shared component flags give. */
function componentFields(ctx: CommandContext, body: Record<string, unknown>): void {
  const a = ctx.args;
  const description = a.string("description");
  if (description !== undefined) body.description = noneOr(description);
  const position = a.integer("position");
  if (position !== undefined) body.position = position;
  const start = a.string("start-date");
  if (start !== undefined) body.start_date = noneOr(start);
  if (a.boolean("hide-uptime")) body.showcase = false;
  if (a.boolean("only-if-degraded")) body.only_show_if_degraded = true;
}

function printComponent(ctx: CommandContext, c: ComponentView, verb: string): void {
  const out = ctx.out;
  const what = c.is_group ? "group" : "component";
  out.print(
    `${verb} ${what} ${out.color.bold(c.name)} (${c.id}): ${paintCell(componentStatusCell(c.status, out.color))}`,
  );
  if (!c.is_group)
    out.print(
      `  services: ${c.services.length ? c.services.join(", ") : "none (its status is set by hand only)"}`,
    );
  if (c.manual_status)
    out.print(
      out.color.dim(
        `  status set by hand by ${c.manual_status_by ?? "?"}; back to automatic: foghorn status component set-status ${c.id} auto`,
      ),
    );
}

const paintCell = (cell: Cell) =>
  typeof cell === "string" ? cell : (cell.paint ?? ((s: string) => s))(cell.text);

const componentList: CommandSpec = {
  kind: "command",
  name: "list",
  aliases: ["ls"],
  summary: "List the status page's components and groups with their status now",
  description:
    "In display order: each group followed by its components (marked └). STATUS is what the page shows now;\n" +
    "a status set by hand is marked (manual).",
  connects: true,
  examples: [
    "foghorn status component list",
    "foghorn status component list --json | jq -r '.components[] | select(.status != \"operational\") | .name'",
  ],
  async run(ctx) {
    const { components } = await ctx.api().get<{ components: ComponentView[] }>(`${BASE}/components`);
    ctx.out.result({ components }, () => {
      if (components.length === 0) {
        ctx.out.print("The status page has no components yet. Add one:");
        ctx.out.print("  foghorn status component create API --service api-gateway");
        return;
      }
      const c = ctx.out.color;
      ctx.out.table(
        ["NAME", "STATUS", "SERVICES", "ID"],
        components.map((x) => [
          x.group_id ? `└ ${x.name}` : x.is_group ? { text: x.name, paint: c.bold } : x.name,
          componentStatusCell(x.status, c, `${x.status}${x.manual_status ? " (manual)" : ""}`),
          x.is_group ? c.dim("group") : orDash(x.services.join(", ")),
          x.id,
        ]),
      );
    });
    return 0;
  },
};

const componentCreate: CommandSpec = {
  kind: "command",
  name: "create",
  aliases: ["add"],
  summary: "Add a component to the status page, linked to the services it stands for",
  description:
    "An open incident on one of its services sets its status (SEV1 major outage, SEV2 partial outage, SEV3\n" +
    "degraded performance, by default; see foghorn status settings --severity-status). Names are unique\n" +
    "ignoring case. The services must exist (foghorn service create NAME).",
  args: [{ name: "NAME", description: 'What visitors see, e.g. "API" or "Checkout"' }],
  flags: [SERVICE_FLAG, GROUP_FLAG, ...COMPONENT_FIELD_FLAGS],
  connects: true,
  examples: [
    "foghorn status component create API --service api-gateway --service auth",
    'foghorn status component create "Card payments" --group Payments --service payments --description "Charging cards"',
    "foghorn status component create Website --hide-uptime",
  ],
  async run(ctx) {
    const body: Record<string, unknown> = { name: ctx.args.arg("NAME") };
    const services = ctx.args.strings("service");
    if (services.length) body.services = services;
    const group = await groupIdFlag(ctx);
    if (group !== undefined) body.group_id = group;
    componentFields(ctx, body);
    const created = await ctx
      .api()
      .post<ComponentView>(`${BASE}/components`, body, { fieldNames: FIELD_NAMES });
    ctx.out.result(created, (c) => printComponent(ctx, c, "Created"));
    return 0;
  },
};

const componentEdit: CommandSpec = {
  kind: "command",
  name: "edit",
  summary: "Change a component or group: name, group, services, description, position, uptime bar",
  description:
    "--service replaces its services (give every one it should keep); --no-services removes them all.",
  args: [COMPONENT_ARG],
  flags: [
    { name: "name", type: "string", value: "NAME", description: "A new name" },
    SERVICE_FLAG,
    {
      name: "no-services",
      type: "boolean",
      description: "Link it to no services (its status is then set by hand only)",
    },
    GROUP_FLAG,
    ...COMPONENT_FIELD_FLAGS,
    { name: "show-uptime", type: "boolean", description: "Show its 90-day uptime bar again" },
    {
      name: "always-show",
      type: "boolean",
      description: "Show it even while operational (undoes --only-if-degraded)",
    },
  ],
  connects: true,
  examples: [
    "foghorn status component edit API --service api-gateway --service auth --service search",
    'foghorn status component edit "Card payments" --name Payments --group none',
    "foghorn status component edit API --position 0 --start-date 2026-01-01",
  ],
  async run(ctx) {
    const a = ctx.args;
    const body: Record<string, unknown> = {};
    const name = a.string("name");
    if (name !== undefined) body.name = name;
    if (a.strings("service").length && a.boolean("no-services"))
      throw usageError("give --service or --no-services, not both");
    if (a.strings("service").length) body.services = a.strings("service");
    if (a.boolean("no-services")) body.services = [];
    const group = await groupIdFlag(ctx);
    if (group !== undefined) body.group_id = group;
    componentFields(ctx, body);
    if (a.boolean("show-uptime")) body.showcase = true;
    if (a.boolean("always-show")) body.only_show_if_degraded = false;
    if (Object.keys(body).length === 0)
      throw usageError(`nothing to change; e.g. ${componentEdit.examples[0]}`);
    const edited = await ctx.api().patch<ComponentView>(componentPath(a.arg("COMPONENT")), body, {
      fieldNames: FIELD_NAMES,
    });
    ctx.out.result(edited, (c) => printComponent(ctx, c, "Updated"));
    return 0;
  },
};

const componentDelete: CommandSpec = {
  kind: "command",
  name: "delete",
  aliases: ["rm"],
  summary: "Remove a component or group from the status page (a group's components move to the top level)",
  args: [COMPONENT_ARG],
  connects: true,
  examples: ["foghorn status component delete Website", "foghorn status component delete 8xk2m4q9v0ab"],
  async run(ctx) {
    const ref = ctx.args.arg("COMPONENT");
    await deleteResource(ctx, componentPath(ref), { component: ref }, `Removed ${ref} from the status page.`);
    return 0;
  },
};

const componentSetStatus: CommandSpec = {
  kind: "command",
  name: "set-status",
  summary: "Set a component's status by hand, or back to automatic (auto)",
  description:
    "A status set by hand wins over what incidents and maintenance say until you set it back to auto.\n" +
    `STATUS is one of ${COMPONENT_STATUSES.join(", ")}, or auto.`,
  args: [COMPONENT_ARG, { name: "STATUS", description: `${COMPONENT_STATUSES.join(" | ")} | auto` }],
  connects: true,
  examples: [
    "foghorn status component set-status API degraded_performance",
    "foghorn status component set-status API auto",
  ],
  async run(ctx) {
    const raw = ctx.args.arg("STATUS").trim().toLowerCase().replace(/[- ]/g, "_");
    const status = raw === "auto" ? null : oneOf("status", raw, [...COMPONENT_STATUSES]);
    const c = await ctx.api().put<ComponentView>(
      componentPath(ctx.args.arg("COMPONENT"), "/status"),
      { status },
      {
        fieldNames: FIELD_NAMES,
      },
    );
    ctx.out.result(c, (v) => {
      ctx.out.print(
        status === null
          ? `${v.name} is back to automatic: ${paintCell(componentStatusCell(v.status, ctx.out.color))}`
          : `${v.name} is now ${paintCell(componentStatusCell(v.status, ctx.out.color))} (set by hand; undo: foghorn status component set-status ${v.id} auto)`,
      );
    });
    return 0;
  },
};

const componentGroup: CommandGroup = {
  kind: "group",
  name: "component",
  summary: "The status page's components: list, create, edit, delete, set the status by hand",
  description:
    "A component is what visitors see a status for (API, Checkout). Link it to services and incidents on\n" +
    "them set its status; or set it by hand.",
  children: [componentList, componentCreate, componentEdit, componentDelete, componentSetStatus],
  examples: [
    "foghorn status component create API --service api-gateway",
    "foghorn status component set-status API major_outage",
    "foghorn status component list",
  ],
};

const groupCreate: CommandSpec = {
  kind: "command",
  name: "create",
  aliases: ["add"],
  summary: "Add a group of components to the status page (its status is the worst of its components')",
  description:
    "Then put components in it: foghorn status component create NAME --group GROUP (or edit --group).\n" +
    "Groups are shown at the top level; a group cannot be in a group. Remove one with foghorn status\n" +
    "component delete GROUP (its components move to the top level).",
  args: [{ name: "NAME", description: 'The group\'s name, e.g. "Payments"' }],
  flags: [
    { name: "description", type: "string", value: "TEXT", description: "What it groups, for visitors" },
    {
      name: "position",
      type: "string",
      value: "N",
      description: "Its place at the top level, from 0 (default: last)",
    },
  ],
  connects: true,
  examples: [
    "foghorn status group create Payments",
    'foghorn status group create "Core platform" --position 0 --description "API, auth and search"',
  ],
  async run(ctx) {
    const body: Record<string, unknown> = { name: ctx.args.arg("NAME"), is_group: true };
    const description = ctx.args.string("description");
    if (description !== undefined) body.description = description;
    const position = ctx.args.integer("position");
    if (position !== undefined) body.position = position;
    const created = await ctx
      .api()
      .post<ComponentView>(`${BASE}/components`, body, { fieldNames: FIELD_NAMES });
    ctx.out.result(created, (g) => {
      printComponent(ctx, g, "Created");
      ctx.out.print(
        ctx.out.color.dim(`  add components: foghorn status component create NAME --group "${g.name}"`),
      );
    });
    return 0;
  },
};

const groupGroup: CommandGroup = {
  kind: "group",
  name: "group",
  summary: "Groups of components on the status page",
  children: [groupCreate],
  examples: [
    "foghorn status group create Payments",
    "foghorn status component create Checkout --group Payments",
  ],
};

// ---------------------------------------------------------------------------------------------------
// Scheduled maintenance

const MAINTENANCE_NAMES = {
  title: "TITLE",
  body: "--message",
  scheduled_for: "--start",
  scheduled_until: "--end",
  time_zone: "--tz",
  component_ids: "--component",
  remind_prior: "--no-reminder",
  status: "--status",
  state: "--state",
};

const TIME_FLAGS: readonly FlagSpec[] = [
  { name: "start", type: "string", value: "TIME", description: 'When it starts, "YYYY-MM-DD HH:MM" in --tz' },
  { name: "end", type: "string", value: "TIME", description: 'When it ends, "YYYY-MM-DD HH:MM" in --tz' },
  {
    name: "tz",
    type: "string",
    value: "ZONE",
    description: "IANA time zone of the times, e.g. Europe/Berlin (default: the page's time zone)",
  },
  {
    name: "component",
    type: "string",
    multiple: true,
    value: "COMPONENT",
    description: "An affected component or group, by name or id (repeat for several)",
  },
  {
    name: "message",
    type: "string",
    value: "TEXT",
    description: "What will happen and what users will notice",
  },
];

/** Component names or ids → ids (one request for all of them). */
async function componentIds(ctx: CommandContext, refs: readonly string[]): Promise<string[]> {
  const { components } = await ctx.api().get<{ components: ComponentView[] }>(`${BASE}/components`);
  return refs.map((ref) => {
    const r = ref.trim();
    const found =
      components.find((c) => c.id === r) ?? components.find((c) => c.name.toLowerCase() === r.toLowerCase());
    if (!found)
      throw usageError(
        `--component ${ref}: no such component; see foghorn status component list (names: ${components.map((c) => c.name).join(", ") || "none yet"})`,
      );
    return found.id;
  });
}

/** The time and component fields of create and edit. */
async function maintenanceFields(ctx: CommandContext, body: Record<string, unknown>): Promise<void> {
  const a = ctx.args;
  if (a.string("start") !== undefined) body.scheduled_for = localTimeFlag(ctx, "start");
  if (a.string("end") !== undefined) body.scheduled_until = localTimeFlag(ctx, "end");
  const tz = a.string("tz");
  if (tz !== undefined) body.time_zone = timeZoneFlag(tz);
  const refs = a.values("component");
  if (refs.length) body.component_ids = await componentIds(ctx, refs);
  const message = a.string("message");
  if (message !== undefined) body.body = message;
}

async function pageZone(ctx: CommandContext): Promise<string> {
  return (await ctx.api().get<StatusSettingsView>(`${BASE}/settings`)).time_zone;
}

function whenText(m: MaintenanceView, zone: string): string {
  const start = wallClock(m.scheduled_for, zone);
  const end = wallClock(m.scheduled_until, zone);
  const sameDay = start.slice(0, 10) === end.slice(0, 10);
  return `${start} → ${sameDay ? end.slice(11) : end} ${zone}`;
}

function printMaintenance(ctx: CommandContext, m: MaintenanceView, zone: string, verb?: string): void {
  const out = ctx.out;
  const c = out.color;
  out.print(
    `${verb ? `${verb} ` : ""}${c.bold(m.title)} (${m.id}): ${paintCell(maintenanceStatusCell(m.status, c))}`,
  );
  out.print(`  when:       ${whenText(m, zone)}`);
  out.print(`  components: ${m.components.length ? m.components.map((x) => x.name).join(", ") : "none"}`);
  if (m.body) out.print(`  ${m.body.split("\n").join("\n  ")}`);
  if (!verb) {
    for (const u of m.updates)
      out.print(`  ${c.dim(`${wallClock(u.created_at, zone)} ${u.created_by}`)} [${u.status}] ${u.body}`);
  }
}

const maintenanceList: CommandSpec = {
  kind: "command",
  name: "list",
  aliases: ["ls"],
  summary: "List scheduled maintenance: upcoming, active, past or all",
  flags: [
    {
      name: "state",
      type: "string",
      value: "STATE",
      description: "upcoming, active (in progress or verifying), past (completed) or all (default)",
    },
  ],
  connects: true,
  examples: ["foghorn status maintenance list", "foghorn status maintenance list --state upcoming --json"],
  async run(ctx) {
    const state = ctx.args.string("state");
    const query =
      state === undefined ? {} : { state: oneOf("state", state, ["upcoming", "active", "past", "all"]) };
    const result = await ctx.api().get<{ maintenances: MaintenanceView[] }>(`${BASE}/maintenances`, {
      query,
      fieldNames: MAINTENANCE_NAMES,
    });
    if (ctx.out.json) {
      ctx.out.printJson(result);
      return 0;
    }
    if (result.maintenances.length === 0) {
      ctx.out.print(`No ${state && state !== "all" ? `${state} ` : ""}maintenance. Schedule one:`);
      ctx.out.print(`  ${maintenanceCreate.examples[0]}`);
      return 0;
    }
    const zone = await pageZone(ctx);
    const c = ctx.out.color;
    ctx.out.table(
      ["ID", "STATUS", "WHEN", "TITLE", "COMPONENTS"],
      result.maintenances.map((m) => [
        m.id,
        maintenanceStatusCell(m.status, c),
        whenText(m, zone),
        m.title,
        orDash(m.components.map((x) => x.name).join(", ")),
      ]),
    );
    return 0;
  },
};

const maintenanceShow: CommandSpec = {
  kind: "command",
  name: "show",
  summary: "Show a maintenance with its updates, newest first",
  args: [MAINTENANCE_ARG],
  connects: true,
  examples: [
    "foghorn status maintenance show 4fj2k8m1x0qa",
    "foghorn status maintenance show 4fj2k8m1x0qa --json",
  ],
  async run(ctx) {
    const m = await ctx.api().get<MaintenanceView>(maintenancePath(ctx.args.arg("ID")));
    if (ctx.out.json) ctx.out.printJson(m);
    else printMaintenance(ctx, m, await pageZone(ctx));
    return 0;
  },
};

const maintenanceCreate: CommandSpec = {
  kind: "command",
  name: "create",
  aliases: ["schedule"],
  summary: "Schedule a maintenance: it goes in progress and completes by itself at its times",
  description:
    "Times are wall-clock times in --tz (default: the page's time zone); an ISO time with an offset\n" +
    "(2026-12-24T21:00Z) is taken as given. Subscribers are told now (unless --quiet), reminded 60 minutes\n" +
    "before (unless --no-reminder), and told when it starts and completes.",
  args: [{ name: "TITLE", description: 'What the work is, e.g. "Database upgrade"' }],
  flags: [
    ...TIME_FLAGS,
    { name: "no-reminder", type: "boolean", description: "Do not remind subscribers 60 minutes before" },
    { name: "quiet", type: "boolean", description: "Do not tell subscribers it was scheduled" },
  ],
  connects: true,
  examples: [
    'foghorn status maintenance create "Database upgrade" --start "2026-12-24 22:00" --end "2026-12-25 00:00" --tz Europe/Berlin --component API',
    'foghorn status maintenance create "Network work" --start "2026-06-01 06:00" --end "2026-06-01 06:30" --message "Brief connection drops" --no-reminder',
  ],
  async run(ctx) {
    const a = ctx.args;
    const body: Record<string, unknown> = { title: a.arg("TITLE") };
    a.requiredString("start");
    a.requiredString("end");
    await maintenanceFields(ctx, body);
    if (a.boolean("no-reminder")) body.remind_prior = false;
    if (a.boolean("quiet")) body.notify = false;
    const m = await ctx
      .api()
      .post<MaintenanceView>(`${BASE}/maintenances`, body, { fieldNames: MAINTENANCE_NAMES });
    if (ctx.out.json) ctx.out.printJson(m);
    else {
      printMaintenance(ctx, m, await pageZone(ctx), "Scheduled");
      ctx.out.print(
        ctx.out.color.dim(
          `  post an update: foghorn status maintenance update ${m.id} "…"; cancel: foghorn status maintenance cancel ${m.id}`,
        ),
      );
    }
    return 0;
  },
};

const maintenanceEdit: CommandSpec = {
  kind: "command",
  name: "edit",
  summary: "Change a maintenance: title, times, components, text, reminder",
  description:
    "Before it starts both times may move (the reminder is due again); once started only --end;\n" +
    "once completed neither. --component replaces the affected components.",
  args: [MAINTENANCE_ARG],
  flags: [
    { name: "title", type: "string", value: "TEXT", description: "A new title" },
    ...TIME_FLAGS,
    { name: "no-reminder", type: "boolean", description: "Do not remind subscribers before it starts" },
    { name: "remind", type: "boolean", description: "Remind subscribers 60 minutes before it starts" },
  ],
  connects: true,
  examples: [
    'foghorn status maintenance edit 4fj2k8m1x0qa --end "2026-12-25 01:00"',
    'foghorn status maintenance edit 4fj2k8m1x0qa --start "2026-12-27 22:00" --end "2026-12-28 00:00" --tz Europe/Berlin',
  ],
  async run(ctx) {
    const a = ctx.args;
    const body: Record<string, unknown> = {};
    const title = a.string("title");
    if (title !== undefined) body.title = title;
    await maintenanceFields(ctx, body);
    if (a.boolean("no-reminder") && a.boolean("remind"))
      throw usageError("give --remind or --no-reminder, not both");
    if (a.boolean("no-reminder")) body.remind_prior = false;
    if (a.boolean("remind")) body.remind_prior = true;
    if (Object.keys(body).length === 0 || (Object.keys(body).length === 1 && body.time_zone !== undefined))
      throw usageError(`nothing to change; e.g. ${maintenanceEdit.examples[0]}`);
    const m = await ctx.api().patch<MaintenanceView>(maintenancePath(a.arg("ID")), body, {
      fieldNames: MAINTENANCE_NAMES,
    });
    if (ctx.out.json) ctx.out.printJson(m);
    else printMaintenance(ctx, m, await pageZone(ctx), "Updated");
    return 0;
  },
};

const maintenanceUpdate: CommandSpec = {
  kind: "command",
  name: "update",
  summary: "Post an update on a maintenance (subscribers are told), optionally changing its status",
  description:
    "--status verifying keeps it open past its end until you complete it; in_progress starts it early;\n" +
    "completed ends it (or use foghorn status maintenance complete).",
  args: [MAINTENANCE_ARG, { name: "TEXT", description: "The update, as visitors will read it", rest: true }],
  flags: [
    {
      name: "status",
      type: "string",
      value: "STATUS",
      description: "in_progress, verifying or completed",
    },
  ],
  connects: true,
  examples: [
    'foghorn status maintenance update 4fj2k8m1x0qa "The upgrade is done; we are verifying." --status verifying',
    'foghorn status maintenance update 4fj2k8m1x0qa "Running a little longer than planned."',
  ],
  async run(ctx) {
    const status = ctx.args.string("status");
    const body = {
      body: ctx.args.arg("TEXT"),
      ...(status === undefined
        ? {}
        : {
            status: oneOf("status", status.replace(/[- ]/g, "_"), ["in_progress", "verifying", "completed"]),
          }),
    };
    const m = await ctx.api().post<MaintenanceView>(maintenancePath(ctx.args.arg("ID"), "/updates"), body, {
      fieldNames: { ...MAINTENANCE_NAMES, body: "TEXT" },
    });
    ctx.out.result(m, (v) =>
      ctx.out.print(
        `Posted on ${v.title} (${v.id}); it is ${paintCell(maintenanceStatusCell(v.status, ctx.out.color))}.`,
      ),
    );
    return 0;
  },
};

const maintenanceComplete: CommandSpec = {
  kind: "command",
  name: "complete",
  summary: "Mark a maintenance completed now (early, or after verifying)",
  args: [MAINTENANCE_ARG],
  flags: [
    {
      name: "message",
      type: "string",
      value: "TEXT",
      description: 'What subscribers are told (default "Scheduled maintenance has been completed.")',
    },
  ],
  connects: true,
  examples: [
    "foghorn status maintenance complete 4fj2k8m1x0qa",
    'foghorn status maintenance complete 4fj2k8m1x0qa --message "Done early; everything is back."',
  ],
  async run(ctx) {
    const body = {
      body: ctx.args.string("message") ?? "Scheduled maintenance has been completed.",
      status: "completed",
    };
    const m = await ctx.api().post<MaintenanceView>(maintenancePath(ctx.args.arg("ID"), "/updates"), body, {
      fieldNames: MAINTENANCE_NAMES,
    });
    ctx.out.result(m, (v) => ctx.out.print(`Completed ${v.title} (${v.id}).`));
    return 0;
  },
};

const maintenanceCancel: CommandSpec = {
  kind: "command",
  name: "cancel",
  aliases: ["delete", "rm"],
  summary: "Cancel a maintenance: it disappears from the page and nothing more is sent about it",
  args: [MAINTENANCE_ARG],
  connects: true,
  examples: [
    "foghorn status maintenance cancel 4fj2k8m1x0qa",
    "foghorn status maintenance list --state upcoming --json | jq -r '.maintenances[].id' | xargs -n1 foghorn status maintenance cancel",
  ],
  async run(ctx) {
    const id = ctx.args.arg("ID").trim();
    await deleteResource(ctx, maintenancePath(id), { id }, `Cancelled maintenance ${id}.`);
    return 0;
  },
};

const maintenanceGroup: CommandGroup = {
  kind: "group",
  name: "maintenance",
  summary: "Scheduled maintenance on the status page: announce, update, complete, cancel",
  description:
    "A scheduled maintenance shows on the page with its components under maintenance while it runs. It\n" +
    "goes in progress at its start and completes at its end by itself; subscribers hear about each step.\n" +
    "(To mute a service's alerts during maintenance, see foghorn maintenance add.)",
  children: [
    maintenanceList,
    maintenanceShow,
    maintenanceCreate,
    maintenanceEdit,
    maintenanceUpdate,
    maintenanceComplete,
    maintenanceCancel,
  ],
  examples: [
    'foghorn status maintenance create "Database upgrade" --start "2026-12-24 22:00" --end "2026-12-25 00:00" --component API',
    "foghorn status maintenance list --state upcoming",
  ],
};

// ---------------------------------------------------------------------------------------------------
// Settings

const SETTINGS_NAMES = {
  name: "--name",
  url: "--page-url",
  logo_url: "--logo",
  brand_color: "--brand-color",
  time_zone: "--time-zone",
  custom_domain: "--custom-domain",
  footer_links: "--footer-link",
  component_status_by_severity: "--severity-status",
};

function parseFooterLinks(values: readonly string[]): { label: string; url: string }[] {
  return values.map((raw) => {
    const at = raw.indexOf("=");
    const label = at > 0 ? raw.slice(0, at).trim() : "";
    const url = at > 0 ? raw.slice(at + 1).trim() : "";
    if (!label || !url)
      throw usageError(
        `--footer-link wants LABEL=URL, e.g. --footer-link "Home=https://example.com" (got "${raw}")`,
      );
    return { label, url };
  });
}

function parseSeverityStatus(text: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [sev = "", status = ""] = pair.split("=").map((p) => p.trim());
    if (!sev || !status)
      throw usageError(`--severity-status takes SEV=STATUS pairs, e.g. SEV3=partial_outage; got "${pair}"`);
    map[sev.toUpperCase()] = status.toLowerCase();
  }
  return map;
}

const settingsCommand: CommandSpec = {
  kind: "command",
  name: "settings",
  summary: "Show or change the status page's settings: name, time zone, custom domain, colours, links",
  description:
    "Without flags it shows the settings. With --custom-domain, requests whose Host is that name get the\n" +
    'page at "/" (point the DNS name at Foghorn or its proxy). "none" removes an optional value.',
  flags: [
    { name: "name", type: "string", value: "TEXT", description: "The page's title, e.g. 'Acme status'" },
    {
      name: "time-zone",
      type: "string",
      value: "ZONE",
      description: "IANA zone for times on the page and the days of the uptime bars",
    },
    {
      name: "custom-domain",
      type: "string",
      value: "HOST",
      description: "A host name that serves the page at /, e.g. status.example.com (none: remove)",
    },
    { name: "brand-color", type: "string", value: "#RRGGBB", description: "Accent colour, e.g. #2563eb" },
    { name: "logo", type: "string", value: "URL", description: "Logo image URL, http(s) (none: remove)" },
    {
      name: "page-url",
      type: "string",
      value: "URL",
      description: "The page's public URL when served elsewhere, e.g. a CDN (none: derived)",
    },
    {
      name: "footer-link",
      type: "string",
      multiple: true,
      value: "LABEL=URL",
      description: "A footer link (repeat for several; replaces the current ones)",
    },
    { name: "no-footer-links", type: "boolean", description: "Remove every footer link" },
    { name: "show-responders", type: "boolean", description: "Name the responders on public incidents" },
    { name: "hide-responders", type: "boolean", description: "Do not name responders (the default)" },
    {
      name: "severity-status",
      type: "string",
      value: "SEV=STATUS,…",
      description: "The status an open incident gives its components, e.g. SEV3=partial_outage",
    },
  ],
  connects: true,
  examples: [
    "foghorn status settings",
    "foghorn status settings --name 'Acme status' --time-zone Europe/Berlin --custom-domain status.acme.com",
    'foghorn status settings --brand-color "#0f766e" --footer-link "Home=https://acme.com" --footer-link "Support=https://acme.com/help"',
  ],
  async run(ctx) {
    const a = ctx.args;
    const body: Record<string, unknown> = {};
    const set = (flag: string, field: string, clearable = false) => {
      const v = a.string(flag);
      if (v !== undefined) body[field] = clearable ? noneOr(v) : v;
    };
    set("name", "name");
    set("time-zone", "time_zone");
    set("custom-domain", "custom_domain", true);
    set("brand-color", "brand_color");
    set("logo", "logo_url", true);
    set("page-url", "url", true);
    const links = a.values("footer-link");
    if (links.length && a.boolean("no-footer-links"))
      throw usageError("give --footer-link or --no-footer-links, not both");
    if (links.length) body.footer_links = parseFooterLinks(links);
    if (a.boolean("no-footer-links")) body.footer_links = [];
    if (a.boolean("show-responders") && a.boolean("hide-responders"))
      throw usageError("give --show-responders or --hide-responders, not both");
    if (a.boolean("show-responders")) body.show_responders = true;
    if (a.boolean("hide-responders")) body.show_responders = false;
    const sev = a.string("severity-status");
    if (sev !== undefined) body.component_status_by_severity = parseSeverityStatus(sev);
    const settings =
      Object.keys(body).length === 0
        ? await ctx.api().get<StatusSettingsView>(`${BASE}/settings`)
        : await ctx.api().patch<StatusSettingsView>(`${BASE}/settings`, body, { fieldNames: SETTINGS_NAMES });
    ctx.out.result(settings, (s) => {
      const out = ctx.out;
      if (Object.keys(body).length) out.print(out.color.green("Saved."));
      const rows: [string, string][] = [
        ["Name", s.name],
        ["URL", `${s.effective_url}${s.url ? "" : out.color.dim(" (derived)")}`],
        ["Custom domain", orDash(s.custom_domain)],
        ["Time zone", s.time_zone],
        ["Brand colour", s.brand_color],
        ["Logo", orDash(s.logo_url)],
        ["Footer links", orDash(s.footer_links.map((l) => `${l.label} <${l.url}>`).join(", "))],
        ["Responders", s.show_responders ? "named on public incidents" : "not shown"],
        [
          "Incident → status",
          Object.entries(s.component_status_by_severity)
            .map(([k, v]) => `${k}=${v}`)
            .join(", "),
        ],
      ];
      for (const [k, v] of rows) out.print(`${out.color.dim(k.padEnd(18))}${v}`);
    });
    return 0;
  },
};

/** `foghorn status component|group|maintenance|settings`. */
export const STATUS_CONFIG_COMMANDS: readonly CommandNode[] = [
  componentGroup,
  groupGroup,
  maintenanceGroup,
  settingsCommand,
];
