// The status page's configuration on both storages: components and groups, what sets their status, the
// settings, and an incident's public title.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { MINUTE } from "#domain/time.ts";
import { listComponentChanges } from "#store/status-page.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import {
  actingAs,
  appContext,
  declareTestIncident,
  expectAppError,
  uniqueName,
} from "../../../test/helpers/factories.ts";
import { createService } from "../alerts/services.ts";
import { changeIncidentStatus } from "../incidents/change-status.ts";
import { getIncident } from "../incidents/get.ts";
import { getTimeline } from "../incidents/timeline.ts";
import { updateIncident } from "../incidents/update.ts";
import {
  createComponent,
  deleteComponent,
  getComponent,
  listComponents,
  setComponentStatus,
  updateComponent,
} from "./components.ts";
import { getStatusPageSettings, updateStatusPageSettings } from "./settings.ts";

for (const backend of await testBackends()) {
  describe(`status page configuration (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    test("components and groups: display order, group rules, unique names, deleting a group", async () => {
      const ctx = appContext(database.db, { actor: "nina" });
      const group = await createComponent(ctx, { name: uniqueName("Core"), is_group: true, position: 500 });
      assert.match(group.id, /^[a-z0-9]{12}$/);
      assert.equal(group.is_group, true);
      const b = await createComponent(ctx, { name: uniqueName("B-api"), group_id: group.id });
      const a = await createComponent(ctx, { name: uniqueName("A-web"), group_id: group.id, position: 0 });
      assert.equal(b.position, 0, "the first component of a group goes first");
      assert.equal(a.position, 0);
      const listed = (await listComponents(ctx)).components.map((c) => c.id);
      const at = listed.indexOf(group.id);
      assert.deepEqual(
        listed.slice(at, at + 3),
        [group.id, a.id, b.id],
        "a group, then its components by position and name",
      );

      const conflict = await expectAppError(createComponent(ctx, { name: a.name.toUpperCase() }), "CONFLICT");
      assert.match(conflict.detail, /already exists/);
      assert.equal(conflict.fields[0]?.field, "name");
      await expectAppError(updateComponent(ctx, b.id, { name: a.name }), "CONFLICT");

      const nested = await expectAppError(
        createComponent(ctx, { name: uniqueName("Nested"), is_group: true, group_id: group.id }),
        "INVALID_INPUT",
      );
      assert.match(nested.fields[0]?.message ?? "", /a group cannot be in a group/);
      const notGroup = await expectAppError(
        createComponent(ctx, { name: uniqueName("C"), group_id: a.id }),
        "INVALID_INPUT",
      );
      assert.match(notGroup.fields[0]?.message ?? "", /is a component, not a group/);
      await expectAppError(updateComponent(ctx, group.id, { is_group: false }), "INVALID_INPUT");
      await expectAppError(setComponentStatus(ctx, group.id, { status: "major_outage" }), "INVALID_INPUT");

      // Found by name too, ignoring case.
      assert.equal((await getComponent(ctx, a.name.toLowerCase())).id, a.id);

      await deleteComponent(ctx, group.id);
      await expectAppError(getComponent(ctx, group.id), "NOT_FOUND");
      const after = (await listComponents(ctx)).components;
      const moved = after.filter((c) => c.id === a.id || c.id === b.id);
      assert.deepEqual(
        moved.map((c) => [c.id, c.group_id]),
        [
          [a.id, null],
          [b.id, null],
        ],
        "its components move to the top level, in their order",
      );
    });

    test("linked services: an open incident sets the status by severity; a hand-set status wins until cleared", async () => {
      const ctx = appContext(database.db, { actor: "nina" });
      const svc = uniqueName("checkout");
      await createService(ctx, { name: svc });
      const unknown = await expectAppError(
        createComponent(ctx, { name: uniqueName("Checkout"), services: [svc, "no-such-svc", "nor-this"] }),
        "INVALID_INPUT",
      );
      assert.match(unknown.detail, /"no-such-svc", "nor-this"/);
      assert.match(unknown.detail, /foghorn service create no-such-svc/);
      assert.equal(unknown.fields.length, 2);

      const c = await createComponent(ctx, { name: uniqueName("Checkout"), services: [svc.toUpperCase()] });
      assert.deepEqual(c.services, [svc]);
      assert.equal(c.status, "operational");

      const incident = await declareTestIncident(ctx, { affected_services: [svc], severity: "SEV2" });
      assert.equal((await getComponent(ctx, c.id)).status, "partial_outage");
      await updateStatusPageSettings(ctx, { component_status_by_severity: { SEV2: "major_outage" } });
      assert.equal((await getComponent(ctx, c.id)).status, "major_outage", "the settings' map applies");
      await updateStatusPageSettings(ctx, { component_status_by_severity: { SEV2: "partial_outage" } });

      ctx.clock.advance(5 * MINUTE);
      const bob = actingAs(ctx, "bob");
      const set = await setComponentStatus(bob, c.id, { status: "degraded_performance" });
      assert.equal(set.status, "degraded_performance", "a hand-set status wins, even over a worse incident");
      assert.equal(set.manual_status, "degraded_performance");
      assert.equal(set.manual_status_by, "bob");
      assert.equal(set.manual_status_at, ctx.clock.now().toISOString());
      await setComponentStatus(bob, c.id, { status: "degraded_performance" }); // the same again: no change

      ctx.clock.advance(5 * MINUTE);
      const cleared = await setComponentStatus(ctx, c.id, { status: null });
      assert.equal(cleared.manual_status, null);
      assert.equal(cleared.manual_status_by, null);
      assert.equal(cleared.status, "partial_outage", "back to what the incident says");
      const log = await listComponentChanges(database.db, c.id);
      assert.deepEqual(
        log.map((l) => [l.manualStatus, l.changedBy]),
        [
          ["degraded_performance", "bob"],
          [null, "nina"],
        ],
      );
      await expectAppError(setComponentStatus(ctx, c.id, { status: "down" }), "INVALID_INPUT");

      await changeIncidentStatus(ctx, incident.id, { status: "resolved" });
      assert.equal(
        (await getComponent(ctx, c.id)).status,
        "operational",
        "a resolved incident no longer counts",
      );

      const unlinked = await updateComponent(ctx, c.id, { services: [] });
      assert.deepEqual(unlinked.services, []);
    });

    test("settings: read, change, every invalid field named", async () => {
      const ctx = appContext(database.db, { actor: "nina" });
      const initial = await getStatusPageSettings({ ...ctx, publicUrl: "https://foghorn.example.com/" });
      assert.equal(initial.effective_url, "https://foghorn.example.com/status");
      assert.equal(initial.brand_color, "#2563eb");
      assert.equal(initial.component_status_by_severity.SEV1, "major_outage");

      const changed = await updateStatusPageSettings(ctx, {
        name: "Acme status",
        brand_color: "#AA00FF",
        time_zone: "Europe/Berlin",
        custom_domain: "Status.Acme.example.",
        footer_links: [{ label: "Home", url: "https://acme.example" }],
        logo_url: "https://acme.example/logo.svg",
        show_responders: true,
      });
      assert.equal(changed.name, "Acme status");
      assert.equal(changed.brand_color, "#aa00ff");
      assert.equal(changed.custom_domain, "status.acme.example");
      assert.equal(changed.effective_url, "https://status.acme.example");
      assert.deepEqual(changed.footer_links, [{ label: "Home", url: "https://acme.example" }]);

      const bad = await expectAppError(
        updateStatusPageSettings(ctx, {
          brand_color: "blue",
          time_zone: "Europe/Atlantis",
          custom_domain: "https://status.acme.example/path",
          footer_links: [{ label: "x", url: "javascript:alert(1)" }],
          logo_url: "ftp://acme.example/logo.png",
          component_status_by_severity: { SEV1: "down" },
        }),
        "INVALID_INPUT",
      );
      assert.deepEqual(bad.fields.map((f) => f.field).sort(), [
        "brand_color",
        "component_status_by_severity.SEV1",
        "custom_domain",
        "footer_links.0.url",
        "logo_url",
        "time_zone",
      ]);
      for (const [domain, why] of [
        ["status.acme.example:8443", /port/],
        ["status.acme.example/x", /path/],
        ["http://status.acme.example", /scheme/],
        ["bad_host!", /host name/],
      ] as const) {
        const e = await expectAppError(
          updateStatusPageSettings(ctx, { custom_domain: domain }),
          "INVALID_INPUT",
        );
        assert.match(e.fields[0]?.message ?? "", why, domain);
      }
      await expectAppError(updateStatusPageSettings(ctx, {}), "INVALID_INPUT");
      assert.equal((await getStatusPageSettings(ctx)).name, "Acme status", "refused changes wrote nothing");
      const cleared = await updateStatusPageSettings(ctx, { custom_domain: null });
      assert.equal(cleared.custom_domain, null);
    });

    test("an incident's public title: set, shown, recorded on the timeline, cleared", async () => {
      const ctx = appContext(database.db, { actor: "nina" });
      const incident = await declareTestIncident(ctx);
      assert.equal(incident.public_title, null);
      const set = await updateIncident(ctx, incident.id, { public_title: "  Slow exports  " });
      assert.equal(set.public_title, "Slow exports");
      assert.equal(set.title, incident.title, "the internal title stays");
      const events = (await getTimeline(ctx, incident.id)).events;
      const last = events.at(-1);
      assert.equal(last?.kind, "incident.updated");
      assert.deepEqual((last?.data.changes as Record<string, unknown> | undefined)?.public_title, {
        from: null,
        to: "Slow exports",
      });
      await expectAppError(
        updateIncident(ctx, incident.id, { public_title: "x".repeat(201) }),
        "INVALID_INPUT",
      );
      const cleared = await updateIncident(ctx, incident.id, { public_title: null });
      assert.equal(cleared.public_title, null);
      assert.equal((await getIncident(ctx, incident.id)).public_title, null);
    });
  });
}
