import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { ensureServicesByName, findServicesByName, listServices } from "./services.ts";
import { openTestDb, type TestDatabase, testBackends } from "./testing.ts";

const AT = new Date("2026-03-02T09:00:00.000Z");
const unique = (name: string) => `${name}-${randomBytes(3).toString("hex")}`;

for (const backend of await testBackends()) {
  describe(`services (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    test("a service is created on first use and found again under any capitalisation", async () => {
      const name = unique("Checkout-API");
      const [created] = await ensureServicesByName(database.db, [name], AT);
      assert.ok(created);
      assert.equal(created.name, name);
      const again = await ensureServicesByName(database.db, [name.toLowerCase(), name.toUpperCase()], AT);
      assert.deepEqual(again, [created], "the same row, keeping the first spelling");
      assert.deepEqual(await findServicesByName(database.db, [name.toUpperCase()]), [created]);
    });

    test("several names in one call, with case duplicates, create one row each", async () => {
      const a = unique("payments");
      const b = unique("ledger");
      const rows = await ensureServicesByName(database.db, [a, b, a.toUpperCase(), b], AT);
      assert.deepEqual(rows.map((r) => r.name).sort(), [a, b].sort());
      const all = await listServices(database.db);
      assert.equal(all.filter((s) => s.name.toLowerCase() === a.toLowerCase()).length, 1);
      assert.equal(all.filter((s) => s.name.toLowerCase() === b.toLowerCase()).length, 1);
    });

    test("concurrent creation of the same name yields one service", async () => {
      const name = unique("search");
      const results = await Promise.all(
        [name, name.toUpperCase(), name, name.toLowerCase()].map((n) =>
          ensureServicesByName(database.db, [n], AT),
        ),
      );
      const ids = new Set(results.flat().map((s) => s.id));
      assert.equal(ids.size, 1);
    });

    test("listServices is in case-insensitive name order", async () => {
      const names = (await listServices(database.db)).map((s) => s.name.toLowerCase());
      assert.deepEqual(names, [...names].sort());
    });

    test("no names, no query", async () => {
      assert.deepEqual(await ensureServicesByName(database.db, [], AT), []);
      assert.deepEqual(await findServicesByName(database.db, []), []);
    });
  });
}
