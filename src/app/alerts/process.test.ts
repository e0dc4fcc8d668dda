import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import type { AlertEvent } from "#domain/alert/event.ts";
import { MINUTE } from "#domain/time.ts";
import { findOpenAlerts, recordRepeats, updateAlerts } from "#store/alerts.ts";
import { withTransaction } from "#store/db.ts";
import { countInbox, SerializedEvent } from "#store/inbox.ts";
import { executeRows } from "#store/rows.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import {
  appContext,
  alertEvent as event,
  type TestContext,
  uniqueName,
} from "../../../test/helpers/factories.ts";
import { silentLogger } from "../context.ts";
import { type ChangeEvent, LocalChangeFeed } from "../events.ts";
import { changeIncidentStatus } from "../incidents/change-status.ts";
import { getIncident } from "../incidents/get.ts";
import { getTimeline } from "../incidents/timeline.ts";
import { AlertIntake } from "./intake.ts";
import { createIntegration } from "./integrations.ts";
import { applyEventsWithin, processInbox } from "./process.ts";
import { getAlert, listAlerts } from "./queries.ts";
import { createService } from "./services.ts";

const noConfig = () => [];

type Status = "firing" | "resolved";

/** An Alertmanager-style trigger for the group "group" with members f1 and f2 in these states. */
function groupEvent(f1: Status, f2: Status): AlertEvent {
  const member = (fingerprint: string, status: Status) => ({
    fingerprint,
    status,
    labels: { instance: "db-1" },
    annotations: {},
    startsAt: null,
    endsAt: null,
    generatorUrl: null,
  });
  return {
    ...event("trigger", "group"),
    members: [member("f1", f1), member("f2", f2)],
    completeGroup: true,
  };
}

for (const backend of await testBackends()) {
  describe(`the alert inbox (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    /** A service with a PagerDuty integration; `countRepeats` as main.ts sets it on PostgreSQL. */
    async function setUp(ctx: TestContext, options: { countRepeats?: boolean } = {}) {
      const service = uniqueName("db");
      await createService(ctx, { name: service });
      const integration = await createIntegration(ctx, service, { kind: "pagerduty" }, noConfig);
      const intake = new AlertIntake(ctx.db, ctx.clock, {
        defaultRateLimitPerMinute: 0,
        maxQueuedEvents: 10_000,
        countRepeats: options.countRepeats ?? false,
      });
      const source = {
        id: integration.id,
        kind: "pagerduty",
        serviceId: (await intake.integration(integration.routing_key)).serviceId,
        rateLimitPerMinute: 0,
      };
      return { service, intake, source };
    }

    test("events of one key apply in the order received, even inside one batch", async () => {
      const ctx = appContext(database.db);
      const { service, intake, source } = await setUp(ctx);
      await intake.accept(source, [
        event("trigger", "k1"),
        event("trigger", "k1"),
        event("resolve", "k1"),
        event("trigger", "k1"),
      ]);
      assert.equal((await countInbox(ctx.db)).pending >= 4, true, "stored before anything is applied");
      while ((await processInbox(ctx)) > 0);
      const alerts = await listAlerts(ctx, { service });
      assert.deepEqual(
        alerts.items.map((a) => [a.status, a.event_count]),
        [
          ["triggered", 1],
          ["resolved", 3],
        ],
        "trigger, repeat and resolve: one alert that counts three events; the trigger after the resolve opened a new one",
      );
      const [second, first] = alerts.items;
      assert.equal(second?.incident, first?.incident, "the new alert joined the incident that is still open");
      const incident = await getIncident(ctx, first?.incident ?? "");
      assert.equal(incident.status, "mitigating", "its only alert resolved, so it was mitigated");
      assert.equal((await countInbox(ctx.db)).pending, 0, "applied rows leave the inbox");
    });

    test("resolving the incident by hand resolves its alerts; the next trigger opens a new incident", async () => {
      const ctx = appContext(database.db);
      const { service, intake, source } = await setUp(ctx);
      await intake.accept(source, [event("trigger", "disk")]);
      while ((await processInbox(ctx)) > 0);
      const [first] = (await listAlerts(ctx, { service })).items;
      assert.ok(first?.incident);
      await changeIncidentStatus(ctx, first.incident, { status: "resolved" });
      const resolved = (await listAlerts(ctx, { service })).items[0];
      assert.equal(resolved?.status, "resolved");
      await intake.accept(source, [event("trigger", "disk")]);
      while ((await processInbox(ctx)) > 0);
      const alerts = (await listAlerts(ctx, { service })).items;
      assert.equal(alerts.length, 2);
      assert.notEqual(alerts[0]?.incident, first.incident, "a new incident, not the resolved one");
      assert.equal(alerts[0]?.status, "triggered");
    });

    test("a batch that carries one group twice applies in one go", async () => {
      const warnings: unknown[] = [];
      const ctx = {
        ...appContext(database.db),
        log: { ...silentLogger, warn: (o: unknown) => warnings.push(o) },
      };
      const { service, intake, source } = await setUp(ctx);
      const grouped = (status: "firing" | "resolved") => groupEvent(status, "firing");
      await intake.accept(source, [grouped("firing"), grouped("firing"), grouped("resolved")]);
      assert.equal(await processInbox(ctx, { budgetMs: 60_000 }), 3, "all three in the first batch");
      assert.deepEqual(warnings, [], "the batch did not fail and fall back to one event at a time");
      const [alert] = (await listAlerts(ctx, { service })).items;
      assert.equal(alert?.event_count, 3);
      const detail = await getAlert(ctx, alert?.id ?? "");
      assert.deepEqual(
        detail.members.map((m) => [m.fingerprint, m.status]),
        [
          ["f1", "resolved"],
          ["f2", "firing"],
        ],
      );
    });

    test("its announcements say when nothing is due for the job engine, and only then", async () => {
      const feed = new LocalChangeFeed();
      const heard: ChangeEvent[] = [];
      feed.subscribe((e) => heard.push(e));
      const ctx = appContext(database.db, { events: feed });
      const { intake, source } = await setUp(ctx);
      const pendingLooks = async () =>
        (
          await executeRows(
            ctx.db,
            sql`select key from jobs where kind = 'incident.events' and state = 'pending' order by key`,
          )
        ).map((r) => String(r.key));
      const before = await pendingLooks();
      const announced = async (options: Parameters<typeof processInbox>[1]) => {
        heard.length = 0;
        while ((await processInbox(ctx, options)) > 0);
        return heard.map((e) => (e.type === "incident" ? [e.kind, e.noJobs ?? false] : [e.type]));
      };
      // Paged in the batch's own transaction: the incident's outbox job is gone, nothing to wake for.
      await intake.accept(source, [event("trigger", "paged")]);
      assert.deepEqual(await announced({ onPagesDue: () => {} }), [["alert.attached", true]]);
      assert.deepEqual(await pendingLooks(), before, "no engine look left queued");
      // An acknowledgement by the sender queues the engine's look (stop escalating): it must wake.
      await intake.accept(source, [event("acknowledge", "paged")]);
      assert.deepEqual(await announced({ onPagesDue: () => {} }), [["incident.status_changed", false]]);
      assert.equal((await pendingLooks()).length, before.length + 1, "the look the engine is woken for");
      // Without paging in the batch (no onPagesDue), the new incident's outbox job starts it: wake.
      await intake.accept(source, [event("trigger", "unpaged")]);
      assert.deepEqual(await announced({}), [["alert.attached", false]]);
      assert.equal((await pendingLooks()).length, before.length + 2);
    });

    test("when paging cannot start in the batch, its new incidents are queued for the engine", async () => {
      const warnings: string[] = [];
      const base = appContext(database.db);
      const broken = {
        ...base,
        log: { ...silentLogger, warn: (_o: unknown, message?: string) => warnings.push(message ?? "") },
        // examineIncidents reads the severity policy: make the paging step fail, and only it.
        policy: {
          ...base.policy,
          get severities(): never {
            throw new Error("severity policy unavailable");
          },
        },
      };
      const { service, intake, source } = await setUp(broken);
      await intake.accept(source, [event("trigger", "unpaged-at-first")]);
      const heard: unknown[] = [];
      while ((await processInbox(broken, { onPagesDue: (ids) => heard.push(...ids) })) > 0);
      assert.deepEqual(warnings, ["could not start paging with the alert batch; the engine will"]);
      const [alert] = (await listAlerts(broken, { service })).items;
      assert.ok(alert?.incident, "the alert and its incident were kept");
      const looks = await executeRows(
        base.db,
        sql`select j.key from jobs j join incidents i on j.key = i.id::text
             where j.kind = 'incident.events' and j.state = 'pending' and i.number = ${Number(alert.incident.slice(4))}`,
      );
      assert.equal(looks.length, 1, "the engine's look at the new incident is queued");
      assert.deepEqual(heard, [], "nothing was paged in the batch");
    });

    test("a raw webhook's identical repeats, applied without parsing, end as parsed events do", async () => {
      const ctx = appContext(database.db);
      const firing = groupEvent("firing", "firing");
      const partly = groupEvent("firing", "resolved");
      // Repeats within one commit and across commits (the second from the open-alert memory), a change,
      // the same text again after it, then the incident resolved by hand and the same text once more.
      const commits = [[firing, firing, firing], [firing], [partly, firing], [firing, firing]];
      type Path = "parsed" | "raw" | "raw via the inbox" | "raw, repeats counted in the group commit";
      const storedPerCommit: number[] = [];
      const apply = async (setup: Awaited<ReturnType<typeof setUp>>, path: Path, list: AlertEvent[]) => {
        if (path === "raw, repeats counted in the group commit") {
          // PostgreSQL's path as main.ts sets it: one group commit per list (sent at once).
          await Promise.all(
            list.map((e) => setup.intake.acceptSerialized(setup.source, JSON.stringify(e), e.dedupKey)),
          );
          storedPerCommit.push((await countInbox(ctx.db)).pending);
          while ((await processInbox(ctx, { budgetMs: 60_000 })) > 0);
          ctx.clock.advance(MINUTE);
          return;
        }
        if (path === "raw via the inbox") {
          // PostgreSQL's path: stored as text with its dedup key, applied by the processor.
          for (const e of list)
            await setup.intake.acceptSerialized(setup.source, JSON.stringify(e), e.dedupKey);
          while ((await processInbox(ctx, { budgetMs: 60_000 })) > 0);
          ctx.clock.advance(MINUTE);
          return;
        }
        const raw = path === "raw";
        const rows = list.map((e) => ({
          sourceId: setup.source.id,
          sourceKind: "alertmanager",
          serviceId: setup.source.serviceId,
          kind: "alert" as const,
          event: raw ? new SerializedEvent(JSON.stringify(e), e.dedupKey) : e,
          receivedAt: ctx.clock.now(),
        }));
        const done = await withTransaction(ctx.db, (tx) =>
          applyEventsWithin(ctx, tx, rows, { budgetMs: 60_000 }),
        );
        assert.equal(done.applied, rows.length);
        done.announce();
        ctx.clock.advance(MINUTE);
      };
      const outcome = async (path: Path) => {
        const setup = await setUp(ctx, { countRepeats: path === "raw, repeats counted in the group commit" });
        for (const list of commits) await apply(setup, path, list);
        const [alert] = (await listAlerts(ctx, { service: setup.service })).items;
        assert.ok(alert?.incident);
        const detail = await getAlert(ctx, alert.id);
        const timeline = (await getTimeline(ctx, alert.incident)).events.map((e) => e.kind);
        await changeIncidentStatus(ctx, alert.incident, { status: "resolved" });
        await apply(setup, path, [firing]);
        const after = (await listAlerts(ctx, { service: setup.service })).items;
        return {
          count: alert.event_count,
          status: alert.status,
          members: detail.members.map((m) => [m.fingerprint, m.status]),
          timeline,
          afterHandResolve: after.map((a) => [a.status, a.event_count, a.incident === alert.incident]),
        };
      };
      const parsed = await outcome("parsed");
      assert.equal(parsed.count, 8);
      assert.deepEqual(
        parsed.afterHandResolve,
        [
          ["triggered", 1, false],
          ["resolved", 8, true],
        ],
        "the next trigger after the hand resolve opened a new alert and incident",
      );
      assert.deepEqual(await outcome("raw"), parsed);
      assert.deepEqual(await outcome("raw via the inbox"), parsed);
      assert.deepEqual(await outcome("raw, repeats counted in the group commit"), parsed);
      assert.deepEqual(
        storedPerCommit,
        [3, 0, 2, 0, 1],
        "stored for the processor: the first commit (no alert yet), the one with two texts of the key and the one after the hand resolve; the repeats of the last trigger were counted",
      );
    });

    test("a repeat is not counted while an earlier event of its key waits: it is stored and applies after it", async () => {
      const ctx = appContext(database.db);
      const { service, intake, source } = await setUp(ctx, { countRepeats: true });
      await intake.accept(source, [event("trigger", "k")]);
      while ((await processInbox(ctx)) > 0);
      await intake.accept(source, [event("resolve", "k")]);
      ctx.clock.advance(MINUTE);
      await intake.accept(source, [event("trigger", "k")]);
      assert.equal((await countInbox(ctx.db)).pending, 2, "the repeat waits behind the resolve");
      while ((await processInbox(ctx)) > 0);
      assert.deepEqual(
        (await listAlerts(ctx, { service })).items.map((a) => [a.status, a.event_count]),
        [
          ["triggered", 1],
          ["resolved", 2],
        ],
        "resolved first, then the trigger opened a new alert",
      );
    });

    test("a counted repeat moves its alert's count and last event, and its integration's last event", async () => {
      const ctx = appContext(database.db);
      const { service, intake, source } = await setUp(ctx, { countRepeats: true });
      await intake.accept(source, [event("trigger", "k")]);
      while ((await processInbox(ctx)) > 0);
      ctx.clock.advance(MINUTE);
      const at = ctx.clock.now();
      await Promise.all([1, 2, 3].map(() => intake.accept(source, [event("trigger", "k")])));
      assert.equal((await countInbox(ctx.db)).pending, 0, "nothing left for the processor");
      const [alert] = (await listAlerts(ctx, { service })).items;
      assert.equal(alert?.event_count, 4);
      assert.equal(alert?.last_event_at, at.toISOString());
      const [integration] = await executeRows(
        ctx.db,
        sql`select last_event_at from integrations where id = ${source.id}`,
      );
      assert.equal(new Date(String(integration?.last_event_at)).toISOString(), at.toISOString());
      // A changed text is stored and applied; then its own repeats are counted.
      await intake.accept(source, [event("trigger", "k", "Disk almost full")]);
      assert.equal((await countInbox(ctx.db)).pending, 1);
      while ((await processInbox(ctx)) > 0);
      await intake.accept(source, [event("trigger", "k", "Disk almost full")]);
      assert.equal((await countInbox(ctx.db)).pending, 0);
      const [changed] = (await listAlerts(ctx, { service })).items;
      assert.deepEqual([changed?.summary, changed?.event_count], ["Disk almost full", 6]);
    });

    test("a repeat sent without its text that can no longer be counted is sent again whole and applies", async () => {
      const ctx = appContext(database.db);
      const { service, intake, source } = await setUp(ctx, { countRepeats: true });
      await intake.accept(source, [event("trigger", "disk")]);
      while ((await processInbox(ctx)) > 0);
      await intake.accept(source, [event("trigger", "disk")]);
      assert.equal(
        (await countInbox(ctx.db)).pending,
        0,
        "counted: from now on this text travels without itself",
      );
      const [first] = (await listAlerts(ctx, { service })).items;
      assert.ok(first?.incident);
      // Resolved by hand: the next identical trigger cannot be counted on it, and must not be lost.
      await changeIncidentStatus(ctx, first.incident, { status: "resolved" });
      const before = database.statementCount();
      await intake.accept(source, [event("trigger", "disk")]);
      assert.equal(database.statementCount() - before, 2, "refused without its text, then stored with it");
      assert.equal((await countInbox(ctx.db)).pending, 1);
      while ((await processInbox(ctx)) > 0);
      const alerts = (await listAlerts(ctx, { service })).items;
      assert.deepEqual(
        alerts.map((a) => [a.status, a.event_count]),
        [
          ["triggered", 1],
          ["resolved", 2],
        ],
      );
      assert.notEqual(alerts[0]?.incident, first.incident, "a new incident, not the resolved one");
      // Counted again from the next repeat on.
      await intake.accept(source, [event("trigger", "disk")]);
      await intake.accept(source, [event("trigger", "disk")]);
      assert.equal((await countInbox(ctx.db)).pending, 0);
      assert.equal((await listAlerts(ctx, { service })).items[0]?.event_count, 3);
    });

    test("the processor's write keeps repeats counted on the row since it read it; the last event never moves back", async () => {
      const ctx = appContext(database.db);
      const { service, intake, source } = await setUp(ctx);
      await intake.accept(source, [event("trigger", "k")]);
      while ((await processInbox(ctx)) > 0);
      const [read] = await findOpenAlerts(ctx.db, [{ sourceId: source.id, dedupKey: "k" }]);
      assert.ok(read);
      // Meanwhile a group commit counts 4 repeats, the last a minute on.
      const later = new Date(read.lastEventAt.getTime() + MINUTE);
      await executeRows(
        ctx.db,
        sql`update alerts set event_count = event_count + 4, last_event_at = ${later.toISOString()}::timestamptz
            where id = ${read.id}`,
      );
      // The processor, from its read, counted 2 more (received before the counted ones) and rewrites one.
      const counted = { ...read, eventCount: read.eventCount + 2 };
      await recordRepeats(ctx.db, [counted], new Map([[read.id, read.eventCount]]));
      const resolved = { ...counted, status: "resolved", resolvedAt: later };
      await updateAlerts(ctx.db, [resolved], new Map([[read.id, counted.eventCount]]));
      const [alert] = (await listAlerts(ctx, { service })).items;
      assert.equal(alert?.event_count, 1 + 4 + 2);
      assert.equal(alert?.last_event_at, later.toISOString());
      assert.equal(alert?.status, "resolved");
    });

    // PostgreSQL only: PGlite has one connection, so no other transaction can hold a row.
    if (backend.kind === "postgres")
      test("a group commit never waits for an alert another transaction holds: its repeats are stored instead", {
        timeout: 60_000,
      }, async () => {
        const ctx = appContext(database.db);
        const { service, intake, source } = await setUp(ctx, { countRepeats: true });
        await intake.accept(source, [event("trigger", "k")]);
        while ((await processInbox(ctx)) > 0);
        const other = new (await import("pg")).default.Client({ connectionString: database.url });
        await other.connect();
        try {
          await other.query("begin");
          await other.query("select id from alerts where source_id = $1 for update", [source.id]);
          // Answered while the row is still held: stored for the processor, not counted.
          await intake.accept(source, [event("trigger", "k")]);
          assert.equal((await countInbox(ctx.db)).pending, 1);
          await other.query("commit");
        } finally {
          await other.end();
        }
        while ((await processInbox(ctx)) > 0);
        assert.equal((await listAlerts(ctx, { service })).items[0]?.event_count, 2);
      });

    test("an ack or resolve for an unknown key changes nothing", async () => {
      const ctx = appContext(database.db);
      const { service, intake, source } = await setUp(ctx);
      await intake.accept(source, [event("acknowledge", "never-seen"), event("resolve", "never-seen")]);
      while ((await processInbox(ctx)) > 0);
      assert.deepEqual((await listAlerts(ctx, { service })).items, []);
    });

    test("one event that cannot apply is set aside after its attempts; the others still apply", async () => {
      const ctx = appContext(database.db);
      const { service, intake, source } = await setUp(ctx);
      // A source whose service does not exist: applying its trigger fails on the foreign key.
      const broken = { ...source, id: randomUUID(), serviceId: randomUUID() };
      await intake.accept(source, [event("trigger", "before")]);
      await intake.accept(broken, [event("trigger", "broken")]);
      await intake.accept(source, [event("trigger", "after")]);
      for (let i = 0; i < 10 && (await countInbox(ctx.db)).pending > 0; i++) {
        ctx.clock.advance(MINUTE);
        await processInbox(ctx, { maxAttempts: 3 });
      }
      const keys = (await listAlerts(ctx, { service })).items.map((a) => a.dedup_key).sort();
      assert.deepEqual(keys, ["after", "before"]);
      assert.deepEqual(
        await countInbox(ctx.db),
        { pending: 0, dead: 1 },
        "the broken event is kept, not lost",
      );
    });
  });
}
