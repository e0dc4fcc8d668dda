import type { AssignRoleInput } from "#app/incidents/assign-role.ts";
import type { IncidentDetail } from "#app/incidents/get.ts";
import type { UpdateIncidentInput } from "#app/incidents/update.ts";
import type { IncidentView } from "#app/incidents/views.ts";
import type { CommandContext, CommandSpec } from "../command.ts";
import { usageError } from "../errors.ts";
import { printIncidentChange } from "../render/incident.ts";
import { FIELD_FLAG_HELP, fieldFlagNames, parseFieldFlags } from "./field-flags.ts";
import { INCIDENT_ARG, INCIDENT_FIELD_FLAGS, incidentPath } from "./incident-shared.ts";

const TEXT_FLAGS = [
  ["title", "title"],
  ["description", "description"],
  ["severity", "severity"],
  ["impact", "impact"],
  ["root-cause", "root_cause"],
  ["resolution", "resolution"],
] as const;

/** --tag adds and --remove-tag removes, so the current tags are read first (the API replaces the list). */
async function nextTags(ctx: CommandContext, ref: string): Promise<string[] | undefined> {
  const add = ctx.args.strings("tag").map((t) => t.toLowerCase());
  const remove = new Set(ctx.args.strings("remove-tag").map((t) => t.toLowerCase()));
  if (add.length === 0 && remove.size === 0) return undefined;
  const current = await ctx.api().get<IncidentDetail>(incidentPath(ref));
  return [...new Set([...current.tags, ...add])].filter((t) => !remove.has(t));
}

const update: CommandSpec = {
  kind: "command",
  name: "update",
  aliases: ["edit"],
  summary:
    "Change an incident's title, severity, services, tags, impact, root cause, resolution or custom fields",
  args: [INCIDENT_ARG],
  flags: [
    { name: "title", type: "string", value: "TEXT", description: "New title" },
    { name: "description", type: "string", value: "TEXT", description: "New description" },
    { name: "severity", type: "string", value: "SEV", description: "New severity, e.g. SEV1" },
    {
      name: "add-service",
      type: "string",
      multiple: true,
      value: "NAME",
      description: "Add an affected service",
    },
    {
      name: "remove-service",
      type: "string",
      multiple: true,
      value: "NAME",
      description: "Remove an affected service",
    },
    { name: "tag", type: "string", multiple: true, value: "TAG", description: "Add a tag, e.g. data-breach" },
    { name: "remove-tag", type: "string", multiple: true, value: "TAG", description: "Remove a tag" },
    { name: "impact", type: "string", value: "TEXT", description: "Who or what is affected, and how" },
    { name: "root-cause", type: "string", value: "TEXT", description: "Why it happened" },
    { name: "resolution", type: "string", value: "TEXT", description: "What fixed it" },
    { name: "field", type: "string", multiple: true, value: "KEY=VALUE", description: FIELD_FLAG_HELP },
    {
      name: "clear-field",
      type: "string",
      multiple: true,
      value: "KEY",
      description: "Remove a custom field's value",
    },
    { name: "private", type: "boolean", description: "Make it private (its commander or an admin)" },
    { name: "public", type: "boolean", description: "Make it public again (its commander or an admin)" },
  ],
  connects: true,
  examples: [
    "foghorn incident update INC-7 --severity SEV1 --add-service payments --remove-service api",
    'foghorn incident update INC-7 --tag data-breach --impact "EU customers could not pay for 40 minutes"',
    "foghorn incident edit INC-7 --field customer_tier=gold --field orders_lost=120 --clear-field region",
  ],
  async run(ctx) {
    const ref = ctx.args.arg("INCIDENT");
    const body: UpdateIncidentInput = {};
    for (const [flag, field] of TEXT_FLAGS) {
      const value = ctx.args.string(flag);
      if (value !== undefined) body[field] = value;
    }
    const add = ctx.args.strings("add-service");
    const remove = ctx.args.strings("remove-service");
    if (add.length) body.add_services = add;
    if (remove.length) body.remove_services = remove;
    const tags = await nextTags(ctx, ref);
    if (tags) body.tags = tags;
    const fields: Record<string, string | null> = parseFieldFlags(ctx.args.values("field"));
    for (const key of ctx.args.strings("clear-field")) fields[key] = null;
    if (Object.keys(fields).length) body.custom_fields = fields;
    if (ctx.args.boolean("private") && ctx.args.boolean("public"))
      throw usageError("give --private or --public, not both");
    if (ctx.args.boolean("private")) body.private = true;
    if (ctx.args.boolean("public")) body.private = false;
    if (Object.keys(body).length === 0)
      throw usageError(`incident update needs at least one change, e.g. ${update.examples[0]}`);
    const incident = await ctx.api().patch<IncidentView>(incidentPath(ref), body, {
      fieldNames: { ...INCIDENT_FIELD_FLAGS, ...fieldFlagNames(Object.keys(body.custom_fields ?? {})) },
    });
    ctx.out.result(incident, (i) => printIncidentChange(ctx.out, "Updated", i));
    return 0;
  },
};

const assign: CommandSpec = {
  kind: "command",
  name: "assign",
  summary: "Give a person a response role (commander by default), or take it away with --remove",
  description:
    "Roles: commander (the assignee), communications_lead (alias comms), scribe, responder.\n" +
    "Commander, communications lead and scribe have one holder: assigning replaces the previous one.\n" +
    "Responders accumulate.",
  args: [INCIDENT_ARG, { name: "PERSON", description: "The person's handle, e.g. bob" }],
  flags: [
    {
      name: "role",
      type: "string",
      value: "ROLE",
      description: "commander (default), comms, scribe, responder",
    },
    { name: "remove", type: "boolean", description: "Take the role away from the person" },
  ],
  connects: true,
  examples: [
    "foghorn incident assign INC-7 --role commander bob",
    "foghorn incident assign INC-7 --role responder carol",
    "foghorn incident assign INC-7 --role responder carol --remove",
  ],
  async run(ctx) {
    const ref = ctx.args.arg("INCIDENT");
    const body: AssignRoleInput = {
      role: ctx.args.string("role") ?? "commander",
      person: ctx.args.arg("PERSON"),
      remove: ctx.args.boolean("remove"),
    };
    const incident = await ctx.api().post<IncidentView>(incidentPath(ref, "/roles"), body, {
      fieldNames: { role: "--role", person: "PERSON" },
    });
    ctx.out.result(incident, (i) => {
      const verb = body.remove
        ? `Removed ${body.person} as ${body.role}`
        : `Assigned ${body.person} as ${body.role}`;
      printIncidentChange(ctx.out, verb, i);
    });
    return 0;
  },
};

export const incidentEditCommands: readonly CommandSpec[] = [update, assign];
