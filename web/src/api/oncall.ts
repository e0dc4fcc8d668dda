import { request } from "./client.ts";
import type {
  ContactKind,
  ContactMethod,
  EngineStatus,
  EscalationPolicy,
  EscalationRule,
  EveryoneOnCall,
  Notification,
  NotificationRule,
  NotificationState,
  OverrideInput,
  PersonDetail,
  PersonSummary,
  PolicyInput,
  RuleInput,
  Schedule,
  ScheduleInput,
  ScheduleOnCall,
  ScheduleOverride,
  ScheduleShifts,
  Team,
  TeamRole,
} from "./oncall-types.ts";

// One typed function per on-call and paging endpoint the UI uses (src/http/routes/oncall*.ts, paging.ts).

const base = "/api/v1";
const enc = encodeURIComponent;
const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

// ---- people ----

export const listPeople = (signal?: AbortSignal) =>
  request<{ items: PersonSummary[] }>(`${base}/users`, opts(signal));

export const getPerson = (username: string, signal?: AbortSignal) =>
  request<PersonDetail>(`${base}/users/${enc(username)}`, opts(signal));

export interface PersonInput {
  username: string;
  display_name?: string;
  role?: string;
  time_zone?: string;
}

export const createPerson = (input: PersonInput) => request<PersonDetail>(`${base}/users`, { body: input });

export const updatePerson = (
  username: string,
  patch: { display_name?: string; time_zone?: string; role?: string },
) => request<PersonDetail>(`${base}/users/${enc(username)}`, { method: "PATCH", body: patch });

export const addContactMethod = (
  username: string,
  input: { kind: ContactKind; address: string; label?: string },
) => request<ContactMethod>(`${base}/users/${enc(username)}/contact-methods`, { body: input });

export const deleteContactMethod = (id: string) =>
  request<void>(`${base}/contact-methods/${enc(id)}`, { method: "DELETE" });

/** Sends a test message through one contact method. */
export const testContactMethod = (id: string) =>
  request<{ id: string | null; state: string; via: string; to: string }>(
    `${base}/contact-methods/${enc(id)}/test`,
    { method: "POST" },
  );

export const addNotificationRule = (
  username: string,
  input: { contact_method_id: string; delay_minutes: number },
) => request<NotificationRule>(`${base}/users/${enc(username)}/notification-rules`, { body: input });

export const deleteNotificationRule = (id: string) =>
  request<void>(`${base}/notification-rules/${enc(id)}`, { method: "DELETE" });

/** A personal calendar feed URL of the person's shifts; shown once, the previous one stops working. */
export const createPersonCalendarToken = (username: string) =>
  request<{ username: string; token: string; calendar_url: string }>(
    `${base}/users/${enc(username)}/calendar-token`,
    { method: "POST" },
  );

// ---- teams ----

export const listTeams = (signal?: AbortSignal) => request<{ items: Team[] }>(`${base}/teams`, opts(signal));

export const createTeam = (input: {
  name: string;
  description?: string;
  members?: { username: string; role?: TeamRole }[];
}) => request<Team>(`${base}/teams`, { body: input });

export const deleteTeam = (name: string) => request<void>(`${base}/teams/${enc(name)}`, { method: "DELETE" });

export const setTeamMember = (team: string, username: string, role: TeamRole = "member") =>
  request<Team>(`${base}/teams/${enc(team)}/members/${enc(username)}`, { method: "PUT", body: { role } });

export const removeTeamMember = (team: string, username: string) =>
  request<void>(`${base}/teams/${enc(team)}/members/${enc(username)}`, { method: "DELETE" });

// ---- escalation policies and rules ----

const policy = (ref: string) => `${base}/escalation-policies/${enc(ref)}`;

export const listPolicies = (signal?: AbortSignal) =>
  request<{ items: EscalationPolicy[] }>(`${base}/escalation-policies`, opts(signal));

export const getPolicy = (ref: string, signal?: AbortSignal) =>
  request<EscalationPolicy>(policy(ref), opts(signal));

export const createPolicy = (input: PolicyInput) =>
  request<EscalationPolicy>(`${base}/escalation-policies`, { body: input });

export const updatePolicy = (ref: string, input: Partial<PolicyInput>) =>
  request<EscalationPolicy>(policy(ref), { method: "PATCH", body: input });

export const deletePolicy = (ref: string) => request<void>(policy(ref), { method: "DELETE" });

const rule = (ref: string) => `${base}/escalation-rules/${enc(ref)}`;

export const listRules = (signal?: AbortSignal) =>
  request<{ items: EscalationRule[] }>(`${base}/escalation-rules`, opts(signal));

export const createRule = (input: RuleInput) =>
  request<EscalationRule>(`${base}/escalation-rules`, { body: input });

export const updateRule = (ref: string, patch: Partial<RuleInput>) =>
  request<EscalationRule>(rule(ref), { method: "PATCH", body: patch });

export const deleteRule = (ref: string) => request<void>(rule(ref), { method: "DELETE" });

// ---- schedules ----

const sched = (ref: string) => `${base}/schedules/${enc(ref)}`;

export const listSchedules = (signal?: AbortSignal) =>
  request<{ items: Schedule[] }>(`${base}/schedules`, opts(signal));

export const getSchedule = (ref: string, signal?: AbortSignal) => request<Schedule>(sched(ref), opts(signal));

export const createSchedule = (input: ScheduleInput) =>
  request<Schedule>(`${base}/schedules`, { body: input });

export const replaceSchedule = (ref: string, input: ScheduleInput) =>
  request<Schedule>(sched(ref), { method: "PUT", body: input });

export const deleteSchedule = (ref: string) => request<void>(sched(ref), { method: "DELETE" });

export const rotateCalendarUrl = (ref: string) =>
  request<{ schedule: string; calendar_url: string }>(`${sched(ref)}/calendar-token`, { method: "POST" });

export const listOverrides = (ref: string, signal?: AbortSignal) =>
  request<{ items: ScheduleOverride[] }>(`${sched(ref)}/overrides`, opts(signal));

export const addOverride = (ref: string, input: OverrideInput) =>
  request<ScheduleOverride>(`${sched(ref)}/overrides`, { body: input });

export const deleteOverride = (ref: string, id: string) =>
  request<void>(`${sched(ref)}/overrides/${enc(id)}`, { method: "DELETE" });

export const getScheduleShifts = (ref: string, range: { from: string; to: string }, signal?: AbortSignal) =>
  request<ScheduleShifts>(
    `${sched(ref)}/shifts?${new URLSearchParams({ from: range.from, to: range.to })}`,
    opts(signal),
  );

export const getScheduleOnCall = (ref: string, signal?: AbortSignal) =>
  request<ScheduleOnCall>(`${sched(ref)}/on-call`, opts(signal));

export const getEveryoneOnCall = (signal?: AbortSignal) =>
  request<EveryoneOnCall>(`${base}/on-call`, opts(signal));

// ---- paging ----

export interface NotificationQuery {
  incident?: string;
  state?: NotificationState;
  limit?: number;
}

export function listNotifications(query: NotificationQuery, signal?: AbortSignal) {
  const q = new URLSearchParams();
  if (query.incident) q.set("incident", query.incident);
  if (query.state) q.set("state", query.state);
  if (query.limit) q.set("limit", String(query.limit));
  const qs = q.toString();
  return request<{ items: Notification[] }>(`${base}/notifications${qs ? `?${qs}` : ""}`, opts(signal));
}

export const retryNotification = (id: string) =>
  request<{ id: string; state: string }>(`${base}/notifications/${enc(id)}/retry`, { method: "POST" });

export const getEngineStatus = (signal?: AbortSignal) =>
  request<EngineStatus>(`${base}/engine`, opts(signal));

export const retryJob = (id: number) =>
  request<{ id: number; state: string }>(`${base}/engine/jobs/${id}/retry`, { method: "POST" });
