import type { CommandGroup, CommandSpec } from "../command.ts";
import { usageError } from "../errors.ts";
import { printWindowTable } from "../render/alerting.ts";
import {
  deleteResource,
  localTimeFlag,
  type MaintenanceWindow,
  printServiceItems,
  SERVICE_FLAG,
  servicePath,
  timeZoneFlag,
  wallClock,
  windowText,
} from "./alerting-shared.ts";

/** Both local (no offset): wall-clock times in one zone compare as text, seconds padded. */
function endsBeforeStart(start: string, end: string): boolean {
  const local = /T\d{2}:\d{2}(:\d{2})?$/;
  if (!local.test(start) || !local.test(end)) return false;
  const pad = (t: string) => (t.length === 16 ? `${t}:00` : t);
  return pad(end) <= pad(start);
}

const add: CommandSpec = {
  kind: "command",
  name: "add",
  summary: "Schedule a maintenance window: alerts during it are recorded but page no one",
  description:
    "Times are wall-clock times in --tz (default UTC), the way people plan them; DST is handled by the\n" +
    "server (a time in the spring-forward gap starts at the transition). An ISO time with an offset\n" +
    "(2026-12-24T21:00Z, …+01:00) is taken as given.",
  flags: [
    SERVICE_FLAG,
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
    {
      name: "tz",
      type: "string",
      value: "ZONE",
      description: "IANA time zone of the times, e.g. Europe/Berlin (default UTC)",
    },
    {
      name: "reason",
      type: "string",
      value: "TEXT",
      description: "Why, for whoever wonders where the alerts went",
    },
  ],
  connects: true,
  examples: [
    'foghorn maintenance add --service checkout --start "2026-12-24 22:00" --end "2026-12-25 02:00" --tz Europe/Berlin --reason "DB upgrade"',
    'foghorn maintenance add --service search --start "2026-06-01 06:00" --end "2026-06-01 06:30"',
  ],
  async run(ctx) {
    const a = ctx.args;
    const service = a.requiredString("service");
    const startsAt = localTimeFlag(ctx, "start");
    const endsAt = localTimeFlag(ctx, "end");
    if (endsBeforeStart(startsAt, endsAt))
      throw usageError(`--end must be after --start (${a.string("start")} → ${a.string("end")})`);
    const tz = a.string("tz");
    const reason = a.string("reason");
    const body = {
      starts_at: startsAt,
      ends_at: endsAt,
      ...(tz !== undefined ? { time_zone: timeZoneFlag(tz) } : {}),
      ...(reason !== undefined ? { reason } : {}),
    };
    const window = await ctx.api().post<MaintenanceWindow>(servicePath(service, "/maintenance"), body, {
      fieldNames: { starts_at: "--start", ends_at: "--end", time_zone: "--tz", reason: "--reason" },
    });
    ctx.out.result(window, (w) => {
      const utc =
        w.time_zone === "UTC"
          ? ""
          : ` (${wallClock(w.starts_at, "UTC")} → ${wallClock(w.ends_at, "UTC")} UTC)`;
      ctx.out.print(`Scheduled maintenance for ${service}: ${windowText(w)}${utc}`);
      ctx.out.print(
        ctx.out.color.dim(`id ${w.id}; cancel: foghorn maintenance delete --service ${service} ${w.id}`),
      );
    });
    return 0;
  },
};

const list: CommandSpec = {
  kind: "command",
  name: "list",
  aliases: ["ls"],
  summary: "List a service's current and upcoming maintenance windows",
  flags: [SERVICE_FLAG],
  connects: true,
  examples: [
    "foghorn maintenance list --service checkout",
    "foghorn maintenance list --service checkout --json | jq -r '.items[] | select(.active) | .id'",
  ],
  async run(ctx) {
    await printServiceItems(
      ctx,
      (s) => s.maintenance_windows,
      (name) => [
        `No maintenance windows for ${name}. Schedule one:`,
        `  ${add.examples[0]?.replace("checkout", name)}`,
      ],
      (items) => printWindowTable(ctx.out, items, ctx.now()),
    );
    return 0;
  },
};

const remove: CommandSpec = {
  kind: "command",
  name: "delete",
  aliases: ["rm"],
  summary: "Cancel a maintenance window (an active one ends now)",
  args: [{ name: "ID", description: "The window's id (from maintenance list)" }],
  flags: [SERVICE_FLAG],
  connects: true,
  examples: [
    "foghorn maintenance delete --service checkout 3f1c2d7e-0a4b-4c8e-9f6d-2b5a7c9e1d30",
    "foghorn maintenance list --service checkout --json | jq -r '.items[].id' | xargs -n1 foghorn maintenance delete --service checkout",
  ],
  async run(ctx) {
    const service = ctx.args.requiredString("service");
    const id = ctx.args.arg("ID").trim();
    await deleteResource(
      ctx,
      servicePath(service, `/maintenance/${encodeURIComponent(id)}`),
      { id, service },
      `Deleted maintenance window ${id} of ${service}.`,
    );
    return 0;
  },
};

export const maintenanceGroup: CommandGroup = {
  kind: "group",
  name: "maintenance",
  summary: "Schedule maintenance windows that mute a service's alerts",
  description:
    "During a window a service's alerts are recorded (shown as muted) but open no incident and page no\n" +
    "one, and they do not count against its health.",
  children: [add, list, remove],
  examples: [
    'foghorn maintenance add --service checkout --start "2026-12-24 22:00" --end "2026-12-25 02:00" --tz Europe/Berlin',
    "foghorn maintenance list --service checkout",
  ],
};
