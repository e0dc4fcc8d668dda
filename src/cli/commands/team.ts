import type { CommandContext, CommandGroup, CommandSpec } from "../command.ts";
import { orDash } from "../format.ts";
import type { Page } from "../paging.ts";
import { printWarnings, type Team, teamPath } from "./oncall-shared.ts";

// `foghorn team`: groups of people an escalation policy level or rule can page at once.

const TEAM_ARG = { name: "TEAM", description: "The team's name or id, e.g. payments" };

function printTeam(ctx: CommandContext, t: Team): void {
  const out = ctx.out;
  out.print(`${out.color.bold(t.name)}${t.description ? `  ${t.description}` : ""}`);
  if (t.members.length)
    out.table(
      ["MEMBER", "NAME", "ROLE"],
      t.members.map((m) => [m.username, orDash(m.display_name), m.role]),
    );
  else out.print(out.color.dim(`  No members yet: foghorn team add-member ${t.name} USERNAME`));
  printWarnings(out, t.warnings);
}

const create: CommandSpec = {
  kind: "command",
  name: "create",
  summary: "Create a team, optionally with members and managers",
  args: [{ name: "NAME", description: "The team's name, e.g. payments (unique ignoring case)" }],
  flags: [
    { name: "description", type: "string", value: "TEXT", description: "What the team looks after" },
    {
      name: "member",
      type: "string",
      multiple: true,
      value: "USERNAME",
      description: "Add members (repeat or comma-separate)",
    },
    {
      name: "manager",
      type: "string",
      multiple: true,
      value: "USERNAME",
      description: "Add managers (repeat or comma-separate)",
    },
  ],
  connects: true,
  examples: [
    'foghorn team create payments --description "Checkout and billing" --member alice,bob --manager carol',
    "foghorn team create legal --member dan",
  ],
  async run(ctx) {
    const a = ctx.args;
    const members = [
      ...a.strings("manager").map((username) => ({ username, role: "manager" })),
      ...a.strings("member").map((username) => ({ username, role: "member" })),
    ];
    const description = a.string("description");
    const team = await ctx
      .api()
      .post<Team>(
        "/api/v1/teams",
        { name: a.arg("NAME"), ...(description !== undefined ? { description } : {}), members },
        { fieldNames: { name: "NAME", description: "--description", members: "--member" } },
      );
    ctx.out.result(team, (t) => {
      ctx.out.print(`Created team ${ctx.out.color.bold(t.name)} with ${t.members.length} member(s).`);
      printWarnings(ctx.out, t.warnings);
    });
    return 0;
  },
};

const list: CommandSpec = {
  kind: "command",
  name: "list",
  aliases: ["ls"],
  summary: "List teams with their members",
  connects: true,
  examples: [
    "foghorn team list",
    "foghorn team list --json | jq -r '.items[] | select(.warnings != []) | .name'",
  ],
  async run(ctx) {
    const page = await ctx.api().get<Page<Team>>("/api/v1/teams");
    ctx.out.result(page, ({ items }) => {
      if (items.length === 0) {
        ctx.out.print("No teams yet. Create one:");
        ctx.out.print(`  ${create.examples[0]}`);
        return;
      }
      const c = ctx.out.color;
      ctx.out.table(
        ["TEAM", "MANAGERS", "MEMBERS", "WARNING"],
        items.map((t) => [
          { text: t.name, paint: c.bold },
          orDash(
            t.members
              .filter((m) => m.role === "manager")
              .map((m) => m.username)
              .join(", "),
          ),
          orDash(
            t.members
              .filter((m) => m.role !== "manager")
              .map((m) => m.username)
              .join(", "),
          ),
          t.warnings[0] ? { text: t.warnings[0], paint: c.yellow } : "-",
        ]),
      );
    });
    return 0;
  },
};

const show: CommandSpec = {
  kind: "command",
  name: "show",
  summary: "Show a team's members and what keeps it from being paged",
  args: [TEAM_ARG],
  connects: true,
  examples: ["foghorn team show payments", "foghorn team show payments --json | jq -r '.members[].username'"],
  async run(ctx) {
    const team = await ctx.api().get<Team>(teamPath(ctx.args.arg("TEAM")));
    ctx.out.result(team, (t) => printTeam(ctx, t));
    return 0;
  },
};

const addMember: CommandSpec = {
  kind: "command",
  name: "add-member",
  summary: "Add a person to a team, or change their role in it",
  args: [TEAM_ARG, { name: "USERNAME", description: "The person, e.g. alice" }],
  flags: [{ name: "manager", type: "boolean", description: "As a manager (else a member)" }],
  connects: true,
  examples: ["foghorn team add-member payments alice", "foghorn team add-member payments carol --manager"],
  async run(ctx) {
    const team = ctx.args.arg("TEAM");
    const username = ctx.args.arg("USERNAME");
    const role = ctx.args.boolean("manager") ? "manager" : "member";
    const updated = await ctx
      .api()
      .put<Team>(teamPath(team, `/members/${encodeURIComponent(username.trim())}`), { role });
    ctx.out.result(updated, (t) => {
      ctx.out.print(`${username} is a ${role} of ${t.name}.`);
      printTeam(ctx, t);
    });
    return 0;
  },
};

const removeMember: CommandSpec = {
  kind: "command",
  name: "remove-member",
  summary: "Remove a person from a team",
  args: [TEAM_ARG, { name: "USERNAME", description: "The person, e.g. alice" }],
  connects: true,
  examples: ["foghorn team remove-member payments alice", "foghorn team remove-member payments bob --json"],
  async run(ctx) {
    const team = ctx.args.arg("TEAM");
    const username = ctx.args.arg("USERNAME");
    await ctx
      .api()
      .request<unknown>("DELETE", teamPath(team, `/members/${encodeURIComponent(username.trim())}`));
    ctx.out.result({ team, username, removed: true }, () =>
      ctx.out.print(`Removed ${username} from ${team}.`),
    );
    return 0;
  },
};

const remove: CommandSpec = {
  kind: "command",
  name: "delete",
  aliases: ["rm"],
  summary: "Delete a team (refused while an escalation policy or rule pages it)",
  args: [TEAM_ARG],
  connects: true,
  examples: ["foghorn team delete payments", "foghorn team delete old-team --json"],
  async run(ctx) {
    const team = ctx.args.arg("TEAM");
    await ctx.api().request<unknown>("DELETE", teamPath(team));
    ctx.out.result({ team, deleted: true }, () => ctx.out.print(`Deleted team ${team}.`));
    return 0;
  },
};

export const teamGroup: CommandGroup = {
  kind: "group",
  name: "team",
  summary: "Manage teams: people an escalation policy or rule can page together",
  description:
    "Paging a team pages every member (managers first). A manager is who an escalation rule's\n" +
    '"notify the manager" means for the team.',
  children: [create, list, show, addMember, removeMember, remove],
  examples: [
    "foghorn team create payments --member alice,bob --manager carol",
    "foghorn team add-member payments dan",
    "foghorn team list",
  ],
};
