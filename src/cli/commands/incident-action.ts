import type { IncidentDetail } from "#app/incidents/get.ts";
import type { actionItemView } from "#app/incidents/views.ts";
import { parseDuration } from "#domain/time.ts";
import type { CommandContext, CommandGroup, CommandSpec } from "../command.ts";
import { CliError, EXIT, usageError } from "../errors.ts";
import { INCIDENT_ARG, incidentPath } from "./incident-shared.ts";

type ActionItem = ReturnType<typeof actionItemView>;

/** --due takes a date (2026-06-01), a date-time, or a duration from now (7d, 2w). */
function dueAt(text: string | undefined, now: Date): string | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return `${t}T00:00:00Z`;
  const ms = parseDuration(t);
  if (ms !== undefined) return new Date(now.getTime() + ms).toISOString();
  if (Number.isNaN(Date.parse(t)))
    throw usageError(
      `--due must be a date like 2026-06-01, a date-time, or a duration like 7d; got "${text}"`,
    );
  return t;
}

/**
 * An action item named the way `incident show` lists it: its number (1, 2, …), the start of its id (as
 * shown, 8 characters), or the whole id.
 */
async function findItemId(ctx: CommandContext, ref: string, item: string): Promise<string> {
  const { id, action_items } = await ctx.api().get<IncidentDetail>(incidentPath(ref));
  const wanted = item.trim().toLowerCase();
  const byNumber = /^\d{1,4}$/.test(wanted) ? action_items[Number(wanted) - 1] : undefined;
  const matches = byNumber ? [byNumber] : action_items.filter((a) => a.id.startsWith(wanted));
  const [only, second] = matches;
  if (only && !second) return only.id;
  if (second) throw usageError(`"${item}" matches several action items of ${id}; give more of the id`);
  throw new CliError(
    EXIT.NOT_FOUND,
    `${id} has no action item "${item}"; list them with: foghorn incident show ${id}`,
  );
}

const add: CommandSpec = {
  kind: "command",
  name: "add",
  summary: "Record a follow-up task on an incident",
  args: [INCIDENT_ARG, { name: "TITLE", description: "What should be done", rest: true }],
  flags: [
    { name: "owner", type: "string", value: "HANDLE", description: "Who does it" },
    { name: "priority", type: "string", value: "PRIORITY", description: "high, medium (default) or low" },
    {
      name: "due",
      type: "string",
      value: "WHEN",
      description: "A date (2026-06-01) or a duration from now (14d)",
    },
    { name: "description", type: "string", value: "TEXT", description: "Details" },
  ],
  connects: true,
  examples: [
    'foghorn incident action add INC-7 "Alert on connection pool saturation" --owner bob --priority high --due 14d',
    'foghorn incident action add INC-7 "Load-test checkout before Black Friday" --due 2026-11-01',
  ],
  async run(ctx) {
    const ref = ctx.args.arg("INCIDENT");
    const title = ctx.args.arg("TITLE");
    const due = dueAt(ctx.args.string("due"), ctx.now());
    const owner = ctx.args.string("owner");
    const priority = ctx.args.string("priority");
    const description = ctx.args.string("description");
    const body = {
      title,
      ...(owner ? { owner } : {}),
      ...(priority ? { priority: priority.toLowerCase() } : {}),
      ...(due ? { due_at: due } : {}),
      ...(description !== undefined ? { description } : {}),
    };
    const item = await ctx.api().post<ActionItem>(incidentPath(ref, "/action-items"), body, {
      fieldNames: { title: "TITLE", owner: "--owner", priority: "--priority", due_at: "--due" },
    });
    ctx.out.result(item, (a) => {
      ctx.out.print(`Added action item ${a.id.slice(0, 8)} to ${a.incident_id}: ${a.title}`);
      ctx.out.print(
        ctx.out.color.dim(`Mark it done: foghorn incident action done ${a.incident_id} ${a.id.slice(0, 8)}`),
      );
    });
    return 0;
  },
};

const done: CommandSpec = {
  kind: "command",
  name: "done",
  aliases: ["complete"],
  summary: "Mark an action item done",
  args: [INCIDENT_ARG, { name: "ITEM", description: "Its number or id as `foghorn incident show` lists it" }],
  connects: true,
  examples: ["foghorn incident action done INC-7 1", "foghorn incident action done INC-7 3f2a9c1e"],
  async run(ctx) {
    const ref = ctx.args.arg("INCIDENT");
    const itemId = await findItemId(ctx, ref, ctx.args.arg("ITEM"));
    const item = await ctx.api().post<ActionItem>(incidentPath(ref, `/action-items/${itemId}/complete`));
    ctx.out.result(item, (a) => ctx.out.print(`Done: ${a.title} (${a.incident_id})`));
    return 0;
  },
};

export const actionGroup: CommandGroup = {
  kind: "group",
  name: "action",
  summary: "Add action items (follow-up tasks) to an incident, or mark them done",
  children: [add, done],
  examples: [
    'foghorn incident action add INC-7 "Alert on pool saturation" --owner bob --due 14d',
    "foghorn incident action done INC-7 1",
  ],
};
