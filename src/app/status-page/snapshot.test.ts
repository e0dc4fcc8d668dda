import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { eq, sql } from "drizzle-orm";
import { pageUrl, publicIdOf } from "#domain/status-page/status.ts";
import { DAY, HOUR, MINUTE } from "#domain/time.ts";
import { executeRows } from "#store/rows.ts";
import {
  services,
  statusComponentChanges,
  statusComponentServices,
  statusComponents,
  statusMaintenances,
  statusMaintenanceUpdates,
  statusPageSettings,
} from "#store/schema/index.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import {
  appContext,
  declareTestIncident,
  type TestContext,
  uniqueName,
} from "../../../test/helpers/factories.ts";
import { changeIncidentStatus } from "../incidents/change-status.ts";
import { postStatusUpdate } from "../incidents/records.ts";
import { savePostmortem } from "../postmortems/save.ts";
import { startPostmortem } from "../postmortems/start.ts";
import { changePostmortemStatus } from "../postmortems/status.ts";
import { buildStatusData, publicPostmortemBody, readStatusData } from "./snapshot.ts";

const ID = () =>
  Math.random().toString(36).slice(2, 8).padEnd(6, "x") +
  Math.random().toString(36).slice(2, 8).padEnd(6, "y");

/** A component on the page standing for `serviceNames` (rows as the admin use cases write them). */
async function addComponent(
  ctx: TestContext,
  name: string,
  opts: { serviceNames?: string[]; groupId?: string; isGroup?: boolean; position?: number } = {},
): Promise<string> {
  const id = ID();
  const now = ctx.clock.now();
  await ctx.db.insert(statusComponents).values({
    id,
    name,
    groupId: opts.groupId ?? null,
    isGroup: opts.isGroup ?? false,
    position: opts.position ?? 0,
    createdAt: now,
    updatedAt: now,
  });
  for (const serviceName of opts.serviceNames ?? []) {
    const [service] = await ctx.db.select().from(services).where(eq(services.name, serviceName));
    assert.ok(service, `service ${serviceName} exists`);
    await ctx.db.insert(statusComponentServices).values({ componentId: id, serviceId: service.id });
  }
  return id;
}

async function setManual(ctx: TestContext, componentId: string, status: string | null) {
  const at = ctx.clock.now();
  await ctx.db
    .update(statusComponents)
    .set({ manualStatus: status, manualStatusAt: status ? at : null, manualStatusBy: "alice", updatedAt: at })
    .where(eq(statusComponents.id, componentId));
  await ctx.db
    .insert(statusComponentChanges)
    .values({ id: randomUUID(), componentId, manualStatus: status, changedBy: "alice", at });
}

for (const backend of await testBackends()) {
  describe(`status page data (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    test("an incident with external updates is public; internal updates and internal titles never are", async () => {
      const ctx = appContext(database.db, { actor: "nina" });
      const service = uniqueName("checkout");
      const incident = await declareTestIncident(ctx, {
        title: "pgbouncer pool exhausted on db-7",
        severity: "SEV1",
        affected_services: [service],
      });
      const api = await addComponent(ctx, uniqueName("Checkout"), { serviceNames: [service] });

      // Declared but nothing said publicly yet: the component shows the outage, the incident list does not.
      let data = await readStatusData({
        db: ctx.db,
        clock: ctx.clock,
        publicUrl: "https://foghorn.example.com",
      });
      assert.equal(data.components.find((c) => c.id === api)?.status, "major_outage");
      assert.equal(data.incidents.length, 0);

      ctx.clock.advance(2 * MINUTE);
      await postStatusUpdate(ctx, incident.id, {
        message: "INTERNAL: db-7 pgbouncer maxed, paging DBA",
        visibility: "internal",
      });
      ctx.clock.advance(MINUTE);
      await postStatusUpdate(ctx, incident.id, {
        message: "Checkout is failing for some customers. We are investigating.",
        visibility: "external",
      });
      await database.db.execute(
        sql`update incidents set public_title = 'Checkout errors' where id = (select id from incidents where number = ${Number(incident.id.slice(4))})`,
      );

      data = await readStatusData({ db: ctx.db, clock: ctx.clock, publicUrl: "https://foghorn.example.com" });
      assert.equal(data.incidents.length, 1);
      const [pub] = data.incidents;
      assert.ok(pub);
      assert.match(pub.id, /^[a-z0-9]{12}$/);
      assert.equal(pub.name, "Checkout errors");
      assert.equal(pub.status, "investigating");
      assert.equal(pub.impact, "critical");
      assert.equal(pub.shortlink, `https://foghorn.example.com/status/incidents/${pub.id}`);
      assert.deepEqual(pub.componentIds, [api]);
      assert.deepEqual(
        pub.updates.map((u) => [u.status, u.body]),
        [["investigating", "Checkout is failing for some customers. We are investigating."]],
      );
      assert.equal(pub.postmortem, null);
      assert.equal(pub.responders, undefined, "responder names are not shown unless the page says so");
      const everything = JSON.stringify(data);
      for (const secret of ["INTERNAL", "pgbouncer", "db-7", incident.id, "nina", "alice"])
        assert.ok(!everything.includes(secret), `${secret} leaked into the public data`);

      // Resolved, then a published postmortem: public status "postmortem", its public sections only.
      ctx.clock.advance(30 * MINUTE);
      await postStatusUpdate(ctx, incident.id, {
        message: "Fixed.",
        status: "monitoring",
        visibility: "external",
      });
      ctx.clock.advance(30 * MINUTE);
      await changeIncidentStatus(ctx, incident.id, { status: "resolved" });
      await postStatusUpdate(ctx, incident.id, { message: "Resolved.", visibility: "external" });
      data = await readStatusData({ db: ctx.db, clock: ctx.clock });
      const resolved = data.incidents[0];
      assert.equal(resolved?.status, "resolved");
      assert.equal(resolved?.resolvedAt?.toISOString(), ctx.clock.now().toISOString());
      assert.ok(resolved?.monitoringAt);
      assert.equal(data.components.find((c) => c.id === api)?.status, "operational");
      const today = data.components.find((c) => c.id === api)?.uptime.at(-1);
      assert.equal(today?.worst, "major_outage", "today's bar shows the outage");

      ctx.clock.advance(HOUR);
      await startPostmortem(ctx, incident.id);
      await savePostmortem(ctx, incident.id, {
        version: 1,
        sections: {
          summary: "Checkout failed for 63 minutes.",
          root_cause: "A connection pool was too small.",
          went_poorly: "INTERNAL retro notes",
          lessons_learned: "Alert on pool saturation.",
        },
      });
      await changePostmortemStatus(ctx, incident.id, { status: "in_review" });
      await changePostmortemStatus(ctx, incident.id, { status: "published" });
      data = await readStatusData({ db: ctx.db, clock: ctx.clock });
      const withPm = data.incidents[0];
      assert.equal(withPm?.status, "postmortem");
      assert.match(withPm?.postmortem?.body ?? "", /## Summary\n\nCheckout failed for 63 minutes\./);
      assert.match(withPm?.postmortem?.body ?? "", /## Root cause/);
      assert.ok(!withPm?.postmortem?.body.includes("INTERNAL"), "went_poorly is not public");
    });

    test("responder names appear only when the page is set to show them", async () => {
      const ctx = appContext(database.db, { actor: "nina" });
      const incident = await declareTestIncident(ctx, { assignee: "omar", severity: "SEV3" });
      await postStatusUpdate(ctx, incident.id, { message: "Looking into it.", visibility: "external" });
      const find = async () =>
        (await readStatusData({ db: ctx.db, clock: ctx.clock })).incidents.find(
          (i) => i.id === publicIdOf((incidentRow as { id: string }).id),
        );
      const [incidentRow] = await executeRows(
        ctx.db,
        sql`select id::text as id from incidents where number = ${Number(incident.id.slice(4))}`,
      );
      assert.equal((await find())?.responders, undefined);
      await ctx.db
        .update(statusPageSettings)
        .set({ showResponders: true })
        .where(eq(statusPageSettings.id, 1));
      try {
        assert.deepEqual((await find())?.responders, ["omar"]);
      } finally {
        await ctx.db
          .update(statusPageSettings)
          .set({ showResponders: false })
          .where(eq(statusPageSettings.id, 1));
      }
    });

    test("groups, hand-set statuses and maintenance in progress give each component its status", async () => {
      const ctx = appContext(database.db);
      const group = await addComponent(ctx, uniqueName("Group"), { isGroup: true, position: 90 });
      const web = await addComponent(ctx, uniqueName("Web"), { groupId: group, position: 2 });
      const db = await addComponent(ctx, uniqueName("Database"), { groupId: group, position: 1 });
      ctx.clock.advance(DAY);
      await setManual(ctx, web, "degraded_performance");
      const start = ctx.clock.now();
      const maintenanceId = ID();
      await ctx.db.insert(statusMaintenances).values({
        id: maintenanceId,
        title: "Database upgrade",
        body: "Read-only for a few minutes.",
        scheduledFor: new Date(start.getTime() + HOUR),
        scheduledUntil: new Date(start.getTime() + 3 * HOUR),
        componentIds: [db, "gone00000000"],
        createdBy: "alice",
        createdAt: start,
        updatedAt: start,
      });

      let data = await readStatusData({ db: ctx.db, clock: ctx.clock });
      const order = data.components.map((c) => c.id);
      assert.deepEqual(order.slice(order.indexOf(group), order.indexOf(group) + 3), [group, db, web]);
      assert.deepEqual(data.components.find((c) => c.id === group)?.childIds, [db, web]);
      assert.equal(data.components.find((c) => c.id === web)?.status, "degraded_performance");
      assert.equal(data.components.find((c) => c.id === group)?.status, "degraded_performance");
      const m = data.maintenances.find((x) => x.id === maintenanceId);
      assert.equal(m?.status, "scheduled");
      assert.deepEqual(m?.componentIds, [db], "a deleted component drops out");
      assert.equal(m?.shortlink, `/status/maintenances/${maintenanceId}`);

      ctx.clock.advance(90 * MINUTE);
      await ctx.db.insert(statusMaintenanceUpdates).values({
        id: ID(),
        maintenanceId,
        status: "in_progress",
        body: "Started.",
        createdBy: "foghorn",
        createdAt: ctx.clock.now(),
      });
      await setManual(ctx, web, null);
      data = await readStatusData({ db: ctx.db, clock: ctx.clock });
      assert.equal(data.maintenances.find((x) => x.id === maintenanceId)?.status, "in_progress");
      assert.equal(data.components.find((c) => c.id === db)?.status, "under_maintenance");
      assert.equal(data.components.find((c) => c.id === web)?.status, "operational");
      assert.equal(data.components.find((c) => c.id === group)?.status, "under_maintenance");
      const webToday = data.components.find((c) => c.id === web)?.uptime.at(-1);
      assert.equal(webToday?.worst, "degraded_performance", "the hand-set span shows on today's bar");

      ctx.clock.advance(2 * HOUR);
      data = await readStatusData({ db: ctx.db, clock: ctx.clock });
      const done = data.maintenances.find((x) => x.id === maintenanceId);
      assert.equal(done?.status, "completed");
      assert.equal(done?.resolvedAt?.getTime(), start.getTime() + 3 * HOUR);
      assert.equal(data.components.find((c) => c.id === db)?.status, "operational");
    });

    test("one read is a constant handful of statements, however much there is", async () => {
      const ctx = appContext(database.db);
      const before = database.statementCount();
      await readStatusData({ db: ctx.db, clock: ctx.clock });
      const one = database.statementCount() - before;
      for (let i = 0; i < 5; i++) {
        const incident = await declareTestIncident(ctx);
        await postStatusUpdate(ctx, incident.id, { message: `update ${i}`, visibility: "external" });
      }
      const again = database.statementCount();
      await readStatusData({ db: ctx.db, clock: ctx.clock });
      assert.equal(database.statementCount() - again, one);
      assert.ok(one <= 9, `${one} statements (6 reads + begin, its isolation level and commit expected)`);
    });
  });
}

describe("status page rules on read rows", () => {
  test("the page URL: configured, else the custom domain, else <publicUrl>/status", () => {
    assert.equal(
      pageUrl({ url: "https://status.acme.com/", customDomain: null }, "http://x"),
      "https://status.acme.com",
    );
    assert.equal(
      pageUrl({ url: null, customDomain: "status.acme.com" }, "http://x"),
      "https://status.acme.com",
    );
    assert.equal(
      pageUrl({ url: null, customDomain: null }, "https://foghorn.acme.com/"),
      "https://foghorn.acme.com/status",
    );
  });

  test("a postmortem's public body: summary, impact, root cause, resolution, lessons; nothing else", () => {
    const body = publicPostmortemBody({
      summary: "S",
      impact: {
        customers: "All EU",
        symptom: "500s",
        revenue: "INTERNAL €",
        data_integrity: { level: "none", text: "" },
      },
      root_cause: "R",
      five_whys: [{ why: "INTERNAL why", because: "x" }],
      resolution: "Fix",
      went_well: "INTERNAL",
      lessons_learned: "L",
    });
    assert.equal(
      body,
      "## Summary\n\nS\n\n## Impact\n\nAll EU\n\n500s\n\n## Root cause\n\nR\n\n## Resolution\n\nFix\n\n## Lessons learned\n\nL",
    );
  });

  test("an incident whose latest external update says resolved but is reopened shows what the update says", () => {
    const now = new Date("2026-03-02T10:00:00Z");
    const data = buildStatusData(
      {
        settings: {
          name: "Acme",
          url: null,
          logoUrl: null,
          brandColor: "#2563eb",
          timeZone: "UTC",
          customDomain: null,
          footerLinks: [],
          showResponders: false,
          componentStatusBySeverity: {},
          updatedAt: now,
        },
        components: [],
        incidentSpans: [],
        manualSpans: [],
        incidents: [
          {
            id: "00000000-0000-4000-8000-000000000001",
            title: "T",
            publicTitle: "  ",
            severity: "SEV2",
            status: "investigating",
            createdAt: now,
            resolvedAt: null,
            closedAt: null,
            lastExternalAt: now,
            updates: [
              { id: "00000000-0000-4000-8000-0000000000aa", status: "identified", body: "b", createdAt: now },
            ],
            serviceIds: [],
            postmortem: null,
            responders: null,
          },
        ],
        maintenances: [],
      },
      now,
      "http://127.0.0.1:8080",
    );
    assert.equal(data.incidents[0]?.name, "T", "a blank public title falls back to the title");
    assert.equal(data.incidents[0]?.status, "identified");
    assert.equal(data.incidents[0]?.impact, "major");
    assert.equal(data.incidents[0]?.updates[0]?.id, publicIdOf("00000000-0000-4000-8000-0000000000aa"));
    assert.equal(data.page.url, "http://127.0.0.1:8080/status");
  });
});
