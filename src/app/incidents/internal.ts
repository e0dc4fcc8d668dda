import { formatHumanId, parseHumanId } from "#domain/incident/human-id.ts";
import { hashTimelineEvent, type StoredTimelineEvent, type TimelineKind } from "#domain/incident/timeline.ts";
import type { Db } from "#store/db.ts";
import {
  findIncidentByNumber,
  type IncidentInsert,
  type IncidentRow,
  listIncidentRoles,
  lockIncidentByNumber,
  updateIncident,
  updateIncidentHeads,
} from "#store/incidents.ts";
import { insertTimelineEvents } from "#store/timeline.ts";
import { canSeeIncident, isAdmin } from "../auth/authorize.ts";
import type { Actor } from "../context.ts";
import { AppError } from "../errors.ts";

/** Reads an incident reference ("INC-42", "42"); INVALID_INPUT for anything else. */
export function parseIncidentRef(ref: string): number {
  const number = parseHumanId(ref);
  if (number === undefined) {
    throw new AppError("INVALID_INPUT", `"${ref}" is not an incident id; use the form INC-42 (or just 42)`, [
      { field: "id", message: "expected INC-<number>" },
    ]);
  }
  return number;
}

function notFound(number: number): AppError {
  return new AppError(
    "NOT_FOUND",
    `Incident ${formatHumanId(number)} does not exist; list incidents to find its id`,
  );
}

// Incident numbers are stored as int4: a larger one cannot exist, and asking the database would fail.
const MAX_INCIDENT_NUMBER = 2_147_483_647;

/**
 * May `actor` see this incident row? Public ones: yes. Private ones: admins, the system, the declarer and
 * the people holding a role on it (src/app/auth/authorize.ts canSeeIncident); reads the roles only then.
 */
export async function incidentVisibleTo(db: Db, actor: Actor, row: IncidentRow): Promise<boolean> {
  if (!row.private || isAdmin(actor)) return true;
  if (actor.name === row.createdBy || actor.name === row.commander) return true;
  const people = (await listIncidentRoles(db, row.id)).map((r) => r.person);
  return canSeeIncident(actor, { private: row.private, createdBy: row.createdBy, people });
}

/**
 * The incident `ref` as `actor` may see it: NOT_FOUND (the same answer as a missing incident) when it does
 * not exist or is private and the actor may not see it.
 */
export async function loadIncident(db: Db, ref: string, actor: Actor): Promise<IncidentRow> {
  const number = parseIncidentRef(ref);
  if (number > MAX_INCIDENT_NUMBER) throw notFound(number);
  const row = await findIncidentByNumber(db, number);
  if (!row || !(await incidentVisibleTo(db, actor, row))) throw notFound(number);
  return row;
}

/** Loads the incident under a row lock, inside the caller's transaction; NOT_FOUND as loadIncident. */
export async function lockIncident(tx: Db, ref: string, actor: Actor): Promise<IncidentRow> {
  const number = parseIncidentRef(ref);
  if (number > MAX_INCIDENT_NUMBER) throw notFound(number);
  const row = await lockIncidentByNumber(tx, number);
  if (!row || !(await incidentVisibleTo(tx, actor, row))) throw notFound(number);
  return row;
}

export interface NewTimelineEvent {
  kind: TimelineKind;
  data: Record<string, unknown>;
}

/** Chains new events onto an incident's timeline head, hashing each (seq, content, previous hash). */
export function chainEvents(
  head: { incidentId: string; lastEventSeq: number; lastEventHash: string | null },
  events: readonly NewTimelineEvent[],
  actor: string,
  at: Date,
): StoredTimelineEvent[] {
  let seq = head.lastEventSeq;
  let prevHash = head.lastEventHash;
  return events.map((event) => {
    seq += 1;
    const content = {
      incidentId: head.incidentId,
      seq,
      kind: event.kind,
      actor,
      at,
      data: event.data,
      prevHash,
    };
    const hash = hashTimelineEvent(content);
    prevHash = hash;
    return { ...content, hash };
  });
}

/**
 * Appends events to a locked incident and applies `patch` to its row in the same transaction: the state
 * change and the events that explain it commit together or not at all.
 */
export async function applyChange(
  tx: Db,
  incident: IncidentRow,
  events: readonly NewTimelineEvent[],
  actor: string,
  at: Date,
  patch: Partial<IncidentInsert> = {},
): Promise<IncidentRow> {
  const chained = chainEvents(
    { incidentId: incident.id, lastEventSeq: incident.lastEventSeq, lastEventHash: incident.lastEventHash },
    events,
    actor,
    at,
  );
  await insertTimelineEvents(tx, chained);
  const last = chained.at(-1);
  return updateIncident(tx, incident.id, {
    ...patch,
    updatedAt: at,
    ...(last ? { lastEventSeq: last.seq, lastEventHash: last.hash } : {}),
  });
}

/**
 * Appends events to several locked incidents at once (the engine's batches): one insert for all events,
 * one update for all timeline heads. `outbox: false` for the engine's own events, which the engine
 * needs not look at again.
 */
export async function appendEventsBatch(
  tx: Db,
  items: readonly { incident: IncidentRow; events: readonly NewTimelineEvent[] }[],
  actor: string,
  at: Date,
  opts: { outbox?: boolean } = {},
): Promise<void> {
  const all: StoredTimelineEvent[] = [];
  const heads: { id: string; seq: number; hash: string; at: Date }[] = [];
  for (const { incident, events } of items) {
    if (events.length === 0) continue;
    const chained = chainEvents(
      { incidentId: incident.id, lastEventSeq: incident.lastEventSeq, lastEventHash: incident.lastEventHash },
      events,
      actor,
      at,
    );
    all.push(...chained);
    const last = chained.at(-1);
    if (last) {
      heads.push({ id: incident.id, seq: last.seq, hash: last.hash, at });
      incident.lastEventSeq = last.seq;
      incident.lastEventHash = last.hash;
    }
  }
  await insertTimelineEvents(tx, all, opts);
  await updateIncidentHeads(tx, heads);
}

/** The username whose private incidents a query may show, or undefined when the actor sees every incident. */
export function visibilityFilter(actor: Actor): string | undefined {
  return isAdmin(actor) ? undefined : actor.name;
}
