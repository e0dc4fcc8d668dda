import { sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { executeRows, toDate, toStringArray } from "./rows.ts";

// The bulk read behind the public status page: everything one snapshot shows, in one read-only transaction
// of six statements (settings, components, incident spans, hand-set spans, public incidents with their
// external updates, maintenances with their updates), however many components and incidents there are.

export interface SnapshotSettings {
  name: string;
  url: string | null;
  logoUrl: string | null;
  brandColor: string;
  timeZone: string;
  customDomain: string | null;
  footerLinks: { label: string; url: string }[];
  showResponders: boolean;
  componentStatusBySeverity: Record<string, string>;
  updatedAt: Date;
}

export interface SnapshotComponent {
  id: string;
  name: string;
  description: string | null;
  groupId: string | null;
  isGroup: boolean;
  position: number;
  showcase: boolean;
  onlyShowIfDegraded: boolean;
  startDate: string | null;
  manualStatus: string | null;
  manualStatusAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** The services it stands for. */
  serviceIds: string[];
}

/** An incident on one of a component's services: open, or ended within the window. */
export interface SnapshotIncidentSpan {
  componentId: string;
  incidentId: string;
  severity: string;
  start: Date;
  /** Resolved (or closed) at; null while the incident is open. */
  end: Date | null;
  open: boolean;
}

/** A hand-set status of a component, from one change to the next (null: still set). */
export interface SnapshotManualSpan {
  componentId: string;
  status: string;
  start: Date;
  end: Date | null;
}

export interface SnapshotUpdate {
  id: string;
  status: string;
  body: string;
  createdAt: Date;
}

/** An incident with at least one external status update. */
export interface SnapshotIncident {
  id: string;
  title: string;
  publicTitle: string | null;
  severity: string;
  /** The lifecycle status (triggered … postmortem). */
  status: string;
  createdAt: Date;
  resolvedAt: Date | null;
  closedAt: Date | null;
  /** When its latest external update was posted. */
  lastExternalAt: Date;
  /** External updates only, newest first. */
  updates: SnapshotUpdate[];
  serviceIds: string[];
  /** The published postmortem's sections (stored JSON) and publication time; null: none published. */
  postmortem: { sections: unknown; publishedAt: Date } | null;
  /** People holding a role on it; null unless the page shows responders. */
  responders: string[] | null;
}

export interface SnapshotMaintenance {
  id: string;
  title: string;
  body: string;
  scheduledFor: Date;
  scheduledUntil: Date;
  manualStatus: string | null;
  componentIds: string[];
  createdAt: Date;
  updatedAt: Date;
  /** Newest first. */
  updates: SnapshotUpdate[];
}

export interface StatusSnapshotRows {
  settings: SnapshotSettings;
  components: SnapshotComponent[];
  incidentSpans: SnapshotIncidentSpan[];
  manualSpans: SnapshotManualSpan[];
  incidents: SnapshotIncident[];
  maintenances: SnapshotMaintenance[];
}

/** How many public incidents and maintenances a snapshot holds (Statuspage's "50 most recent"). */
export const SNAPSHOT_LIMIT = 50;

const LIFECYCLE_ENDED = sql.raw(`('resolved', 'postmortem')`);

const date = (value: unknown): Date => toDate(value) ?? new Date(0);
const text = (value: unknown): string => (typeof value === "string" ? value : String(value ?? ""));
const textOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : text(value);

function json<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  if (typeof value === "string") {
    try {
      return JSON.parse(value) as T;
    } catch {
      return fallback;
    }
  }
  return value as T;
}

function updates(value: unknown): SnapshotUpdate[] {
  return json<Record<string, unknown>[]>(value, []).map((u) => ({
    id: text(u.id),
    status: text(u.status),
    body: text(u.body),
    createdAt: date(u.created_at),
  }));
}

/**
 * Reads everything the status page shows as of `since` (the oldest instant an uptime bar covers) in one
 * read-only transaction, so the snapshot is consistent: an incident and its updates are seen together.
 */
export async function readStatusSnapshotRows(db: Db, since: Date): Promise<StatusSnapshotRows> {
  const sinceIso = since.toISOString();
  return db.transaction(
    async (tx) => {
      const [settingsRow] = await executeRows(
        tx,
        sql`select name, url, logo_url, brand_color, time_zone, custom_domain, footer_links, show_responders,
              component_status_by_severity, updated_at
            from status_page_settings where id = 1`,
      );
      if (!settingsRow) throw new Error("status_page_settings has no row 1: the 0009 migration did not run");
      const settings: SnapshotSettings = {
        name: text(settingsRow.name),
        url: textOrNull(settingsRow.url),
        logoUrl: textOrNull(settingsRow.logo_url),
        brandColor: text(settingsRow.brand_color),
        timeZone: text(settingsRow.time_zone),
        customDomain: textOrNull(settingsRow.custom_domain),
        footerLinks: json(settingsRow.footer_links, []),
        showResponders: settingsRow.show_responders === true,
        componentStatusBySeverity: json(settingsRow.component_status_by_severity, {}),
        updatedAt: date(settingsRow.updated_at),
      };

      const components = (
        await executeRows(
          tx,
          sql`select c.id, c.name, c.description, c.group_id, c.is_group, c.position, c.showcase,
                c.only_show_if_degraded, c.start_date::text as start_date, c.manual_status, c.manual_status_at,
                c.created_at, c.updated_at,
                coalesce((select array_agg(cs.service_id::text order by cs.service_id)
                          from status_component_services cs where cs.component_id = c.id), '{}') as service_ids
              from status_components c
              order by c.position, lower(c.name), c.id`,
        )
      ).map(
        (r): SnapshotComponent => ({
          id: text(r.id),
          name: text(r.name),
          description: textOrNull(r.description),
          groupId: textOrNull(r.group_id),
          isGroup: r.is_group === true,
          position: Number(r.position ?? 0),
          showcase: r.showcase !== false,
          onlyShowIfDegraded: r.only_show_if_degraded === true,
          startDate: textOrNull(r.start_date),
          manualStatus: textOrNull(r.manual_status),
          manualStatusAt: toDate(r.manual_status_at),
          createdAt: date(r.created_at),
          updatedAt: date(r.updated_at),
          serviceIds: toStringArray(r.service_ids),
        }),
      );

      // Open incidents (whenever they began) and those that ended inside the window, per component.
      const incidentSpans = (
        await executeRows(
          tx,
          sql`select distinct cs.component_id, i.id::text as incident_id, i.severity, i.created_at,
                i.status not in ${LIFECYCLE_ENDED} as open,
                case when i.status in ${LIFECYCLE_ENDED}
                  then coalesce(i.resolved_at, i.closed_at, i.updated_at) end as ended_at
              from status_component_services cs
              join incident_services s on s.service_id = cs.service_id
              join incidents i on i.id = s.incident_id
              where (i.status not in ${LIFECYCLE_ENDED}
                 or coalesce(i.resolved_at, i.closed_at, i.updated_at) >= ${sinceIso}::timestamptz)
                -- a private incident never shows on the public page nor changes a component's status
                and not i.private`,
        )
      ).map(
        (r): SnapshotIncidentSpan => ({
          componentId: text(r.component_id),
          incidentId: text(r.incident_id),
          severity: text(r.severity),
          start: date(r.created_at),
          end: toDate(r.ended_at),
          open: r.open === true,
        }),
      );

      // Hand-set statuses: each change lasts until the component's next change.
      const manualSpans = (
        await executeRows(
          tx,
          sql`select component_id, manual_status, at, until from (
                select component_id, manual_status, at,
                  lead(at) over (partition by component_id order by at, id) as until
                from status_component_changes
              ) c
              where manual_status is not null and (until is null or until >= ${sinceIso}::timestamptz)
              order by component_id, at`,
        )
      ).map(
        (r): SnapshotManualSpan => ({
          componentId: text(r.component_id),
          status: text(r.manual_status),
          start: date(r.at),
          end: toDate(r.until),
        }),
      );

      const incidents = (
        await executeRows(
          tx,
          sql`with pub as (
                select su.incident_id, max(su.created_at) as last_at
                from status_updates su join incidents pi on pi.id = su.incident_id
                where su.visibility = 'external' and not pi.private
                group by su.incident_id
                order by last_at desc, incident_id
                limit ${SNAPSHOT_LIMIT}
              )
              select i.id::text as id, i.title, i.public_title, i.severity, i.status, i.created_at,
                i.resolved_at, i.closed_at, pub.last_at,
                (select json_agg(json_build_object('id', u.id, 'status', u.status, 'body', u.message,
                                                   'created_at', u.created_at)
                                 order by u.created_at desc, u.id desc)
                 from status_updates u where u.incident_id = i.id and u.visibility = 'external') as updates,
                coalesce((select array_agg(s.service_id::text order by s.service_id)
                          from incident_services s where s.incident_id = i.id), '{}') as service_ids,
                pm.sections as postmortem_sections, pm.published_at as postmortem_published_at,
                case when ${settings.showResponders}::boolean then
                  coalesce((select array_agg(distinct r.person) from incident_roles r where r.incident_id = i.id),
                           '{}')
                end as responders
              from pub
              join incidents i on i.id = pub.incident_id
              left join postmortems pm on pm.incident_id = i.id and pm.status = 'published'
                and pm.published_at is not null
              order by pub.last_at desc, i.id`,
        )
      ).map(
        (r): SnapshotIncident => ({
          id: text(r.id),
          title: text(r.title),
          publicTitle: textOrNull(r.public_title),
          severity: text(r.severity),
          status: text(r.status),
          createdAt: date(r.created_at),
          resolvedAt: toDate(r.resolved_at),
          closedAt: toDate(r.closed_at),
          lastExternalAt: date(r.last_at),
          updates: updates(r.updates),
          serviceIds: toStringArray(r.service_ids),
          postmortem:
            r.postmortem_published_at === null || r.postmortem_published_at === undefined
              ? null
              : {
                  sections: json<unknown>(r.postmortem_sections, {}),
                  publishedAt: date(r.postmortem_published_at),
                },
          responders:
            r.responders === null || r.responders === undefined ? null : toStringArray(r.responders),
        }),
      );

      const maintenances = (
        await executeRows(
          tx,
          sql`select m.id, m.title, m.body, m.scheduled_for, m.scheduled_until, m.manual_status, m.component_ids,
                m.created_at, m.updated_at,
                (select json_agg(json_build_object('id', u.id, 'status', u.status, 'body', u.body,
                                                   'created_at', u.created_at)
                                 order by u.created_at desc, u.id desc)
                 from status_maintenance_updates u where u.maintenance_id = m.id) as updates
              from status_maintenances m
              order by m.scheduled_for desc, m.id
              limit ${SNAPSHOT_LIMIT}`,
        )
      ).map(
        (r): SnapshotMaintenance => ({
          id: text(r.id),
          title: text(r.title),
          body: text(r.body),
          scheduledFor: date(r.scheduled_for),
          scheduledUntil: date(r.scheduled_until),
          manualStatus: textOrNull(r.manual_status),
          componentIds: toStringArray(r.component_ids),
          createdAt: date(r.created_at),
          updatedAt: date(r.updated_at),
          updates: updates(r.updates),
        }),
      );

      return { settings, components, incidentSpans, manualSpans, incidents, maintenances };
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}
