import type { DeclareIncidentInput } from "#app/incidents/declare.ts";
import type { IncidentView } from "#app/incidents/views.ts";
import type { CommandContext, CommandSpec } from "../command.ts";
import { printIncidentChange } from "../render/incident.ts";
import { FIELD_FLAG_HELP, fieldFlagNames, parseFieldFlags } from "./field-flags.ts";
import { INCIDENT_ARG, INCIDENT_FIELD_FLAGS, incidentPath, NOTE_FLAG } from "./incident-shared.ts";

const declare: CommandSpec = {
  kind: "command",
  name: "declare",
  summary: "Declare a new incident",
  description:
    "Creates the incident in status triggered. Services are created on first use; the assignee\n" +
    "becomes the incident commander.",
  flags: [
    { name: "title", type: "string", value: "TEXT", description: "What is wrong, in a few words (required)" },
    {
      name: "severity",
      type: "string",
      value: "SEV",
      description: "SEV1–SEV4, critical|high|medium|low or P1–P4 (required unless --type gives one)",
    },
    {
      name: "type",
      type: "string",
      value: "NAME",
      description: "An incident type: its defaults fill in what you leave out",
    },
    { name: "field", type: "string", multiple: true, value: "KEY=VALUE", description: FIELD_FLAG_HELP },
    { name: "service", type: "string", multiple: true, value: "NAME", description: "An affected service" },
    { name: "assignee", type: "string", value: "HANDLE", description: "The incident commander, e.g. bob" },
    { name: "description", type: "string", value: "TEXT", description: "What is known so far" },
    { name: "tag", type: "string", multiple: true, value: "TAG", description: "A tag, e.g. data-breach" },
    {
      name: "private",
      type: "boolean",
      description: "Only you, the people you give a role and admins see it (docs/access.md)",
    },
  ],
  connects: true,
  examples: [
    'foghorn incident declare --title "Checkout errors" --severity SEV2 --service checkout --service api --assignee bob',
    'foghorn incident declare --title "Slow search" --severity low --description "p99 at 4s since 14:02"',
    'foghorn incident declare --title "Leaked API keys" --type "Security breach" --field customer_tier=gold',
    'foghorn incident declare --title "Suspicious admin logins" --severity SEV2 --assignee bob --private',
  ],
  async run(ctx) {
    const a = ctx.args;
    const fields = parseFieldFlags(a.values("field"));
    const type = a.string("type");
    const severity = type === undefined ? a.requiredString("severity") : a.string("severity");
    const body: DeclareIncidentInput = {
      title: a.requiredString("title"),
      ...(severity !== undefined ? { severity } : {}),
      ...(type !== undefined ? { type } : {}),
      ...(Object.keys(fields).length ? { custom_fields: fields } : {}),
      affected_services: a.strings("service"),
      ...(a.string("assignee") ? { assignee: a.string("assignee") } : {}),
      ...(a.string("description") !== undefined ? { description: a.string("description") } : {}),
      ...(a.strings("tag").length ? { tags: a.strings("tag") } : {}),
      ...(a.boolean("private") ? { private: true } : {}),
    };
    const incident = await ctx.api().post<IncidentView>("/api/v1/incidents", body, {
      fieldNames: { ...INCIDENT_FIELD_FLAGS, type: "--type", ...fieldFlagNames(Object.keys(fields)) },
    });
    ctx.out.result(incident, (i) => {
      printIncidentChange(ctx.out, "Declared", i);
      ctx.out.print(`Next: foghorn incident ack ${i.id}`);
    });
    return 0;
  },
};

/** Moves the incident to `status` through POST …/status; the server refuses moves the lifecycle forbids. */
async function changeStatus(ctx: CommandContext, statusOf: () => string, verb: string): Promise<number> {
  const ref = ctx.args.arg("INCIDENT");
  const status = statusOf();
  const note = ctx.args.string("note");
  const incident = await ctx
    .api()
    .post<IncidentView>(
      incidentPath(ref, "/status"),
      { status, ...(note ? { note } : {}) },
      { fieldNames: INCIDENT_FIELD_FLAGS },
    );
  ctx.out.result(incident, (i) => printIncidentChange(ctx.out, verb, i));
  return 0;
}

const ack: CommandSpec = {
  kind: "command",
  name: "ack",
  aliases: ["acknowledge"],
  summary: "Acknowledge an incident (status acknowledged)",
  args: [INCIDENT_ARG],
  flags: [NOTE_FLAG],
  connects: true,
  examples: [
    "foghorn incident ack INC-7",
    'foghorn incident ack INC-7 --note "Looking at the checkout dashboards"',
  ],
  run: (ctx) => changeStatus(ctx, () => "acknowledged", "Acknowledged"),
};

const status: CommandSpec = {
  kind: "command",
  name: "status",
  summary: "Move an incident to another lifecycle status",
  description:
    "Statuses in order: triggered, acknowledged, investigating, mitigating, resolved, postmortem.\n" +
    "Forward moves may skip stages; a resolved incident may go back to investigating (reopen);\n" +
    "postmortem is final. A refused move names the statuses allowed next (exit 1).",
  args: [INCIDENT_ARG, { name: "STATUS", description: "The new status, e.g. mitigating" }],
  flags: [NOTE_FLAG],
  connects: true,
  examples: [
    "foghorn incident status INC-7 investigating",
    'foghorn incident status INC-7 mitigating --note "Rolled back the 14:02 deploy"',
    "foghorn incident status INC-7 postmortem",
  ],
  run: (ctx) => changeStatus(ctx, () => ctx.args.arg("STATUS").trim().toLowerCase(), "Status changed"),
};

const resolve: CommandSpec = {
  kind: "command",
  name: "resolve",
  summary: "Resolve an incident (status resolved)",
  args: [INCIDENT_ARG],
  flags: [NOTE_FLAG],
  connects: true,
  examples: [
    "foghorn incident resolve INC-7",
    'foghorn incident resolve INC-7 --note "Error rate back to baseline for 30 minutes"',
  ],
  run: (ctx) => changeStatus(ctx, () => "resolved", "Resolved"),
};

export const incidentLifecycleCommands: readonly CommandSpec[] = [declare, ack, status, resolve];
