import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { hashTimelineEvent, type StoredTimelineEvent } from "#domain/incident/timeline.ts";
import { insertIncident } from "./incidents.ts";
import { executeRows } from "./rows.ts";
import { openTestDb, type TestDatabase, testBackends } from "./testing.ts";
import { insertTimelineEvents, listTimelineEvents } from "./timeline.ts";

const AT = new Date("2026-03-02T09:00:00.000Z");

/** An incident row with a three-event timeline, written through the repository functions. */
async function incidentWithTimeline(
  database: TestDatabase,
): Promise<{ id: string; events: StoredTimelineEvent[] }> {
  const id = randomUUID();
  await insertIncident(database.db, {
    id,
    title: "Checkout errors",
    severity: "SEV2",
    status: "triggered",
    createdBy: "alice",
    createdAt: AT,
    updatedAt: AT,
  });
  const events: StoredTimelineEvent[] = [];
  let prevHash: string | null = null;
  for (const [i, kind] of (["incident.declared", "note.added", "note.added"] as const).entries()) {
    const content = {
      incidentId: id,
      seq: i + 1,
      kind,
      actor: "alice",
      at: new Date(AT.getTime() + i * 60_000),
      data: { text: `event ${i + 1}`, list: [1, "two", null], nested: { ok: true } },
      prevHash,
    };
    const hash = hashTimelineEvent(content);
    events.push({ ...content, hash });
    prevHash = hash;
  }
  await insertTimelineEvents(database.db, events);
  return { id, events };
}

/** The database's own message, wherever the driver wrapper put it. */
function messageChain(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    parts.push(current.message);
    current = current.cause;
  }
  return parts.join(" | ");
}

async function expectRefused(
  database: TestDatabase,
  statement: ReturnType<typeof sql>,
  op: string,
): Promise<void> {
  await assert.rejects(database.db.execute(statement), (error: unknown) => {
    assert.match(messageChain(error), new RegExp(`timeline_events is append-only: ${op} is not allowed`));
    return true;
  });
}

for (const backend of await testBackends()) {
  describe(`timeline storage (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    test("events read back exactly as written, in seq order, and still hash the same", async () => {
      const { id, events } = await incidentWithTimeline(database);
      const stored = await listTimelineEvents(database.db, id);
      assert.deepEqual(stored, events);
      for (const e of stored) assert.equal(hashTimelineEvent(e), e.hash);
    });

    test("UPDATE of a timeline event is refused by the database", async () => {
      const { id } = await incidentWithTimeline(database);
      await expectRefused(
        database,
        sql`update timeline_events set actor = 'mallory' where incident_id = ${id}`,
        "UPDATE",
      );
      await expectRefused(
        database,
        sql`update timeline_events set data = '{"text":"nothing happened"}'::jsonb where incident_id = ${id} and seq = 2`,
        "UPDATE",
      );
      const rows = await executeRows(
        database.db,
        sql`select actor from timeline_events where incident_id = ${id}`,
      );
      assert.deepEqual(
        rows.map((r) => r.actor),
        ["alice", "alice", "alice"],
      );
    });

    test("DELETE of a timeline event is refused by the database", async () => {
      const { id, events } = await incidentWithTimeline(database);
      await expectRefused(
        database,
        sql`delete from timeline_events where incident_id = ${id} and seq = 3`,
        "DELETE",
      );
      await expectRefused(database, sql`delete from timeline_events where incident_id = ${id}`, "DELETE");
      assert.deepEqual(await listTimelineEvents(database.db, id), events);
    });

    test("TRUNCATE of the timeline is refused by the database", async () => {
      const { id, events } = await incidentWithTimeline(database);
      await expectRefused(database, sql`truncate timeline_events`, "TRUNCATE");
      assert.deepEqual(await listTimelineEvents(database.db, id), events);
    });

    test("deleting an incident that has a timeline is refused", async () => {
      const { id, events } = await incidentWithTimeline(database);
      await assert.rejects(database.db.execute(sql`delete from incidents where id = ${id}`));
      assert.deepEqual(await listTimelineEvents(database.db, id), events);
    });

    test("a second event with the same seq is refused: one chain per incident", async () => {
      const { id, events } = await incidentWithTimeline(database);
      const last = events.at(-1);
      assert.ok(last);
      const duplicate = { ...last, data: { text: "a rival writer" } };
      await assert.rejects(
        insertTimelineEvents(database.db, [{ ...duplicate, hash: hashTimelineEvent(duplicate) }]),
      );
      assert.deepEqual(await listTimelineEvents(database.db, id), events);
    });
  });
}
