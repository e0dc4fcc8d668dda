import type { rotateScheduleCalendarToken } from "#app/oncall/calendar.ts";
import type { everyoneOnCall, onCallNow, scheduleShifts } from "#app/oncall/on-call.ts";
import type { getSchedule } from "#app/oncall/schedules.ts";
import type { CommandContext, CommandGroup, CommandSpec, FlagSpec } from "../command.ts";
import { usageError } from "../errors.ts";
import type { Page } from "../paging.ts";
import { fields } from "../render/alerting.ts";
import { absoluteUrl } from "./alerting-shared.ts";
import {
  printWarnings,
  readDocumentFlag,
  SCHEDULE_ARG,
  schedulePath,
  TZ_FLAG,
  timeFlag,
  zoned,
} from "./oncall-shared.ts";
import { overrideGroup } from "./schedule-override.ts";

// `foghorn schedule` and `foghorn oncall`: rotations from a YAML/JSON file, who is on call, shifts in the
// schedule's own zone, overrides, and the calendar feed.

export type Schedule = Awaited<ReturnType<typeof getSchedule>>;
type OnCall = Awaited<ReturnType<typeof onCallNow>>;
type Shifts = Awaited<ReturnType<typeof scheduleShifts>>;

const TEAM_FLAG: FlagSpec = {
  name: "team",
  type: "string",
  value: "TEAM",
  description: "The owning team (its managers and admins may change the schedule); none: no team",
};

/** `--team payments` sets the owner, `--team none` clears it. */
function applyTeamFlag(ctx: CommandContext, body: Record<string, unknown>): void {
  const team = ctx.args.string("team");
  if (team !== undefined) body.team = team === "none" ? null : team;
}

const FILE_FLAG: FlagSpec = {
  name: "file",
  type: "string",
  value: "FILE",
  description: "The schedule as YAML or JSON (the API's body; - for standard input) (required)",
};
const AT_FLAG: FlagSpec = {
  name: "at",
  type: "string",
  value: "TIME",
  description: 'When: "YYYY-MM-DD HH:MM" in --tz, or ISO 8601 with an offset (default now)',
};

const EXAMPLE_FILE = [
  "name: primary",
  "time_zone: Europe/Berlin",
  "layers:",
  "  - name: Weekly",
  '    start: "2026-12-07T09:00"      # local to time_zone; the first member is on call from then',
  '    rotation: {kind: weekly, handoff_time: "09:00", handoff_weekday: mon}',
  "    members: [alice, bob, carol]",
  "  - name: Weekend cover              # a later layer wins where it has someone",
  '    start: "2026-12-05T09:00"',
  '    rotation: {kind: daily, handoff_time: "09:00"}',
  "    members: [dan]",
  '    restrictions: [{days: [sat, sun], start: "09:00", end: "21:00"}]',
];

const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

function rotationText(layer: Schedule["layers"][number]): string {
  const r = layer.rotation;
  if (r.kind === "custom") return `every ${r.shift_minutes ?? "?"} min from ${r.handoff_time}`;
  // Without handoff_weekday a weekly rotation hands off on the weekday of its start date.
  const startDay = WEEKDAYS[new Date(`${layer.start.slice(0, 10)}T00:00:00Z`).getUTCDay()] ?? "?";
  if (r.kind === "weekly") return `weekly, ${r.handoff_weekday ?? startDay} ${r.handoff_time}`;
  return `daily at ${r.handoff_time}`;
}

function printSchedule(ctx: CommandContext, s: Schedule): void {
  const out = ctx.out;
  out.print(`${out.color.bold(s.name)}  ${s.time_zone}${s.team ? `  team ${s.team}` : ""}`);
  if (s.description) out.print(`  ${s.description}`);
  out.print("");
  fields(out, [
    ["On call now", s.on_call_now.join(", ") || out.color.yellow("nobody")],
    ["Calendar", absoluteUrl(s.calendar_url, ctx.connection().url)],
  ]);
  if (s.layers.length)
    out.table(
      ["LAYER", "STARTS", "ROTATION", "MEMBERS", "ONLY"],
      s.layers.map((l) => [
        l.name,
        l.start.replace("T", " "),
        rotationText(l),
        l.members.join(", ") || "-",
        l.restrictions?.map((w) => `${w.days.join(",")} ${w.start}-${w.end}`).join("; ") ?? "-",
      ]),
    );
  printWarnings(out, s.warnings);
}

const create: CommandSpec = {
  kind: "command",
  name: "create",
  summary: "Create a schedule from a YAML or JSON file: a time zone and layers of rotations",
  description:
    "Hand-offs happen at local times in the schedule's zone, so a 09:00 hand-off stays at 09:00 across\n" +
    "DST (that shift lasts 23 or 25 hours). Later layers win wherever they have someone on call;\n" +
    "restrictions limit a layer to windows of the week. Rotations: daily, weekly (handoff_weekday), or\n" +
    "custom (shift_minutes). An example file:\n" +
    EXAMPLE_FILE.map((l) => `  ${l}`).join("\n"),
  args: [{ ...SCHEDULE_ARG, description: "The schedule's name (else the file's name)", optional: true }],
  flags: [FILE_FLAG, TEAM_FLAG],
  connects: true,
  examples: [
    "foghorn schedule create --file schedule.yaml",
    "foghorn schedule create payments-primary --file schedule.yaml --team payments",
    "foghorn schedule create payments-primary --file schedule.json --json | jq .warnings",
  ],
  async run(ctx) {
    const body = await readDocumentFlag(ctx, "file");
    const name = ctx.args.optionalArg("NAME");
    if (name !== undefined) body.name = name;
    applyTeamFlag(ctx, body);
    const schedule = await ctx
      .api()
      .post<Schedule>("/api/v1/schedules", body, { fieldNames: { name: "NAME" } });
    ctx.out.result(schedule, (s) => {
      ctx.out.print(`Created schedule ${ctx.out.color.bold(s.name)}.`);
      printSchedule(ctx, s);
      ctx.out.print("");
      ctx.out.print(
        `Next: foghorn schedule shifts ${s.name}; page it with foghorn policy create … --level schedule:${s.name}`,
      );
    });
    return 0;
  },
};

const replace: CommandSpec = {
  kind: "command",
  name: "replace",
  summary: "Replace a schedule with a YAML or JSON file (overrides and the calendar URL stay)",
  args: [SCHEDULE_ARG],
  flags: [FILE_FLAG, TEAM_FLAG],
  connects: true,
  examples: [
    "foghorn schedule replace primary --file schedule.yaml",
    "foghorn schedule show primary --json | jq '{name, time_zone, layers}' > s.json && foghorn schedule replace primary --file s.json",
  ],
  async run(ctx) {
    const name = ctx.args.arg("NAME");
    const body = await readDocumentFlag(ctx, "file");
    body.name ??= name;
    applyTeamFlag(ctx, body);
    const schedule = await ctx.api().put<Schedule>(schedulePath(name), body);
    ctx.out.result(schedule, (s) => {
      ctx.out.print(`Replaced schedule ${ctx.out.color.bold(s.name)}.`);
      printSchedule(ctx, s);
    });
    return 0;
  },
};

const list: CommandSpec = {
  kind: "command",
  name: "list",
  aliases: ["ls"],
  summary: "List schedules with who is on call now",
  connects: true,
  examples: [
    "foghorn schedule list",
    "foghorn schedule list --json | jq -r '.items[] | select(.warnings != []) | .name'",
  ],
  async run(ctx) {
    const page = await ctx.api().get<Page<Schedule>>("/api/v1/schedules");
    ctx.out.result(page, ({ items }) => {
      if (items.length === 0) {
        ctx.out.print("No schedules yet. Create one from a file:");
        ctx.out.print(`  ${create.examples[0]}   (foghorn schedule create --help shows an example file)`);
        return;
      }
      const c = ctx.out.color;
      ctx.out.table(
        ["SCHEDULE", "TIME ZONE", "LAYERS", "ON CALL NOW", "WARNING"],
        items.map((s) => [
          { text: s.name, paint: c.bold },
          s.time_zone,
          String(s.layers.length),
          s.on_call_now.join(", ") || { text: "nobody", paint: c.yellow },
          s.warnings[0] ? { text: s.warnings[0], paint: c.yellow } : "-",
        ]),
      );
    });
    return 0;
  },
};

const show: CommandSpec = {
  kind: "command",
  name: "show",
  summary: "Show a schedule: layers, who is on call now, calendar URL, warnings",
  args: [SCHEDULE_ARG],
  connects: true,
  examples: ["foghorn schedule show primary", "foghorn schedule show primary --json | jq -r .calendar_url"],
  async run(ctx) {
    const schedule = await ctx.api().get<Schedule>(schedulePath(ctx.args.arg("NAME")));
    ctx.out.result(schedule, (s) => printSchedule(ctx, s));
    return 0;
  },
};

const onCall: CommandSpec = {
  kind: "command",
  name: "on-call",
  summary: "Who is on call in a schedule now, or --at a time, and until when",
  args: [SCHEDULE_ARG],
  flags: [AT_FLAG, TZ_FLAG],
  connects: true,
  examples: [
    "foghorn schedule on-call primary",
    'foghorn schedule on-call primary --at "2026-12-24 20:00" --tz Europe/Berlin',
  ],
  async run(ctx) {
    const name = ctx.args.arg("NAME");
    const at = await timeFlag(ctx, "at", name);
    const now = await ctx.api().get<OnCall>(schedulePath(name, "/on-call"), {
      query: { at },
      fieldNames: { at: "--at" },
    });
    ctx.out.result(now, (o) => {
      const tz = ctx.args.string("tz") ?? o.time_zone;
      ctx.out.print(`${ctx.out.color.bold(o.schedule)} at ${zoned(o.at, tz)} (${tz})`);
      if (o.on_call.length === 0) ctx.out.print(ctx.out.color.yellow("  Nobody is on call."));
      else
        ctx.out.table(
          ["ON CALL", "FROM", "UNTIL"],
          o.on_call.map((e) => [
            e.username,
            e.source === "override" ? "override" : `layer ${e.layer ?? "?"}`,
            o.until ? zoned(o.until, tz) : "-",
          ]),
        );
    });
    return 0;
  },
};

const shifts: CommandSpec = {
  kind: "command",
  name: "shifts",
  summary: "The coming shifts, in the schedule's zone (gaps shown)",
  args: [SCHEDULE_ARG],
  flags: [
    { name: "days", type: "string", value: "N", description: "How many days ahead (1–90, default 14)" },
    {
      name: "from",
      type: "string",
      value: "TIME",
      description: 'Start: "YYYY-MM-DD HH:MM" in --tz or ISO 8601 (default now)',
    },
    TZ_FLAG,
    { name: "layers", type: "boolean", description: "Also show each layer's own shifts" },
  ],
  connects: true,
  examples: [
    "foghorn schedule shifts primary",
    'foghorn schedule shifts primary --days 30 --from "2026-12-21 00:00" --layers',
    "foghorn schedule shifts primary --json | jq -r '.shifts[] | [.start, (.users | join(\",\"))] | @tsv'",
  ],
  async run(ctx) {
    const name = ctx.args.arg("NAME");
    const days = ctx.args.integer("days") ?? 14;
    if (days < 1 || days > 90) throw usageError(`--days must be 1–90; got ${days}`);
    // The server's clock decides "now" when --from is not given.
    const from = await timeFlag(ctx, "from", name);
    const result = await ctx.api().get<Shifts>(schedulePath(name, "/shifts"), {
      query: { from, days },
      fieldNames: { from: "--from", to: "--days", days: "--days" },
    });
    ctx.out.result(result, (r) => {
      const tz = ctx.args.string("tz") ?? r.time_zone;
      const c = ctx.out.color;
      ctx.out.print(`${c.bold(r.schedule)}  ${zoned(r.from, tz)} → ${zoned(r.to, tz)} (${tz})`);
      const line = (start: string, end: string, who: string) =>
        `  ${zoned(start, tz)} → ${zoned(end, tz)}  ${who}`;
      for (const s of r.shifts)
        ctx.out.print(
          s.users.length
            ? line(s.start, s.end, s.users.join(", "))
            : c.yellow(line(s.start, s.end, "nobody")),
        );
      if (!ctx.args.boolean("layers")) return;
      for (const layer of r.layers) {
        ctx.out.print("");
        ctx.out.print(c.bold(`Layer ${layer.name}`));
        for (const s of layer.shifts) ctx.out.print(line(s.start, s.end, s.user));
      }
    });
    return 0;
  },
};

const calendar: CommandSpec = {
  kind: "command",
  name: "calendar",
  summary: "Print the schedule's calendar feed URL (subscribe in any calendar app), or give it a new one",
  args: [SCHEDULE_ARG],
  flags: [{ name: "rotate", type: "boolean", description: "Make a new URL; the old one stops working" }],
  connects: true,
  examples: ["foghorn schedule calendar primary", "foghorn schedule calendar primary --rotate"],
  async run(ctx) {
    const name = ctx.args.arg("NAME");
    const result = ctx.args.boolean("rotate")
      ? await ctx
          .api()
          .post<Awaited<ReturnType<typeof rotateScheduleCalendarToken>>>(
            schedulePath(name, "/calendar-token"),
          )
      : await ctx
          .api()
          .get<Schedule>(schedulePath(name))
          .then((s) => ({ schedule: s.name, calendar_url: s.calendar_url }));
    ctx.out.result(result, (r) => ctx.out.print(absoluteUrl(r.calendar_url, ctx.connection().url)));
    return 0;
  },
};

const remove: CommandSpec = {
  kind: "command",
  name: "delete",
  aliases: ["rm"],
  summary: "Delete a schedule and its overrides (refused while an escalation policy or rule pages it)",
  args: [SCHEDULE_ARG],
  connects: true,
  examples: ["foghorn schedule delete primary", "foghorn schedule delete old-rotation --json"],
  async run(ctx) {
    const name = ctx.args.arg("NAME");
    await ctx.api().request<unknown>("DELETE", schedulePath(name));
    ctx.out.result({ name, deleted: true }, () => ctx.out.print(`Deleted schedule ${name}.`));
    return 0;
  },
};

export const scheduleGroup: CommandGroup = {
  kind: "group",
  name: "schedule",
  summary: "Manage on-call schedules: rotations, overrides, who is on call, calendar feeds",
  children: [create, list, show, onCall, shifts, overrideGroup, calendar, replace, remove],
  examples: [
    "foghorn schedule create --file schedule.yaml",
    "foghorn schedule shifts primary --days 14",
    'foghorn schedule override add primary --user bob --replaces alice --start "2026-12-24 18:00" --end "2026-12-27 09:00"',
  ],
};

export const oncallCommand: CommandSpec = {
  kind: "command",
  name: "oncall",
  summary: "Who is on call now (or --at a time) in every schedule",
  flags: [AT_FLAG, { ...TZ_FLAG, description: "IANA zone to read --at and show times in (default UTC)" }],
  connects: true,
  examples: [
    "foghorn oncall",
    'foghorn oncall --at "2026-12-24 20:00" --tz Europe/Berlin',
    "foghorn oncall --json | jq '.items[].on_call'",
  ],
  async run(ctx) {
    const at = await timeFlag(ctx, "at");
    const result = await ctx.api().get<Awaited<ReturnType<typeof everyoneOnCall>>>("/api/v1/on-call", {
      query: { at },
      fieldNames: { at: "--at" },
    });
    ctx.out.result(result, (r) => {
      if (r.items.length === 0) {
        ctx.out.print("No schedules yet. Create one: foghorn schedule create --file schedule.yaml");
        return;
      }
      const c = ctx.out.color;
      const tz = ctx.args.string("tz");
      ctx.out.table(
        ["SCHEDULE", "ON CALL", "UNTIL", "TIME ZONE"],
        r.items.map((s) => [
          { text: s.schedule, paint: c.bold },
          s.on_call.map((e) => e.username).join(", ") || { text: "nobody", paint: c.yellow },
          s.until ? zoned(s.until, tz ?? s.time_zone) : "-",
          tz ?? s.time_zone,
        ]),
      );
    });
    return 0;
  },
};
