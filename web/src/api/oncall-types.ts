// The JSON shapes of the on-call and paging API (src/app/oncall/*.ts on the server: users.ts, teams.ts,
// policies.ts, escalation-rules.ts, schedules.ts, schedule-overrides.ts, on-call.ts, notifications.ts).

import { TARGET_KINDS, type TargetKind } from "../../../src/domain/escalation/policy.ts";

export type { TargetKind };
export { TARGET_KINDS };

/** How a person is reached (src/app/ports.ts CONTACT_KINDS). */
export const CONTACT_KINDS = ["email", "slack", "sms", "voice", "webhook", "console"] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

export const USER_ROLES = ["viewer", "responder", "manager", "admin"] as const;
export const TEAM_ROLES = ["member", "manager"] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

// ---- people ----

export interface PersonSummary {
  id: string;
  username: string;
  display_name: string;
  role: string;
  time_zone: string;
  created_at: string;
  /** How many contact methods the person has. */
  contact_methods: number;
  /** What keeps the person from being paged, in words. */
  warnings: string[];
}

export interface ContactMethod {
  id: string;
  kind: ContactKind;
  address: string;
  label: string;
  created_at: string;
}

export interface NotificationRule {
  id: string;
  contact_method_id: string;
  kind: ContactKind | null;
  address: string | null;
  delay_minutes: number;
  created_at: string;
}

export interface PersonDetail extends Omit<PersonSummary, "contact_methods"> {
  contact_methods: ContactMethod[];
  notification_rules: NotificationRule[];
  teams: { name: string; role: string }[];
}

// ---- teams ----

export interface TeamMember {
  username: string;
  display_name: string;
  role: TeamRole;
  added_at: string;
}

export interface Team {
  id: string;
  name: string;
  description: string;
  created_at: string;
  members: TeamMember[];
  warnings: string[];
}

// ---- escalation policies and rules ----

/** A target as the API shows it; `name` is null when the target was deleted. */
export interface TargetView {
  type: TargetKind;
  id: string;
  name: string | null;
}

/** A target as the API takes it: a username, or a schedule or team name. */
export interface TargetInput {
  type: TargetKind;
  name: string;
}

export interface PolicyLevel {
  level: number;
  /** null: the incident severity's ack target. */
  delay_minutes: number | null;
  round_robin: boolean;
  targets: TargetView[];
}

export interface EscalationPolicy {
  id: string;
  name: string;
  description: string;
  /** The owning team (its managers and admins change it); null: none. */
  team?: string | null;
  repeat: number;
  levels: PolicyLevel[];
  /** Names of the services whose incidents page by this policy. */
  services: string[];
  warnings: string[];
  created_at: string;
  updated_at: string;
}

export interface PolicyLevelInput {
  delay_minutes?: number | null;
  round_robin?: boolean;
  targets: TargetInput[];
}

export interface PolicyInput {
  name: string;
  description?: string;
  repeat: number;
  levels: PolicyLevelInput[];
}

export interface EscalationRule {
  id: string;
  name: string;
  enabled: boolean;
  severities: string[];
  tags: string[];
  unresolved_minutes: number | null;
  /** The condition in words: "SEV1, unresolved for 30 min". */
  condition: string;
  targets: TargetView[];
  warnings: string[];
  created_at: string;
}

export interface RuleInput {
  name: string;
  severities?: string[];
  tags?: string[];
  unresolved_minutes?: number | null;
  targets: TargetInput[];
  enabled?: boolean;
}

// ---- schedules ----

export const ROTATION_KINDS = ["daily", "weekly", "custom"] as const;
export type RotationKind = (typeof ROTATION_KINDS)[number];
export const DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type DayName = (typeof DAY_NAMES)[number];

export interface RestrictionBody {
  days: DayName[];
  /** "HH:MM" local; an end at or before the start ends the next day. */
  start: string;
  end: string;
}

/** A layer in the wire shape of GET and PUT (they round-trip). */
export interface LayerBody {
  name: string;
  /** "YYYY-MM-DDTHH:MM" local to the schedule's zone: member 0 is on call from then. */
  start: string;
  rotation: {
    kind: RotationKind;
    handoff_time: string;
    handoff_weekday?: DayName | number;
    shift_minutes?: number;
  };
  members: string[];
  restrictions?: RestrictionBody[];
}

export interface ScheduleInput {
  name: string;
  description?: string;
  time_zone: string;
  layers: LayerBody[];
}

export interface Schedule {
  id: string;
  name: string;
  description: string;
  /** The owning team (its managers and admins change it); null: none. */
  team?: string | null;
  time_zone: string;
  layers: LayerBody[];
  on_call_now: string[];
  /** The iCalendar feed (its token is in the URL). */
  calendar_url: string;
  warnings: string[];
  created_at: string;
  updated_at: string;
}

export const OVERRIDE_KINDS = ["add", "remove", "replace"] as const;
export type OverrideKind = (typeof OVERRIDE_KINDS)[number];

export interface ScheduleOverride {
  id: string;
  kind: OverrideKind;
  /** Who comes on call (add, replace). */
  user: string | null;
  /** Who goes off call (remove, replace). */
  replaces: string | null;
  start: string;
  end: string;
  note: string;
  created_by: string;
  created_at: string;
}

export interface OverrideInput {
  kind: OverrideKind;
  user?: string;
  replaces?: string;
  /** ISO instants with an offset. */
  start: string;
  end: string;
  note?: string;
}

export interface OnCallPerson {
  username: string;
  display_name: string;
  source: "rotation" | "override";
  /** The layer's name; null for an override. */
  layer: string | null;
}

export interface ScheduleOnCall {
  schedule: string;
  time_zone: string;
  at: string;
  on_call: OnCallPerson[];
  /** When the people on call change next; null when not within 90 days. */
  until: string | null;
}

export interface EveryoneOnCall {
  at: string;
  items: ScheduleOnCall[];
}

export interface FinalShift {
  start: string;
  end: string;
  /** Empty: nobody is on call. */
  users: string[];
}

export interface ScheduleShifts {
  schedule: string;
  time_zone: string;
  from: string;
  to: string;
  shifts: FinalShift[];
  layers: { name: string; shifts: { start: string; end: string; user: string }[] }[];
}

// ---- paging ----

export const NOTIFICATION_STATES = ["pending", "sending", "sent", "failed", "cancelled"] as const;
export type NotificationState = (typeof NOTIFICATION_STATES)[number];

export interface Notification {
  id: string;
  incident_id: string | null;
  to: string;
  via: ContactKind;
  address: string;
  /** page, escalation_rule, reminder, handoff, test */
  reason: string;
  summary: string;
  state: NotificationState;
  /** Failed for good: sent again only when someone retries it. */
  dead: boolean;
  due_at: string;
  sent_at: string | null;
  attempts: number;
  last_error: string | null;
  delivery_id: string | null;
  created_at: string;
}

export interface DeadJob {
  id: number;
  kind: string;
  key: string;
  attempts: number;
  last_error: string | null;
  failed_at: string;
}

export interface EngineStatus {
  pending: number;
  running: number;
  dead: number;
  lag_seconds: number;
  dead_jobs: DeadJob[];
}
