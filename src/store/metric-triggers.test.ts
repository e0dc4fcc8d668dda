// The rollups' invalidation (migrations 0010 and 0018): every insert and delete of a row a metric is made of
// marks the UTC day it counts in, once per statement however many rows it touched and whatever days they
// span, and an update marks its day only when a counted field changed.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, beforeEach, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { executeRows } from "./rows.ts";
import { openTestDb, type TestDatabase, testBackends } from "./testing.ts";

const DAY1 = "2026-03-02T23:30:00Z";
const DAY2 = "2026-03-03T00:30:00Z";
const DAY3 = "2026-03-04T12:00:00Z";

for (const backend of await testBackends()) {
  describe(`metric dirty days (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });
    const run = (query: string) => database.db.execute(sql.raw(query));
    const dirty = async () =>
      (
        await executeRows(
          database.db,
          sql`select kind || ' ' || day::text as d from metric_dirty_days order by kind, day`,
        )
      ).map((r) => String(r.d));
    beforeEach(async () => {
      await run("delete from metric_dirty_days");
    });

    /** Two incidents, one each side of midnight UTC, inserted in one statement; the marks cleared. */
    async function twoIncidents(): Promise<[string, string]> {
      const ids: [string, string] = [randomUUID(), randomUUID()];
      await run(`insert into incidents (id, title, severity, status, created_by, created_at, updated_at) values
        ('${ids[0]}', 'late', 'SEV2', 'triggered', 'alice', '${DAY1}', '${DAY1}'),
        ('${ids[1]}', 'early', 'SEV2', 'triggered', 'alice', '${DAY2}', '${DAY2}')`);
      return ids;
    }

    test("incidents: a multi-row insert marks each row's day, a delete marks the deleted rows' days", async () => {
      const [a, b] = await twoIncidents();
      assert.deepEqual(await dirty(), ["incident 2026-03-02", "incident 2026-03-03"]);
      await run("delete from metric_dirty_days");
      await run(`delete from incidents where id = '${b}'`);
      assert.deepEqual(await dirty(), ["incident 2026-03-03"]);
      await run("delete from metric_dirty_days");
      await run(`update incidents set title = 'renamed' where id = '${a}'`);
      assert.deepEqual(await dirty(), [], "a title is not a metric: no mark");
      await run(`update incidents set severity = 'SEV1' where id = '${a}'`);
      assert.deepEqual(await dirty(), ["incident 2026-03-02"]);
    });

    test("alerts: inserts and deletes mark the alert days; a repeat's count does not", async () => {
      const service = randomUUID();
      const source = randomUUID();
      await run(
        `insert into services (id, name, created_at) values ('${service}', 'svc-${service.slice(0, 8)}', now())`,
      );
      await run("delete from metric_dirty_days");
      const [x, y] = [randomUUID(), randomUUID()];
      await run(`insert into alerts (id, source_id, source_kind, service_id, dedup_key, status, summary, created_at, last_event_at)
        values ('${x}', '${source}', 'generic', '${service}', 'k1', 'triggered', 's', '${DAY1}', '${DAY1}'),
               ('${y}', '${source}', 'generic', '${service}', 'k2', 'triggered', 's', '${DAY3}', '${DAY3}')`);
      assert.deepEqual(await dirty(), ["alert 2026-03-02", "alert 2026-03-04"]);
      await run("delete from metric_dirty_days");
      await run(`update alerts set event_count = event_count + 1 where id = '${x}'`);
      assert.deepEqual(await dirty(), []);
      await run(`delete from alerts where id in ('${x}', '${y}')`);
      assert.deepEqual(await dirty(), ["alert 2026-03-02", "alert 2026-03-04"]);
    });

    test("pages: marked by when they were sent, or created when never sent", async () => {
      const user = randomUUID();
      const method = randomUUID();
      await run(
        `insert into users (id, username, role, created_at) values ('${user}', 'u-${user.slice(0, 8)}', 'responder', now())`,
      );
      await run(`insert into contact_methods (id, user_id, kind, address, created_at)
        values ('${method}', '${user}', 'email', 'u@example.com', now())`);
      await run("delete from metric_dirty_days");
      const [sent, failed] = [randomUUID(), randomUUID()];
      await run(`insert into notifications (id, user_id, contact_method_id, reason, summary, state, due_at, created_at, sent_at)
        values ('${sent}', '${user}', '${method}', 'r', 's', 'sent', '${DAY1}', '${DAY1}', '${DAY3}'),
               ('${failed}', '${user}', '${method}', 'r', 's', 'failed', '${DAY2}', '${DAY2}', null)`);
      assert.deepEqual(await dirty(), ["page 2026-03-03", "page 2026-03-04"]);
      await run("delete from metric_dirty_days");
      await run(`delete from notifications where id = '${failed}'`);
      assert.deepEqual(await dirty(), ["page 2026-03-03"]);
    });

    test("status updates, postmortems and action items mark their incident's day", async () => {
      const [a, b] = await twoIncidents();
      const inserts = [
        `insert into status_updates (id, incident_id, message, status, visibility, created_by, created_at)
          values ('${randomUUID()}', '${a}', 'm', 'investigating', 'internal', 'alice', '${DAY3}'),
                 ('${randomUUID()}', '${b}', 'm', 'investigating', 'internal', 'alice', '${DAY3}')`,
        `insert into postmortems (incident_id, author, sections, created_at, updated_at)
          values ('${b}', 'alice', '[]', '${DAY3}', '${DAY3}')`,
        `insert into action_items (id, incident_id, title, priority, status, created_by, created_at, updated_at)
          values ('${randomUUID()}', '${a}', 't', 'medium', 'open', 'alice', '${DAY3}', '${DAY3}')`,
      ];
      const expected = [
        ["incident 2026-03-02", "incident 2026-03-03"],
        ["incident 2026-03-03"],
        ["incident 2026-03-02"],
      ];
      for (const [i, insert] of inserts.entries()) {
        await run("delete from metric_dirty_days");
        await run(insert);
        assert.deepEqual(await dirty(), expected[i], insert.slice(0, 30));
      }
      await run("delete from metric_dirty_days");
      await run(`delete from status_updates where incident_id = '${b}'`);
      assert.deepEqual(await dirty(), ["incident 2026-03-03"]);
      await run("delete from metric_dirty_days");
      await run(`delete from incidents where id in ('${a}', '${b}')`);
      assert.deepEqual(
        await dirty(),
        ["incident 2026-03-02", "incident 2026-03-03"],
        "deleting incidents with their children (cascade) marks their days",
      );
    });
  });
}
