import type { FastifyInstance, FastifyRequest } from "fastify";
import {
  CALENDAR_CONTENT_TYPE,
  CalendarQuery,
  createPersonCalendarToken,
  personCalendar,
  rotateScheduleCalendarToken,
  scheduleCalendar,
} from "#app/oncall/calendar.ts";
import {
  everyoneOnCall,
  OnCallQuery,
  onCallNow,
  ScheduleShiftsQuery,
  scheduleShifts,
} from "#app/oncall/on-call.ts";
import {
  CreateOverrideInput,
  createOverride,
  ListOverridesQuery,
  listOverrides,
  removeOverride,
} from "#app/oncall/schedule-overrides.ts";
import {
  CreateScheduleBody,
  createSchedule,
  getSchedule,
  listScheduleViews,
  ReplaceScheduleBody,
  removeSchedule,
  replaceSchedule,
} from "#app/oncall/schedules.ts";
import type { ApiRegistry } from "../openapi.ts";

type P = Record<string, string>;
const param = (req: FastifyRequest, name: string) => (req.params as P)[name] ?? "";
const tokenOf = (req: FastifyRequest) => {
  const token = (req.query as P).token;
  return typeof token === "string" ? token : undefined;
};

/** Schedules, overrides, who is on call, and the iCalendar feeds. */
export function registerScheduleRoutes(app: FastifyInstance, api: ApiRegistry): void {
  const tag = "Schedules";
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/schedules",
      access: "read",
      tag,
      summary: "List schedules with who is on call now and their warnings",
      success: 200,
      responseDescription: "{items}",
    },
    (_req, ctx) => listScheduleViews(ctx),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/schedules",
      access: "manage",
      tag,
      summary: "Create a schedule: a time zone and layers of rotations",
      description:
        "Hand-offs happen at local wall-clock times in the schedule's zone (a daily 09:00 hand-off stays at " +
        "09:00 across DST). Later layers win where they have someone on call; restrictions limit a layer to " +
        "windows of the week. Members are usernames.",
      body: CreateScheduleBody,
      success: 201,
      responseDescription: "The schedule, with warnings when it leaves gaps",
    },
    (req, ctx) => createSchedule(ctx, req.body),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/schedules/:schedule",
      access: "read",
      tag,
      summary: "A schedule (by name or id): layers, who is on call now, calendar URL, warnings",
      success: 200,
      responseDescription: "The schedule",
    },
    (req, ctx) => getSchedule(ctx, param(req, "schedule")),
  );
  api.add(
    app,
    {
      method: "PUT",
      url: "/api/v1/schedules/:schedule",
      access: "manage",
      tag,
      summary: "Replace a schedule (the same body as POST); its overrides and calendar URL stay",
      body: ReplaceScheduleBody,
      success: 200,
      responseDescription: "The schedule",
    },
    (req, ctx) => replaceSchedule(ctx, param(req, "schedule"), req.body),
  );
  api.add(
    app,
    {
      method: "DELETE",
      url: "/api/v1/schedules/:schedule",
      access: "manage",
      tag,
      summary: "Delete a schedule and its overrides (refused while an escalation policy or rule pages it)",
      success: 204,
      responseDescription: "Deleted",
    },
    async (req, ctx) => {
      await removeSchedule(ctx, param(req, "schedule"));
      return null;
    },
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/schedules/:schedule/overrides",
      access: "read",
      tag,
      summary: "A schedule's overrides that have not ended (or within from/to)",
      query: ListOverridesQuery,
      success: 200,
      responseDescription: "{items}",
    },
    (req, ctx) => listOverrides(ctx, param(req, "schedule"), req.query),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/schedules/:schedule/overrides",
      access: "respond",
      tag,
      summary: "Override who is on call for a while: add someone, remove someone, or replace someone",
      body: CreateOverrideInput,
      success: 201,
      responseDescription: "The override",
    },
    (req, ctx) => createOverride(ctx, param(req, "schedule"), req.body),
  );
  api.add(
    app,
    {
      method: "DELETE",
      url: "/api/v1/schedules/:schedule/overrides/:overrideId",
      access: "respond",
      tag,
      summary: "Remove an override",
      success: 204,
      responseDescription: "Deleted",
    },
    async (req, ctx) => {
      await removeOverride(ctx, param(req, "schedule"), param(req, "overrideId"));
      return null;
    },
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/schedules/:schedule/on-call",
      access: "read",
      tag,
      summary: "Who is on call in a schedule now, or at=<instant>, and until when",
      query: OnCallQuery,
      success: 200,
      responseDescription: "{schedule, time_zone, at, on_call, until}",
    },
    (req, ctx) => onCallNow(ctx, param(req, "schedule"), req.query),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/schedules/:schedule/shifts",
      access: "read",
      tag,
      summary: "Shifts from → to (default now → 14 days, at most 90): merged, and per layer",
      query: ScheduleShiftsQuery,
      success: 200,
      responseDescription: "{schedule, time_zone, from, to, shifts, layers}",
    },
    (req, ctx) => scheduleShifts(ctx, param(req, "schedule"), req.query),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/on-call",
      access: "read",
      tag,
      summary: "Who is on call now (or at=<instant>) in every schedule",
      query: OnCallQuery,
      success: 200,
      responseDescription: "{at, items}",
    },
    (req, ctx) => everyoneOnCall(ctx, req.query),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/schedules/:schedule/calendar-token",
      access: "manage",
      tag,
      summary: "Give the schedule's calendar feed a new URL (the old one stops working)",
      success: 201,
      responseDescription: "{schedule, calendar_url}",
    },
    (req, ctx) => rotateScheduleCalendarToken(ctx, param(req, "schedule")),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/users/:username/calendar-token",
      access: "self",
      tag,
      summary:
        "Create a person's calendar feed URL, shown once (themselves or an admin); revokes the previous",
      success: 201,
      responseDescription: "{username, token, calendar_url}",
    },
    (req, ctx) => createPersonCalendarToken(ctx, param(req, "username")),
  );
  api.addOpen(
    app,
    {
      method: "GET",
      url: "/api/v1/schedules/:schedule/calendar.ics",
      tag,
      summary: "The schedule's shifts as an iCalendar feed (?token= from calendar_url; no bearer token)",
      description: "Two weeks back and 90 days ahead, in UTC; subscribe to it in any calendar app.",
      query: CalendarQuery,
      success: 200,
      produces: CALENDAR_CONTENT_TYPE,
      responseDescription: "text/calendar",
      unauthorized: "Missing or wrong ?token= (or no such schedule)",
    },
    async (req, ctx, reply) => {
      const body = await scheduleCalendar(ctx, param(req, "schedule"), tokenOf(req));
      reply.header("content-type", CALENDAR_CONTENT_TYPE).header("cache-control", "private, max-age=300");
      return body;
    },
  );
  api.addOpen(
    app,
    {
      method: "GET",
      url: "/api/v1/users/:username/calendar.ics",
      tag,
      summary: "A person's own shifts in every schedule as an iCalendar feed (?token= from calendar-token)",
      description: "Two weeks back and 90 days ahead, in UTC; subscribe to it in any calendar app.",
      query: CalendarQuery,
      success: 200,
      produces: CALENDAR_CONTENT_TYPE,
      responseDescription: "text/calendar",
      unauthorized: "Missing, wrong or revoked ?token= (or no such person)",
    },
    async (req, ctx, reply) => {
      const body = await personCalendar(ctx, param(req, "username"), tokenOf(req));
      reply.header("content-type", CALENDAR_CONTENT_TYPE).header("cache-control", "private, max-age=300");
      return body;
    },
  );
}
