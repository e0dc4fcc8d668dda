import type { createOverride, listOverrides } from "#app/oncall/schedule-overrides.ts";
import type { CommandGroup, CommandSpec } from "../command.ts";
import { usageError } from "../errors.ts";
import { SCHEDULE_ARG, schedulePath, TZ_FLAG, timeFlag, zoned } from "./oncall-shared.ts";
import type { Schedule } from "./schedule.ts";

// `foghorn schedule override`: cover for someone, join them, take them off call for a while.

type Override = Awaited<ReturnType<typeof createOverride>>;
type Overrides = Awaited<ReturnType<typeof listOverrides>>;

const overrideAdd: CommandSpec = {
  kind: "command",
  name: "add",
  summary: "Override who is on call for a while: cover for someone, join them, or take them off",
  description:
    "--user and --replaces: the user takes over from that person while they would be on call (replace).\n" +
    "--user alone: the user joins whoever is on call (add). --replaces alone: that person goes off call\n" +
    "(remove). Times are local to --tz, the schedule's zone by default.",
  args: [SCHEDULE_ARG],
  flags: [
    { name: "user", type: "string", value: "USERNAME", description: "Who comes on call" },
    { name: "replaces", type: "string", value: "USERNAME", description: "Who goes off call" },
    {
      name: "start",
      type: "string",
      value: "TIME",
      description: 'When it starts, "YYYY-MM-DD HH:MM" (required)',
    },
    {
      name: "end",
      type: "string",
      value: "TIME",
      description: 'When it ends, "YYYY-MM-DD HH:MM" (required)',
    },
    TZ_FLAG,
    { name: "note", type: "string", value: "TEXT", description: "Why, e.g. dentist" },
  ],
  connects: true,
  examples: [
    'foghorn schedule override add primary --user bob --replaces alice --start "2026-12-24 18:00" --end "2026-12-27 09:00"',
    'foghorn schedule override add primary --user carol --start "2026-12-10 09:00" --end "2026-12-10 17:00" --note launch',
  ],
  async run(ctx) {
    const a = ctx.args;
    const name = a.arg("NAME");
    const user = a.string("user");
    const replaces = a.string("replaces");
    if (!user && !replaces)
      throw usageError(`override add needs --user, --replaces or both; e.g. ${overrideAdd.examples[0]}`);
    const kind = user && replaces ? "replace" : user ? "add" : "remove";
    const start = await timeFlag(ctx, "start", name, true);
    const end = await timeFlag(ctx, "end", name, true);
    const note = a.string("note");
    const body = {
      kind,
      start,
      end,
      ...(user ? { user } : {}),
      ...(replaces ? { replaces } : {}),
      ...(note ? { note } : {}),
    };
    const o = await ctx.api().post<Override>(schedulePath(name, "/overrides"), body, {
      fieldNames: { user: "--user", replaces: "--replaces", start: "--start", end: "--end", note: "--note" },
    });
    const tz =
      a.string("tz") ??
      (ctx.out.json ? "UTC" : (await ctx.api().get<Schedule>(schedulePath(name))).time_zone);
    ctx.out.result(o, (r) => {
      const who =
        r.kind === "replace"
          ? `${r.user} covers for ${r.replaces}`
          : r.kind === "add"
            ? `${r.user} joins`
            : `${r.replaces} is off`;
      ctx.out.print(`${r.schedule}: ${who}, ${zoned(r.start, tz)} → ${zoned(r.end, tz)} (${tz}).`);
      ctx.out.print(
        ctx.out.color.dim(`id ${r.id}; undo: foghorn schedule override remove ${r.schedule} ${r.id}`),
      );
    });
    return 0;
  },
};

const overrideList: CommandSpec = {
  kind: "command",
  name: "list",
  aliases: ["ls"],
  summary: "List a schedule's current and coming overrides",
  args: [SCHEDULE_ARG],
  flags: [TZ_FLAG],
  connects: true,
  examples: [
    "foghorn schedule override list primary",
    "foghorn schedule override list primary --json | jq -r '.items[].id'",
  ],
  async run(ctx) {
    const name = ctx.args.arg("NAME");
    const page = await ctx.api().get<Overrides>(schedulePath(name, "/overrides"));
    const tz = ctx.args.string("tz") ?? (await ctx.api().get<Schedule>(schedulePath(name))).time_zone;
    ctx.out.result(page, ({ items }) => {
      if (items.length === 0) {
        ctx.out.print(`No current or coming overrides for ${name}.`);
        return;
      }
      ctx.out.table(
        ["ID", "KIND", "USER", "REPLACES", "FROM", "UNTIL", "NOTE"],
        items.map((o) => [
          o.id,
          o.kind,
          o.user ?? "-",
          o.replaces ?? "-",
          zoned(o.start, tz),
          zoned(o.end, tz),
          o.note || "-",
        ]),
      );
    });
    return 0;
  },
};

const overrideRemove: CommandSpec = {
  kind: "command",
  name: "remove",
  aliases: ["rm"],
  summary: "Remove an override",
  args: [SCHEDULE_ARG, { name: "ID", description: "The override's id (from override list)" }],
  connects: true,
  examples: [
    "foghorn schedule override remove primary 3f1c2d7e-0a4b-4c8e-9f6d-2b5a7c9e1d30",
    "foghorn schedule override list primary --json | jq -r '.items[].id' | xargs -n1 foghorn schedule override remove primary",
  ],
  async run(ctx) {
    const name = ctx.args.arg("NAME");
    const id = ctx.args.arg("ID").trim();
    await ctx.api().request<unknown>("DELETE", schedulePath(name, `/overrides/${encodeURIComponent(id)}`));
    ctx.out.result({ schedule: name, id, deleted: true }, () =>
      ctx.out.print(`Removed override ${id} of ${name}.`),
    );
    return 0;
  },
};

export const overrideGroup: CommandGroup = {
  kind: "group",
  name: "override",
  summary: "Change who is on call for a while: cover, join, take off",
  children: [overrideAdd, overrideList, overrideRemove],
  examples: [
    'foghorn schedule override add primary --user bob --replaces alice --start "2026-12-24 18:00" --end "2026-12-27 09:00"',
    "foghorn schedule override list primary",
  ],
};
