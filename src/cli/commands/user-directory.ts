import type { createPersonCalendarToken } from "#app/oncall/calendar.ts";
import { USER_ROLES } from "#domain/auth/access.ts";
import type { CommandContext, CommandSpec, FlagSpec } from "../command.ts";
import { usageError } from "../errors.ts";
import { orDash } from "../format.ts";
import type { Page } from "../paging.ts";
import { fields, section } from "../render/alerting.ts";
import { absoluteUrl, oneOf, timeZoneFlag } from "./alerting-shared.ts";
import {
  type PersonDetail,
  type PersonSummary,
  printWarnings,
  userFlagOrMe,
  userPath,
  whoAmI,
} from "./oncall-shared.ts";

// `foghorn user list|create|show|set`: the people who can be paged, their time zone and set-up.

const ROLES = USER_ROLES;
const USER_ARG = { name: "USERNAME", description: "The person, e.g. alice (default: you)", optional: true };
const FIELD_FLAGS = { username: "USERNAME", display_name: "--name", time_zone: "--tz", role: "--role" };

const PROFILE_FLAGS: readonly FlagSpec[] = [
  { name: "name", type: "string", value: "TEXT", description: 'Display name, e.g. "Alice Smith"' },
  {
    name: "tz",
    type: "string",
    value: "ZONE",
    description: "IANA time zone the person lives in, e.g. Europe/Berlin (default UTC)",
  },
  {
    name: "role",
    type: "string",
    value: "ROLE",
    description: `${USER_ROLES.join(", ")} (admins only; docs/access.md)`,
  },
];

function profileBody(ctx: CommandContext): Record<string, unknown> {
  const a = ctx.args;
  const body: Record<string, unknown> = {};
  const name = a.string("name");
  if (name !== undefined) body.display_name = name;
  const tz = a.string("tz");
  if (tz !== undefined) body.time_zone = timeZoneFlag(tz);
  const role = a.string("role");
  if (role !== undefined) body.role = oneOf("role", role, ROLES);
  return body;
}

/** `foghorn user show`: the profile, contact methods with their rules, teams and warnings. */
export function printPerson(ctx: CommandContext, p: PersonDetail): void {
  const out = ctx.out;
  out.print(`${out.color.bold(p.username)}${p.display_name ? `  ${p.display_name}` : ""}`);
  out.print("");
  fields(out, [
    ["Role", p.role],
    ["Time zone", p.time_zone],
    ["Teams", p.teams.length ? p.teams.map((t) => `${t.name} (${t.role})`).join(", ") : "-"],
  ]);
  section(out, `Contact methods (${p.contact_methods.length})`);
  if (p.contact_methods.length) {
    const when = (id: string) => {
      const delays = p.notification_rules
        .filter((r) => r.contact_method_id === id)
        .map((r) => r.delay_minutes);
      if (p.notification_rules.length === 0) return "at once (no rules: every method)";
      return delays.length ? delays.map((d) => (d === 0 ? "at once" : `after ${d} min`)).join(", ") : "never";
    };
    out.table(
      ["ID", "KIND", "ADDRESS", "LABEL", "NOTIFIED"],
      p.contact_methods.map((m) => [m.id, m.kind, m.address, orDash(m.label), when(m.id)]),
    );
  } else
    out.print(
      out.color.dim(`  Add one: foghorn contact add email ${p.username}@example.com --user ${p.username}`),
    );
  if (p.notification_rules.length) {
    section(out, `Notification rules (${p.notification_rules.length})`);
    out.table(
      ["ID", "AFTER", "CONTACT"],
      p.notification_rules.map((r) => [
        r.id,
        `${r.delay_minutes} min`,
        `${r.kind ?? "?"} ${r.address ?? ""}`,
      ]),
    );
  }
  printWarnings(out, p.warnings);
}

const list: CommandSpec = {
  kind: "command",
  name: "list",
  aliases: ["ls"],
  summary: "List people with their time zone and whether they can be paged",
  connects: true,
  examples: [
    "foghorn user list",
    "foghorn user list --json | jq -r '.items[] | select(.warnings != []) | .username'",
  ],
  async run(ctx) {
    const page = await ctx.api().get<Page<PersonSummary>>("/api/v1/users");
    ctx.out.result(page, ({ items }) => {
      const c = ctx.out.color;
      ctx.out.table(
        ["USERNAME", "NAME", "ROLE", "TIME ZONE", "CONTACTS", "WARNING"],
        items.map((u) => [
          { text: u.username, paint: c.bold },
          orDash(u.display_name),
          u.role,
          u.time_zone,
          String(u.contact_methods),
          u.warnings[0] ? { text: u.warnings[0], paint: c.yellow } : "-",
        ]),
      );
    });
    return 0;
  },
};

const create: CommandSpec = {
  kind: "command",
  name: "create",
  summary: "Add a person who can sign in and be paged (admins)",
  description:
    "Usernames are unique ignoring case. Next: give them a contact method (foghorn contact add) and a\n" +
    "web password (foghorn user set-password).",
  args: [{ name: "USERNAME", description: "Their handle, e.g. alice" }],
  flags: PROFILE_FLAGS,
  connects: true,
  examples: [
    'foghorn user create alice --name "Alice Smith" --tz Europe/Berlin',
    "foghorn user create root2 --role admin",
  ],
  async run(ctx) {
    const body = { username: ctx.args.arg("USERNAME"), ...profileBody(ctx) };
    const person = await ctx.api().post<PersonDetail>("/api/v1/users", body, { fieldNames: FIELD_FLAGS });
    ctx.out.result(person, (p) => {
      ctx.out.print(`Created ${ctx.out.color.bold(p.username)} (${p.role}, ${p.time_zone}).`);
      ctx.out.print(`Next: foghorn contact add email ${p.username}@example.com --user ${p.username}`);
    });
    return 0;
  },
};

const show: CommandSpec = {
  kind: "command",
  name: "show",
  summary: "Show a person's on-call set-up: time zone, contact methods, notification rules, teams",
  args: [USER_ARG],
  connects: true,
  examples: ["foghorn user show", "foghorn user show alice --json | jq .warnings"],
  async run(ctx) {
    const username = ctx.args.optionalArg("USERNAME") ?? (await whoAmI(ctx));
    const person = await ctx.api().get<PersonDetail>(userPath(username));
    ctx.out.result(person, (p) => printPerson(ctx, p));
    return 0;
  },
};

const set: CommandSpec = {
  kind: "command",
  name: "set",
  summary: "Change a person's display name, time zone or role",
  description: "Everyone may change their own name and time zone; admins anyone's, and roles.",
  args: [USER_ARG],
  flags: PROFILE_FLAGS,
  connects: true,
  examples: ["foghorn user set --tz America/New_York", "foghorn user set bob --role admin"],
  async run(ctx) {
    const body = profileBody(ctx);
    if (Object.keys(body).length === 0)
      throw usageError(`user set needs at least one change, e.g. ${set.examples[0]}`);
    const username = ctx.args.optionalArg("USERNAME") ?? (await whoAmI(ctx));
    const person = await ctx.api().patch<PersonDetail>(userPath(username), body, { fieldNames: FIELD_FLAGS });
    ctx.out.result(person, (p) => {
      ctx.out.print(`Updated ${ctx.out.color.bold(p.username)}: ${p.role}, ${p.time_zone}.`);
      printWarnings(ctx.out, p.warnings);
    });
    return 0;
  },
};

/** `foghorn user calendar`: a person's own calendar feed URL (a new one each time; the old one stops). */
const calendar: CommandSpec = {
  kind: "command",
  name: "calendar",
  summary: "Create your calendar feed URL: your shifts in every schedule (the previous URL stops working)",
  flags: [
    { name: "user", type: "string", value: "USERNAME", description: "Whose (default: you; admins: anyone)" },
  ],
  connects: true,
  examples: ["foghorn user calendar", "foghorn user calendar --user alice --json | jq -r .calendar_url"],
  async run(ctx) {
    const username = await userFlagOrMe(ctx);
    const result = await ctx
      .api()
      .post<Awaited<ReturnType<typeof createPersonCalendarToken>>>(userPath(username, "/calendar-token"));
    ctx.out.result(result, (r) => {
      ctx.out.print(`Subscribe to ${r.username}'s on-call shifts (this URL is shown once; keep it private):`);
      ctx.out.print(`  ${absoluteUrl(r.calendar_url, ctx.connection().url)}`);
    });
    return 0;
  },
};

export const userDirectoryCommands: readonly CommandSpec[] = [list, create, show, set, calendar];
