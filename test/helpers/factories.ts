/**
 * Factories for use-case and API tests: an AppContext on a test database with a ManualClock, seed 002's
 * CreateIncidentRequest, unique names so tests sharing one database never see each other's data, and
 * row counts for "nothing was written" assertions.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { type Actor, type AppContext, silentLogger } from "#app/context.ts";
import { type AppError, type ErrorCode, isAppError } from "#app/errors.ts";
import { type ChangeFeed, noChangeFeed } from "#app/events.ts";
import { type DeclareIncidentInput, declareIncident } from "#app/incidents/declare.ts";
import type { AlertEvent } from "#domain/alert/event.ts";
import { DEFAULT_SEVERITY_POLICY, type PriorityScheme } from "#domain/incident/severity.ts";
import { ManualClock } from "#domain/time.ts";
import type { Db } from "#store/db.ts";
import { executeRows } from "#store/rows.ts";

/** A fixed start instant for ManualClocks: a Monday morning, so durations are easy to read. */
export const T0 = "2026-03-02T09:00:00.000Z";

export function userActor(name = "alice", role = "manager"): Actor {
  return { kind: "user", name, role };
}

export interface TestContext extends AppContext {
  clock: ManualClock;
}

/** An AppContext on `db` with a ManualClock at T0 (or the one given) and the default severity policy. */
export function appContext(
  db: Db,
  options: {
    clock?: ManualClock;
    actor?: Actor | string;
    priorityScheme?: PriorityScheme;
    events?: ChangeFeed;
  } = {},
): TestContext {
  const actor = typeof options.actor === "string" ? userActor(options.actor) : (options.actor ?? userActor());
  return {
    db,
    clock: options.clock ?? new ManualClock(T0),
    actor,
    log: silentLogger,
    policy: { severities: DEFAULT_SEVERITY_POLICY, priorityScheme: options.priorityScheme ?? "p1-p4" },
    events: options.events ?? noChangeFeed,
  };
}

/** The same context acting as someone else (same database and clock). */
export function actingAs(ctx: TestContext, name: string): TestContext {
  return { ...ctx, actor: userActor(name) };
}

/** A name no other test uses: "<prefix>-<8 hex>", valid as a service name, tag and handle. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

/** Seed 002's CreateIncidentRequest, with a unique affected service unless overridden. */
export function seedIncidentRequest(overrides: Partial<DeclareIncidentInput> = {}): DeclareIncidentInput {
  return {
    title: "API timeouts on bulk export",
    description: "Bulk export requests time out after 30 s for large accounts",
    severity: "high",
    affected_services: [uniqueName("export-api")],
    assignee: "alice",
    related_alerts: ["alert-bulk-export-p99"],
    ...overrides,
  };
}

/** Declares an incident from seed 002's request shape (overrides applied). */
export async function declareTestIncident(ctx: AppContext, overrides: Partial<DeclareIncidentInput> = {}) {
  return declareIncident(ctx, seedIncidentRequest(overrides));
}

const COUNTED_TABLES = [
  "incidents",
  "services",
  "incident_services",
  "incident_roles",
  "timeline_events",
  "evidence",
  "status_updates",
  "action_items",
] as const;

/** Row counts of every incident-core table, to assert that a refused or failed verb wrote nothing. */
export async function tableCounts(db: Db): Promise<Record<(typeof COUNTED_TABLES)[number], number>> {
  const rows = await executeRows(
    db,
    sql.raw(
      COUNTED_TABLES.map((t) => `select '${t}' as t, count(*)::int as n from ${t}`).join(" union all "),
    ),
  );
  const counts = Object.fromEntries(COUNTED_TABLES.map((t) => [t, -1])) as Record<
    (typeof COUNTED_TABLES)[number],
    number
  >;
  for (const row of rows) counts[String(row.t) as (typeof COUNTED_TABLES)[number]] = Number(row.n);
  return counts;
}

/** Awaits a call that must fail with an AppError of `code`; returns the error for further checks. */
export async function expectAppError(promise: Promise<unknown>, code: ErrorCode): Promise<AppError> {
  let failure: unknown;
  try {
    await promise;
  } catch (error) {
    failure = error;
  }
  if (failure === undefined) assert.fail(`expected ${code}, but the call succeeded`);
  if (!isAppError(failure)) throw failure;
  assert.equal(failure.code, code, `expected ${code}, got ${failure.code}: ${failure.detail}`);
  return failure;
}

/** A plain alert event as an integration's parser would hand it to the intake (source db-1, severity error). */
export function alertEvent(
  action: AlertEvent["action"],
  dedupKey: string,
  summary = `Disk full on ${dedupKey}`,
): AlertEvent {
  return {
    action,
    dedupKey,
    summary,
    source: "db-1",
    severity: "error",
    occurredAt: null,
    details: {},
    links: [],
    images: [],
  };
}
