import { type AuditEntryView, auditCsvHeader, auditCsvLine } from "#app/audit/list.ts";
import type { CommandSpec, FlagSpec } from "../command.ts";
import { usageError } from "../errors.ts";
import { orDash, timestamp } from "../format.ts";
import { fetchPages, type Page, pagingFlags, printPage } from "../paging.ts";

// foghorn audit: who changed what configuration, and who signed in (admins).

const FILTER_FLAGS: FlagSpec[] = [
  { name: "actor", type: "string", value: "USER", description: "Only what this user did (username)" },
  {
    name: "action",
    type: "string",
    value: "PREFIX",
    description:
      "Only actions starting with this: service. (every service change), session.sign_in, user.update",
  },
  {
    name: "target-type",
    type: "string",
    value: "TYPE",
    description: "Only changes to this kind of thing: service, team, user…",
  },
  {
    name: "target-id",
    type: "string",
    value: "ID",
    description: "Only changes to this one (with --target-type), e.g. payments",
  },
  {
    name: "since",
    type: "string",
    value: "WHEN",
    description: "From this date (2026-11-01, midnight UTC) or instant (2026-11-01T09:00:00Z)",
  },
  { name: "until", type: "string", value: "WHEN", description: "Before this date or instant" },
];

/** API parameter → the flag the user typed, so a refused value reads in their words. */
const FIELD_NAMES: Record<string, string> = {
  actor: "--actor",
  action: "--action",
  target_type: "--target-type",
  target_id: "--target-id",
  since: "--since",
  until: "--until",
  limit: "--limit",
  cursor: "--cursor",
};

/** What a change touched, e.g. "service payments". */
function target(e: AuditEntryView): string {
  return e.target_type ? `${e.target_type} ${e.target_id}`.trim() : "-";
}

export const auditCommand: CommandSpec = {
  kind: "command",
  name: "audit",
  summary: "The audit log: configuration changes and sign-ins, newest first (admins)",
  description:
    "Every configuration change made through the API (services, integrations, teams, users and roles,\n" +
    "schedules, policies, the status page…) with who made it, when, from where, and the record before\n" +
    "and after; and every sign-in, sign-out and token. Secrets are never stored in it. Entries cannot be\n" +
    "changed or deleted. --json prints each entry with before and after; --csv prints every matching\n" +
    "entry (all pages) as CSV for a spreadsheet. See docs/audit.md.",
  flags: [
    ...FILTER_FLAGS,
    ...pagingFlags("entries"),
    {
      name: "csv",
      type: "boolean",
      description: "Print every matching entry as CSV (RFC 4180), e.g. > audit.csv",
    },
  ],
  connects: true,
  examples: [
    "foghorn audit",
    "foghorn audit --action service. --since 2026-11-01",
    "foghorn audit --actor alice --limit 20",
    "foghorn audit --target-type user --target-id carol --json | jq '.items[] | {at, before: .before.role, after: .after.role}'",
    "foghorn audit --action session.sign_in_failed --since 2026-11-01T00:00:00Z",
    "foghorn audit --since 2026-10-01 --until 2026-11-01 --csv > audit-october.csv",
  ],
  async run(ctx) {
    const a = ctx.args;
    const csv = a.boolean("csv");
    if (csv && ctx.out.json) throw usageError("--csv and --json exclude each other; pick one");
    if (csv && (a.string("cursor") || a.integer("limit") !== undefined))
      throw usageError("--csv prints every matching entry; leave out --limit and --cursor");
    const filters = {
      actor: a.string("actor"),
      action: a.string("action"),
      target_type: a.string("target-type"),
      target_id: a.string("target-id"),
      since: a.string("since"),
      until: a.string("until"),
    };
    if (csv) {
      let text = auditCsvHeader();
      let cursor: string | null | undefined;
      do {
        const page: Page<AuditEntryView> = await ctx.api().get<Page<AuditEntryView>>("/api/v1/audit", {
          query: { ...filters, limit: 200, cursor: cursor ?? undefined },
          fieldNames: FIELD_NAMES,
        });
        text += page.items.map(auditCsvLine).join("");
        cursor = page.next_cursor;
      } while (cursor);
      ctx.out.raw(text);
      return 0;
    }
    const page = await fetchPages<AuditEntryView>(ctx, "/api/v1/audit", filters, FIELD_NAMES);
    printPage(
      ctx,
      page,
      [
        "No audit entries match.",
        "Try fewer filters, e.g. foghorn audit --since 2026-01-01; actions are prefixes (--action service.).",
      ],
      (items) =>
        ctx.out.table(
          ["TIME", "ACTOR", "ACTION", "TARGET"],
          items.map((e) => [timestamp(e.at), e.actor, e.action, orDash(target(e))]),
        ),
    );
    return 0;
  },
};
