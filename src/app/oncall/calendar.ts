import { createHmac, randomUUID } from "node:crypto";
import { z } from "zod";
import { type CalendarEvent, renderICalendar } from "#domain/schedule/ical.ts";
import { finalShifts, userShifts } from "#domain/schedule/on-call.ts";
import { DAY } from "#domain/time.ts";
import { insertApiToken } from "#store/auth.ts";
import { withTransaction } from "#store/db.ts";
import {
  CALENDAR_TOKEN_NAME,
  calendarTokenExists,
  findSchedule,
  findUsersByUsername,
  listScheduleOverrides,
  listSchedules,
  revokeCalendarTokens,
  type ScheduleRow,
  updateSchedule,
} from "#store/directory.ts";
import { randomSecret, secretsEqual } from "../auth/secrets.ts";
import type { AppContext, BaseContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { assertCanManageOwned, loadUser, requireSelfOrAdmin } from "./internal.ts";
import {
  loadSchedule,
  storedOverrides,
  storedSpec,
  userIdsOf,
  usernameOf,
  usersById,
} from "./schedule-facts.ts";

// iCalendar feeds of on-call shifts. Calendar apps cannot send a bearer token, so each feed URL carries a
// secret of its own: the schedule's feed_token, or a person's calendar token (only its HMAC is stored).

/** What a feed shows: two weeks back (recent history) and ninety days ahead. */
const FEED_PAST = 14 * DAY;
const FEED_AHEAD = 90 * DAY;

export const CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8";

/** The feeds' one query parameter (documented; the verbs read it themselves to answer 401, not 422). */
export const CalendarQuery = z.object({
  token: z.string().describe("The feed's secret, from calendar_url or POST …/calendar-token"),
});

/** `fhcal_` + 256 random bits; recognisable in a URL, never a valid API token. */
const CALENDAR_TOKEN_PREFIX = "fhcal_";

function calendarTokenHash(token: string): string {
  return createHmac("sha256", "foghorn calendar feed").update(token).digest("hex");
}

function refused(): AppError {
  // One answer for an unknown schedule or person and a wrong token: the URL reveals nothing.
  return new AppError(
    "UNAUTHENTICATED",
    "This calendar link is not valid (wrong or revoked token, or no such calendar); copy the calendar URL again",
  );
}

function base(ctx: BaseContext): string {
  return (ctx.publicUrl ?? "").replace(/\/+$/, "");
}

/** The URL a calendar app subscribes to for a schedule: by id, so renaming the schedule keeps it working. */
export function scheduleCalendarUrl(ctx: BaseContext, row: ScheduleRow): string {
  return `${base(ctx)}/api/v1/schedules/${row.id}/calendar.ics?token=${row.feedToken}`;
}

/** A schedule's feed: its merged shifts (overrides applied), one event per stretch with someone on call. */
export async function scheduleCalendar(ctx: BaseContext, ref: string, token: string | undefined) {
  const row = await findSchedule(ctx.db, ref);
  if (!row || !token || !secretsEqual(row.feedToken, token)) throw refused();
  const now = ctx.clock.now();
  const from = new Date(now.getTime() - FEED_PAST);
  const to = new Date(now.getTime() + FEED_AHEAD);
  const overrides = storedOverrides(await listScheduleOverrides(ctx.db, [row.id], from, to));
  const spec = storedSpec(row);
  const users = await usersById(ctx.db, userIdsOf([spec], overrides));
  const events: CalendarEvent[] = finalShifts(spec, overrides, from, to)
    .filter((s) => s.userIds.length > 0)
    .map((s) => ({
      uid: `shift-${row.id}-${s.start.getTime()}@foghorn`,
      start: s.start,
      end: s.end,
      summary: `${s.userIds.map((id) => usernameOf(users, id)).join(", ")} on call (${row.name})`,
      description: `Foghorn schedule ${row.name} (${row.timeZone})`,
    }));
  return renderICalendar({ name: `On call: ${row.name}`, timeZone: row.timeZone, events, now });
}

/** A person's feed: their own shifts in every schedule, overrides applied. */
export async function personCalendar(ctx: BaseContext, username: string, token: string | undefined) {
  const [user] = await findUsersByUsername(ctx.db, [username]);
  if (!user || !token || !(await calendarTokenExists(ctx.db, user.id, calendarTokenHash(token))))
    throw refused();
  const now = ctx.clock.now();
  const from = new Date(now.getTime() - FEED_PAST);
  const to = new Date(now.getTime() + FEED_AHEAD);
  const schedules = await listSchedules(ctx.db);
  const overrides = await listScheduleOverrides(
    ctx.db,
    schedules.map((s) => s.id),
    from,
    to,
  );
  const events: CalendarEvent[] = schedules.flatMap((row) =>
    userShifts(
      storedSpec(row),
      storedOverrides(overrides.filter((o) => o.scheduleId === row.id)),
      user.id,
      from,
      to,
    ).map((p) => ({
      uid: `oncall-${row.id}-${user.id}-${p.start.getTime()}@foghorn`,
      start: p.start,
      end: p.end,
      summary: `On call: ${row.name}`,
      description: `Foghorn schedule ${row.name} (${row.timeZone})`,
    })),
  );
  events.sort((a, b) => a.start.getTime() - b.start.getTime());
  return renderICalendar({ name: `On call: ${user.username}`, timeZone: user.timeZone, events, now });
}

/**
 * Issues a person's calendar feed token (themselves or an admin) and revokes the previous one: the URL is
 * shown once, like an API token.
 */
export async function createPersonCalendarToken(ctx: AppContext, username: string) {
  const user = await loadUser(ctx.db, username);
  requireSelfOrAdmin(ctx, user, "create this user's calendar link");
  const token = CALENDAR_TOKEN_PREFIX + randomSecret();
  const now = ctx.clock.now();
  await withTransaction(ctx.db, async (tx) => {
    await revokeCalendarTokens(tx, user.id, now);
    await insertApiToken(tx, {
      id: randomUUID(),
      userId: user.id,
      name: CALENDAR_TOKEN_NAME,
      tokenHash: calendarTokenHash(token),
      prefix: token.slice(0, 10),
      createdAt: now,
    });
  });
  ctx.log.info({ user: user.username, by: ctx.actor.name }, "calendar link created");
  const url = `${base(ctx)}/api/v1/users/${encodeURIComponent(user.username)}/calendar.ics?token=${token}`;
  return { username: user.username, token, calendar_url: url };
}

/** Gives a schedule a new feed token: the old calendar URL stops working at once. */
export async function rotateScheduleCalendarToken(ctx: AppContext, ref: string) {
  const row = await loadSchedule(ctx.db, ref);
  await assertCanManageOwned(ctx, row.teamId, `Schedule ${row.name}`);
  const updated = await updateSchedule(ctx.db, row.id, { feedToken: randomSecret() });
  ctx.log.info({ schedule: row.name, by: ctx.actor.name }, "schedule calendar link rotated");
  return { schedule: updated.name, calendar_url: scheduleCalendarUrl(ctx, updated) };
}
