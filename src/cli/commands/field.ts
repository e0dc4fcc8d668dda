import type { CustomFieldView } from "#app/incident-types/internal.ts";
import type { CommandGroup, CommandSpec } from "../command.ts";
import { orDash } from "../format.ts";
import type { Page } from "../paging.ts";

// `foghorn field`: custom incident fields (text, number, select) that incidents carry and the list filters on.

const KEY_ARG = { name: "KEY", description: "The field's key, a lower-case slug, e.g. customer_tier" };
const fieldPath = (key: string) => `/api/v1/custom-fields/${encodeURIComponent(key.trim())}`;
const NAMES = {
  key: "KEY",
  label: "--label",
  kind: "--kind",
  options: "--options",
  description: "--description",
};

const create: CommandSpec = {
  kind: "command",
  name: "create",
  summary: "Define a custom incident field: text, number or select",
  description:
    "The key names the field in the API, in filters (field.<key>=value) and on the command line\n" +
    "(--field <key>=value); it and the kind never change. Select fields take their options in display order.",
  args: [KEY_ARG],
  flags: [
    { name: "kind", type: "string", value: "KIND", description: "text (default), number or select" },
    { name: "label", type: "string", value: "TEXT", description: 'What people see, e.g. "Customer tier"' },
    {
      name: "options",
      type: "string",
      multiple: true,
      value: "LIST",
      description: "The allowed values of a select field, comma-separated",
    },
    { name: "description", type: "string", value: "TEXT", description: "What the field means" },
    { name: "position", type: "string", value: "N", description: "Display order (lower first)" },
  ],
  connects: true,
  examples: [
    'foghorn field create customer_tier --kind select --options gold,silver,bronze --label "Customer tier"',
    'foghorn field create orders_lost --kind number --label "Orders lost"',
    'foghorn field create region --label "Region" --description "Cloud region, e.g. eu-west-1"',
  ],
  async run(ctx) {
    const a = ctx.args;
    const key = a.arg("KEY");
    const options = a.strings("options");
    const position = a.integer("position");
    const body = {
      key,
      label: a.string("label") ?? key.replace(/_/g, " "),
      kind: a.string("kind") ?? (options.length ? "select" : "text"),
      ...(options.length ? { options } : {}),
      ...(a.string("description") !== undefined ? { description: a.string("description") } : {}),
      ...(position !== undefined ? { position } : {}),
    };
    const field = await ctx.api().post<CustomFieldView>("/api/v1/custom-fields", body, { fieldNames: NAMES });
    ctx.out.result(field, (f) =>
      ctx.out.print(`Created ${f.kind} field ${ctx.out.color.bold(f.key)} (${f.label}).`),
    );
    return 0;
  },
};

const list: CommandSpec = {
  kind: "command",
  name: "list",
  aliases: ["ls"],
  summary: "List custom incident fields",
  connects: true,
  examples: ["foghorn field list", "foghorn field list --json | jq -r '.items[].key'"],
  async run(ctx) {
    const page = await ctx.api().get<Page<CustomFieldView>>("/api/v1/custom-fields");
    ctx.out.result(page, ({ items }) => {
      if (items.length === 0) {
        ctx.out.print("No custom fields yet. Define one:");
        ctx.out.print(`  ${create.examples[0]}`);
        return;
      }
      ctx.out.table(
        ["KEY", "LABEL", "KIND", "OPTIONS", "DESCRIPTION"],
        items.map((f) => [
          { text: f.key, paint: ctx.out.color.bold },
          f.label,
          f.kind,
          orDash(f.options.join(", ")),
          orDash(f.description),
        ]),
      );
    });
    return 0;
  },
};

const update: CommandSpec = {
  kind: "command",
  name: "update",
  aliases: ["set"],
  summary: "Change a field's label, options, description or position",
  description:
    "--options replaces the whole list. Removing an option that incidents or incident types still use is\n" +
    "refused, naming them.",
  args: [KEY_ARG],
  flags: [
    { name: "label", type: "string", value: "TEXT", description: "New label" },
    {
      name: "options",
      type: "string",
      multiple: true,
      value: "LIST",
      description: "The new options of a select field, comma-separated",
    },
    { name: "description", type: "string", value: "TEXT", description: "New description" },
    { name: "position", type: "string", value: "N", description: "New display position" },
  ],
  connects: true,
  examples: [
    "foghorn field update customer_tier --options gold,silver,bronze,tin",
    'foghorn field update orders_lost --label "Orders lost (est.)" --position 2',
  ],
  async run(ctx) {
    const a = ctx.args;
    const options = a.strings("options");
    const position = a.integer("position");
    const body = {
      ...(a.string("label") !== undefined ? { label: a.string("label") } : {}),
      ...(options.length ? { options } : {}),
      ...(a.string("description") !== undefined ? { description: a.string("description") } : {}),
      ...(position !== undefined ? { position } : {}),
    };
    const field = await ctx
      .api()
      .patch<CustomFieldView>(fieldPath(a.arg("KEY")), body, { fieldNames: NAMES });
    ctx.out.result(field, (f) =>
      ctx.out.print(
        `Updated field ${ctx.out.color.bold(f.key)}: ${f.label} (${f.kind}${f.options.length ? `: ${f.options.join(", ")}` : ""}).`,
      ),
    );
    return 0;
  },
};

const remove: CommandSpec = {
  kind: "command",
  name: "delete",
  aliases: ["rm"],
  summary: "Delete a custom field (refused while in use unless --force)",
  description:
    "While incidents carry a value for the field, or incident types give it a default, deleting is refused.\n" +
    "--force removes those values too; each incident's timeline records the removal.",
  args: [KEY_ARG],
  flags: [
    { name: "force", type: "boolean", description: "Also remove the values incidents and types carry" },
  ],
  connects: true,
  examples: ["foghorn field delete region", "foghorn field delete customer_tier --force"],
  async run(ctx) {
    const key = ctx.args.arg("KEY");
    const force = ctx.args.boolean("force");
    const done = await ctx.api().request<{ key: string; values_removed: number }>("DELETE", fieldPath(key), {
      ...(force ? { query: { force: "true" } } : {}),
      fieldNames: { force: "--force" },
    });
    ctx.out.result(done, (d) =>
      ctx.out.print(
        `Deleted field ${d.key}${d.values_removed ? ` and its value on ${d.values_removed} incident(s)` : ""}.`,
      ),
    );
    return 0;
  },
};

export const fieldGroup: CommandGroup = {
  kind: "group",
  name: "field",
  summary: "Manage custom incident fields (text, number, select)",
  description:
    "Incidents carry custom field values (--field key=value on declare and update); the incident list\n" +
    "filters on them (foghorn incident list --field key=value). See docs/incident-types.md.",
  children: [create, list, update, remove],
  examples: [
    'foghorn field create customer_tier --kind select --options gold,silver,bronze --label "Customer tier"',
    "foghorn field list",
    "foghorn incident list --field customer_tier=gold",
  ],
};
