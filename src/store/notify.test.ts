// LISTEN/NOTIFY for the shared change feed (PostgreSQL only): payloads arrive in order on a dedicated
// connection, and a dropped connection is re-established by itself and reported (so listeners resync).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { ChangeListener, LISTENER_APPLICATION_NAME, notify } from "./notify.ts";
import { executeRows } from "./rows.ts";
import { openTestDb, type TestDatabase, testBackends } from "./testing.ts";

const backend = (await testBackends()).find((b) => b.kind === "postgres");

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(check(), what);
}

describe("LISTEN/NOTIFY (postgres)", { skip: backend ? backend.skip : "PostgreSQL only" }, () => {
  let database: TestDatabase;
  let listener: ChangeListener;
  const got: string[] = [];
  let reconnects = 0;
  before(async () => {
    database = await openTestDb("postgres");
    listener = new ChangeListener({
      url: database.url as string,
      channel: "foghorn_test_changes",
      onMessage: (payload) => got.push(payload),
      onReconnect: () => reconnects++,
      log: { info() {}, warn() {} },
      backoffMs: 20,
    });
    await listener.start();
  });
  after(async () => {
    await listener?.stop();
    await database?.close();
  });

  test("payloads sent in one statement arrive in order; other channels are not heard", async () => {
    assert.equal(listener.connected, true);
    await notify(database.db, "foghorn_other", ["elsewhere"]);
    await notify(database.db, "foghorn_test_changes", ["one", "two", "three"]);
    await until(() => got.length >= 3, "three notifications");
    assert.deepEqual(got, ["one", "two", "three"]);
  });

  test("a terminated connection comes back by itself and says so; notifications flow again", async () => {
    got.length = 0;
    const cut = await executeRows(
      database.db,
      sql`select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and application_name = ${LISTENER_APPLICATION_NAME}`,
    );
    assert.equal(cut.length, 1);
    await until(() => reconnects === 1 && listener.connected, "reconnected");
    assert.equal(listener.drops, 1);
    await notify(database.db, "foghorn_test_changes", ["after"]);
    await until(() => got.length >= 1, "a notification after the reconnect");
    assert.deepEqual(got, ["after"]);
  });
});
