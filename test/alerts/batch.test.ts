// A key that flaps inside one batch of the inbox (trigger, resolve, trigger, …) on both storage backends:
// each trigger after a resolve opens a new alert, and the batch applies in one go, not row by row after a
// failure (which it did while the resolved alert's row still said "open" when the next one was inserted).
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import pino from "pino";
import { AlertIntake } from "#app/alerts/intake.ts";
import { createIntegration } from "#app/alerts/integrations.ts";
import { processInbox } from "#app/alerts/process.ts";
import { listAlerts } from "#app/alerts/queries.ts";
import { createService } from "#app/alerts/services.ts";
import { getIncident } from "#app/incidents/get.ts";
import type { AlertEvent } from "#domain/alert/event.ts";
import { countInbox } from "#store/inbox.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { appContext, uniqueName } from "../helpers/factories.ts";

const event = (action: AlertEvent["action"], dedupKey: string): AlertEvent => ({
  action,
  dedupKey,
  summary: `Checkout latency high (${dedupKey})`,
  source: "checkout-1",
  severity: "critical",
  occurredAt: null,
  details: {},
  links: [],
  images: [],
});

for (const backend of await testBackends()) {
  describe(`a flapping key inside one inbox batch (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    test("trigger, resolve, trigger, resolve, trigger: three alerts on one incident, in one batch", async () => {
      const warnings: string[] = [];
      const log = pino(
        { level: "warn" },
        new Writable({
          write(chunk: Buffer, _enc, done) {
            warnings.push(String(JSON.parse(chunk.toString()).msg));
            done();
          },
        }),
      );
      const ctx = { ...appContext(database.db), log };
      const service = uniqueName("checkout");
      await createService(ctx, { name: service });
      const integration = await createIntegration(ctx, service, { kind: "pagerduty" }, () => []);
      const intake = new AlertIntake(ctx.db, ctx.clock, {
        defaultRateLimitPerMinute: 0,
        maxQueuedEvents: 100,
      });
      const source = await intake.integration(integration.routing_key);
      await intake.accept(source, [
        event("trigger", "flap"),
        event("resolve", "flap"),
        event("trigger", "flap"),
        event("resolve", "flap"),
        event("trigger", "flap"),
        event("trigger", "steady"),
      ]);

      assert.equal(
        await processInbox(ctx, { batchSize: 500, budgetMs: 60_000 }),
        6,
        "all six events in one batch",
      );
      assert.deepEqual(warnings, [], "no batch failed and was retried row by row");
      assert.deepEqual(await countInbox(ctx.db), { pending: 0, dead: 0 });

      const alerts = (await listAlerts(ctx, { service })).items;
      const flap = alerts.filter((a) => a.dedup_key === "flap").reverse();
      assert.deepEqual(
        flap.map((a) => [a.status, a.event_count]),
        [
          ["resolved", 2],
          ["resolved", 2],
          ["triggered", 1],
        ],
      );
      const numbers = alerts.map((a) => a.number).sort((a, b) => a - b);
      assert.deepEqual(
        numbers,
        numbers.map((_, i) => (numbers[0] ?? 0) + i),
        "no alert numbers were used up by a rolled-back batch",
      );
      assert.equal(new Set(flap.map((a) => a.incident)).size, 1, "every flap joined the incident still open");
      const incident = await getIncident(ctx, flap[0]?.incident ?? "");
      assert.notEqual(incident.status, "resolved");
    });
  });
}
