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

type FileAnswer = {
  incident_id: string;
  repository: string;
  dry_run: boolean;
  items: {
    id: string;
    title: string;
    result: "filed" | "existing" | "already-filed" | "would-file";
    issue: { repository: string; number: number; url: string } | null;
    enriched_by: "ai" | "template" | null;
    fallback_reason?: string;
    issue_title?: string;
  }[];
};

/** One line per item: what happened to it and where its issue is. */
function fileLine(item: FileAnswer["items"][number]): string {
  const at = item.issue ? `${item.issue.repository}#${item.issue.number}` : "";
  switch (item.result) {
    case "filed":
      return `filed ${at} ${item.title}${item.issue ? ` → ${item.issue.url}` : ""}${item.fallback_reason ? ` (template: ${item.fallback_reason})` : ""}`;
    case "existing":
      return `linked ${at} ${item.title} (the issue was already on GitHub)`;
    case "already-filed":
      return `skipped ${item.title}: already filed as ${at}`;
    default:
      return `would file "${item.issue_title ?? item.title}" (${item.title})`;
  }
}

const file: CommandSpec = {
  kind: "command",
  name: "file",
  summary: "File action items as GitHub issues (all open unfiled ones, or the ones named)",
  description:
    "Files through the server's GitHub configuration (GITHUB_TOKEN, GITHUB_REPOSITORY), the same way as the web UI's File to GitHub button and `foghorn backlog sync`: each item once, items already filed are skipped. Closing the issue on GitHub completes the item when the webhook is set up (docs/backlog.md).",
  args: [
    INCIDENT_ARG,
    {
      name: "ITEM",
      description:
        "Numbers or ids as `foghorn incident show` lists them (default: every open item not filed yet)",
      optional: true,
      rest: true,
    },
  ],
  flags: [{ name: "dry-run", type: "boolean", description: "Show the issues it would file; file nothing" }],
  connects: true,
  examples: ["foghorn incident action file INC-7", "foghorn incident action file INC-7 1 3 --dry-run"],
  async run(ctx) {
    const ref = ctx.args.arg("INCIDENT");
    const words = (ctx.args.optionalArg("ITEM") ?? "").split(/[\s,]+/).filter(Boolean);
    const itemIds = [];
    for (const word of words) itemIds.push(await findItemId(ctx, ref, word));
    const dryRun = ctx.args.boolean("dry-run");
    if (!ctx.out.json)
      ctx.out.progress(
        `${dryRun ? "Dry run: " : ""}filing ${words.length ? `${words.length} item(s)` : "open action items"} of ${ref} to GitHub…`,
      );
    const answer = await ctx.api().post<FileAnswer>(incidentPath(ref, "/action-items/file"), {
      ...(itemIds.length ? { item_ids: itemIds } : {}),
      ...(dryRun ? { dry_run: true } : {}),
    });
    ctx.out.result(answer, (a) => {
      for (const item of a.items) ctx.out.print(fileLine(item));
      const count = (r: string) => a.items.filter((i) => i.result === r).length;
      ctx.out.print(
        a.items.length === 0
          ? `Nothing to file: every open action item of ${a.incident_id} is filed already.`
          : a.dry_run
            ? `Dry run: would file ${count("would-file")} issue(s) in ${a.repository}.`
            : `${count("filed")} filed, ${count("existing")} linked, ${count("already-filed")} already filed (${a.repository}).`,
      );
    });
    return 0;
  },
};

export const actionGroup: CommandGroup = {
  kind: "group",
  name: "action",
  summary: "Add action items (follow-up tasks) to an incident, mark them done, or file them to GitHub",
  children: [add, done, file],
  examples: [
    'foghorn incident action add INC-7 "Alert on pool saturation" --owner bob --due 14d',
    "foghorn incident action done INC-7 1",
  ],
};
