import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { AlertIntake } from "#app/alerts/intake.ts";
import { createIntegration } from "#app/alerts/integrations.ts";
import { listAlerts } from "#app/alerts/queries.ts";
import { createService } from "#app/alerts/services.ts";
import { silentLogger } from "#app/context.ts";
import { countInbox, insertInboxRows } from "#store/inbox.ts";
import { executeRows } from "#store/rows.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { alertEvent, appContext, uniqueName } from "../../test/helpers/factories.ts";
import { AlertProcessor } from "./alert-processor.ts";

const trigger = (dedupKey: string) => alertEvent("trigger", dedupKey);

// Embedded storage wires the intake to AlertProcessor.inline(): each group commit applies its own events.
for (const backend of await testBackends()) {
  describe(`alerts applied in the commit that stores them (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    async function setUp() {
      const warnings: string[] = [];
      const ctx = {
        ...appContext(database.db),
        log: { ...silentLogger, warn: (_: unknown, message?: string) => warnings.push(String(message)) },
      };
      const service = uniqueName("db");
      await createService(ctx, { name: service });
      const integration = await createIntegration(ctx, service, { kind: "pagerduty" }, () => []);
      const processor = new AlertProcessor(ctx, { singleProcess: true, pollMs: 3_600_000 });
      const intake = new AlertIntake(ctx.db, ctx.clock, {
        defaultRateLimitPerMinute: 0,
        maxQueuedEvents: 10_000,
        applyWithin: processor.inline(),
      });
      const source = {
        id: integration.id,
        kind: "pagerduty",
        serviceId: (await intake.integration(integration.routing_key)).serviceId,
        rateLimitPerMinute: 0,
      };
      return { ctx, service, intake, source, processor, warnings };
    }

    test("once accept() has resolved (the sender's 2xx), the alert and its incident exist", async () => {
      const { ctx, service, intake, source, processor } = await setUp();
      await intake.accept(source, [trigger("disk-a"), trigger("disk-b")]);
      const alerts = (await listAlerts(ctx, { service })).items;
      assert.deepEqual(alerts.map((a) => a.dedup_key).sort(), ["disk-a", "disk-b"]);
      assert.ok(
        alerts.every((a) => a.incident),
        "each alert opened its incident in the same commit",
      );
      assert.deepEqual(await countInbox(ctx.db), { pending: 0, dead: 0 }, "nothing left for the processor");
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(processor.processed, 2, "counted as applied once the commit is done");
      await processor.stop();
    });

    test("events applied with their commit are never written to the inbox", async () => {
      const { ctx, service, intake, source, processor } = await setUp();
      // The identity sequence moves on with every row written, even one deleted since.
      const lastId = async () =>
        (await executeRows(ctx.db, sql`select last_value, is_called from alert_inbox_id_seq`))[0];
      const before = await lastId();
      await intake.accept(source, [trigger("direct")]);
      assert.equal((await listAlerts(ctx, { service })).items.length, 1);
      assert.deepEqual(await lastId(), before, "no inbox row was written (nor deleted)");
      await processor.stop();
    });

    test("older events of the inbox apply first, in the same commit: a resolve never overtakes its trigger", async () => {
      const { ctx, service, intake, source, processor } = await setUp();
      // The trigger was stored but not applied yet (a failed batch, a restart): it is older than the resolve.
      await insertInboxRows(ctx.db, [
        {
          ...source,
          sourceId: source.id,
          sourceKind: "pagerduty",
          kind: "alert",
          event: trigger("ordered"),
          receivedAt: ctx.clock.now(),
        },
      ]);
      await intake.accept(source, [alertEvent("resolve", "ordered")]);
      const [alert] = (await listAlerts(ctx, { service })).items;
      assert.equal(alert?.status, "resolved", "trigger applied first, then the resolve");
      assert.deepEqual(await countInbox(ctx.db), { pending: 0, dead: 0 }, "nothing left for the processor");
      await processor.stop();
    });

    test("when older events are more than one batch, the commit stores its own behind them", async () => {
      const { ctx, service, source } = await setUp();
      const processor = new AlertProcessor(ctx, { singleProcess: true, pollMs: 3_600_000, batchSize: 2 });
      const small = new AlertIntake(ctx.db, ctx.clock, {
        defaultRateLimitPerMinute: 0,
        maxQueuedEvents: 10_000,
        applyWithin: processor.inline(),
      });
      const waiting = ["w1", "w2", "w3"].map((key) => ({
        ...source,
        sourceId: source.id,
        sourceKind: "pagerduty",
        kind: "alert" as const,
        event: trigger(key),
        receivedAt: ctx.clock.now(),
      }));
      await insertInboxRows(ctx.db, waiting);
      await small.accept(source, [alertEvent("resolve", "w3")]);
      assert.deepEqual(
        (await listAlerts(ctx, { service })).items.map((a) => a.dedup_key).sort(),
        ["w1", "w2"],
        "the two oldest applied with the commit",
      );
      assert.deepEqual(await countInbox(ctx.db), { pending: 2, dead: 0 }, "w3's trigger, then the resolve");
      await processor.idle();
      const alerts = (await listAlerts(ctx, { service })).items;
      assert.equal(alerts.find((a) => a.dedup_key === "w3")?.status, "resolved");
      assert.deepEqual(await countInbox(ctx.db), { pending: 0, dead: 0 });
      await processor.stop();
    });

    test("a batch that fails to apply is still stored and acknowledged; the processor sets the bad event aside", async () => {
      const { ctx, service, intake, source, processor, warnings } = await setUp();
      // A source whose service does not exist: applying its trigger fails on the foreign key.
      const broken = { ...source, id: randomUUID(), serviceId: randomUUID() };
      await intake.accept(broken, [trigger("broken")]);
      assert.deepEqual(await countInbox(ctx.db), { pending: 1, dead: 0 }, "stored, not lost, not applied");
      assert.ok(warnings.some((w) => w.includes("could not apply alert events with their commit")));
      await intake.accept(source, [trigger("after")]);
      await processor.idle();
      for (let i = 0; i < 10 && (await countInbox(ctx.db)).pending > 0; i++) await processor.idle();
      assert.deepEqual(
        (await listAlerts(ctx, { service })).items.map((a) => a.dedup_key),
        ["after"],
        "the good event behind the bad one was applied",
      );
      assert.deepEqual(await countInbox(ctx.db), { pending: 0, dead: 1 }, "the broken event is kept aside");
      await processor.stop();
    });
  });
}
