import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import type { IncidentTypeView } from "#app/incident-types/incident-types.ts";
import type { CommandContext, CommandGroup, CommandSpec, FlagSpec } from "../command.ts";
import { usageError } from "../errors.ts";
import { orDash } from "../format.ts";
import { isRecord } from "../json.ts";
import type { Page } from "../paging.ts";
import { fieldFlagNames, parseFieldFlags } from "./field-flags.ts";

// `foghorn incident-type`: named defaults (severity, services, roles, checklist, custom field values)
// applied when an incident is declared with `--type`.

const NAME_ARG = { name: "NAME", description: 'The type\'s name (ignoring case), e.g. "Security breach"' };
const typePath = (name: string) => `/api/v1/incident-types/${encodeURIComponent(name.trim())}`;

const DEFAULT_FLAGS: readonly FlagSpec[] = [
  {
    name: "severity",
    type: "string",
    value: "SEV",
    description: "Default severity, e.g. SEV1 (none: no default)",
  },
  {
    name: "service",
    type: "string",
    multiple: true,
    value: "NAME",
    description: "A default affected service",
  },
  {
    name: "role",
    type: "string",
    multiple: true,
    value: "ROLE=PERSON",
    description: "A default role holder, e.g. commander=alice, comms=carol, responder=dan",
  },
  {
    name: "field",
    type: "string",
    multiple: true,
    value: "KEY=VALUE",
    description: "A default custom field value, KEY=VALUE (repeat for several)",
  },
  {
    name: "checklist-file",
    type: "string",
    value: "FILE",
    description: "The type's checklist: YAML or JSON list of {key, title, due_minute, details} (- for stdin)",
  },
  {
    name: "builtin-checklist",
    type: "boolean",
    description: "Use the built-in triage checklist (the default)",
  },
  { name: "description", type: "string", value: "TEXT", description: "What the type is for" },
];

function parseRoles(values: readonly string[]): { role: string; person: string }[] {
  return values.map((raw) => {
    const [role, person] = raw.split("=").map((s) => s.trim());
    if (!role || !person)
      throw usageError(`--role wants ROLE=PERSON, e.g. --role commander=alice (got "${raw}")`);
    return { role, person };
  });
}

/** Reads a checklist file: a list of tasks, or a mapping with a `checklist` (or `tasks`) list. */
async function readChecklist(ctx: CommandContext, file: string): Promise<unknown[]> {
  let text: string | undefined;
  try {
    text = file === "-" ? await ctx.readStdin() : await readFile(file, "utf8");
  } catch (error) {
    const why = isRecord(error) && typeof error.code === "string" ? error.code : String(error);
    throw usageError(`--checklist-file ${file}: cannot read the file (${why})`);
  }
  let value: unknown;
  try {
    value = parseYaml(text ?? "");
  } catch (error) {
    const why = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw usageError(`--checklist-file ${file}: not valid YAML or JSON (${why})`);
  }
  if (isRecord(value)) value = value.checklist ?? value.tasks;
  if (!Array.isArray(value))
    throw usageError(
      `--checklist-file ${file}: expected a list of tasks ({key, title, due_minute, details})`,
    );
  return value;
}

/** The body fields the create and update flags give; `fields` are the --field values. */
async function typeBody(ctx: CommandContext): Promise<Record<string, unknown>> {
  const a = ctx.args;
  const body: Record<string, unknown> = {};
  const severity = a.string("severity");
  if (severity !== undefined) body.severity = severity.toLowerCase() === "none" ? null : severity;
  if (a.strings("service").length) body.services = a.strings("service");
  if (a.strings("role").length) body.roles = parseRoles(a.strings("role"));
  const file = a.string("checklist-file");
  if (file !== undefined && a.boolean("builtin-checklist"))
    throw usageError("give --checklist-file or --builtin-checklist, not both");
  if (file !== undefined) body.checklist = await readChecklist(ctx, file);
  if (a.boolean("builtin-checklist")) body.checklist = null;
  if (a.string("description") !== undefined) body.description = a.string("description");
  return body;
}

const NAMES = {
  name: "NAME",
  severity: "--severity",
  services: "--service",
  roles: "--role",
  checklist: "--checklist-file",
  description: "--description",
};

function checklistText(t: IncidentTypeView): string {
  if (t.checklist === null) return "built-in triage checklist";
  if (t.checklist.length === 0) return "none";
  return t.checklist.map((task) => `${task.title} (${task.due_minute} min)`).join("; ");
}

function printType(ctx: CommandContext, t: IncidentTypeView): void {
  const out = ctx.out;
  out.print(`${out.color.bold(t.name)}${t.description ? `  ${t.description}` : ""}`);
  const rows: [string, string][] = [
    ["Severity", orDash(t.severity)],
    ["Services", orDash(t.services.join(", "))],
    ["Roles", orDash(t.roles.map((r) => `${r.role}=${r.person}`).join(", "))],
    [
      "Fields",
      orDash(
        Object.entries(t.field_defaults)
          .map(([k, v]) => `${k}=${v}`)
          .join(", "),
      ),
    ],
    ["Checklist", checklistText(t)],
  ];
  if (t.incidents !== undefined) rows.push(["Incidents", String(t.incidents)]);
  for (const [k, v] of rows) out.print(`  ${out.color.dim(k.padEnd(9))}  ${v}`);
}

const create: CommandSpec = {
  kind: "command",
  name: "create",
  summary: "Create an incident type with default severity, services, roles, checklist and field values",
  args: [NAME_ARG],
  flags: DEFAULT_FLAGS,
  connects: true,
  examples: [
    'foghorn incident-type create "Security breach" --severity SEV1 --service auth --role commander=alice --field customer_tier=gold --checklist-file checklist.yaml',
    "foghorn incident-type create Database --severity SEV2 --service postgres --role responder=dba-oncall",
  ],
  async run(ctx) {
    const fields = parseFieldFlags(ctx.args.values("field"));
    const body = {
      name: ctx.args.arg("NAME"),
      ...(await typeBody(ctx)),
      ...(Object.keys(fields).length ? { field_defaults: fields } : {}),
    };
    const type = await ctx.api().post<IncidentTypeView>("/api/v1/incident-types", body, {
      fieldNames: { ...NAMES, ...fieldFlagNames(Object.keys(fields), "field_defaults") },
    });
    ctx.out.result(type, (t) => {
      ctx.out.print(`Created incident type ${ctx.out.color.bold(t.name)}.`);
      printType(ctx, t);
    });
    return 0;
  },
};

const list: CommandSpec = {
  kind: "command",
  name: "list",
  aliases: ["ls"],
  summary: "List incident types and their defaults",
  connects: true,
  examples: ["foghorn incident-type list", "foghorn incident-type list --json | jq -r '.items[].name'"],
  async run(ctx) {
    const page = await ctx.api().get<Page<IncidentTypeView>>("/api/v1/incident-types");
    ctx.out.result(page, ({ items }) => {
      if (items.length === 0) {
        ctx.out.print("No incident types yet. Create one:");
        ctx.out.print(`  ${create.examples[1]}`);
        return;
      }
      ctx.out.table(
        ["TYPE", "SEVERITY", "SERVICES", "ROLES", "CHECKLIST"],
        items.map((t) => [
          { text: t.name, paint: ctx.out.color.bold },
          orDash(t.severity),
          orDash(t.services.join(", ")),
          orDash(t.roles.map((r) => `${r.role}=${r.person}`).join(", ")),
          t.checklist === null ? "built-in" : `${t.checklist.length} task(s)`,
        ]),
      );
    });
    return 0;
  },
};

const show: CommandSpec = {
  kind: "command",
  name: "show",
  summary: "Show an incident type's defaults and how many incidents were declared with it",
  args: [NAME_ARG],
  connects: true,
  examples: [
    'foghorn incident-type show "Security breach"',
    "foghorn incident-type show database --json | jq .checklist",
  ],
  async run(ctx) {
    const type = await ctx.api().get<IncidentTypeView>(typePath(ctx.args.arg("NAME")));
    ctx.out.result(type, (t) => printType(ctx, t));
    return 0;
  },
};

const update: CommandSpec = {
  kind: "command",
  name: "update",
  aliases: ["set"],
  summary: "Change an incident type (incidents declared earlier keep what they got)",
  description:
    "--service and --role replace the lists; --field adds or changes one default (KEY= removes it);\n" +
    "--severity none removes the default severity.",
  args: [NAME_ARG],
  flags: [{ name: "name", type: "string", value: "TEXT", description: "Rename the type" }, ...DEFAULT_FLAGS],
  connects: true,
  examples: [
    'foghorn incident-type update "Security breach" --severity SEV2 --role commander=bob',
    "foghorn incident-type update database --field customer_tier= --builtin-checklist",
    'foghorn incident-type update database --name "Database outage"',
  ],
  async run(ctx) {
    const name = ctx.args.arg("NAME");
    const body = await typeBody(ctx);
    const rename = ctx.args.string("name");
    if (rename !== undefined) body.name = rename;
    const fields = parseFieldFlags(ctx.args.values("field"));
    if (Object.keys(fields).length) {
      const current = await ctx.api().get<IncidentTypeView>(typePath(name));
      const next: Record<string, unknown> = { ...current.field_defaults };
      for (const [k, v] of Object.entries(fields)) {
        if (v === "") delete next[k];
        else next[k] = v;
      }
      body.field_defaults = next;
    }
    if (Object.keys(body).length === 0)
      throw usageError(`incident-type update needs at least one change, e.g. ${update.examples[0]}`);
    const type = await ctx.api().patch<IncidentTypeView>(typePath(name), body, {
      fieldNames: { ...NAMES, name: "--name", ...fieldFlagNames(Object.keys(fields), "field_defaults") },
    });
    ctx.out.result(type, (t) => {
      ctx.out.print(`Updated incident type ${ctx.out.color.bold(t.name)}.`);
      printType(ctx, t);
    });
    return 0;
  },
};

const remove: CommandSpec = {
  kind: "command",
  name: "delete",
  aliases: ["rm"],
  summary: "Delete an incident type (its incidents keep their values)",
  args: [NAME_ARG],
  connects: true,
  examples: [
    'foghorn incident-type delete "Security breach"',
    "foghorn incident-type delete database --json",
  ],
  async run(ctx) {
    const name = ctx.args.arg("NAME");
    await ctx.api().request<unknown>("DELETE", typePath(name));
    ctx.out.result({ name, deleted: true }, () => ctx.out.print(`Deleted incident type ${name}.`));
    return 0;
  },
};

export const incidentTypeGroup: CommandGroup = {
  kind: "group",
  name: "incident-type",
  summary: "Manage incident types: defaults applied when an incident is declared with --type",
  description:
    "Declaring with --type fills in what the declarer leaves out: severity, services (added to the\n" +
    "given ones), role holders, the checklist (copied onto the incident) and custom field values.\n" +
    "Explicit values always win. See docs/incident-types.md.",
  children: [create, list, show, update, remove],
  examples: [
    'foghorn incident-type create "Security breach" --severity SEV1 --service auth --role commander=alice',
    'foghorn incident declare --title "Leaked API keys" --type "Security breach"',
    "foghorn incident-type list",
  ],
};
