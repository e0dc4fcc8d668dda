// The status page's configuration over HTTP, on both storage backends: settings, components and groups,
// scheduled maintenance driven by the engine's clock, and an incident's public title.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { HOUR, MINUTE } from "#domain/time.ts";
import { testBackends } from "#store/testing.ts";
import { T0, uniqueName } from "../helpers/factories.ts";
import { ManualClock, startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;
type Problem = Json & { errors?: { field: string; message: string }[]; detail?: string };
interface Component {
  id: string;
  name: string;
  group_id: string | null;
  is_group: boolean;
  position: number;
  services: string[];
  status: string;
  manual_status: string | null;
  manual_status_by: string | null;
}
interface Maintenance {
  id: string;
  title: string;
  status: string;
  manual_status: string | null;
  scheduled_for: string;
  scheduled_until: string;
  component_ids: string[];
  components: { id: string; name: string }[];
  reminded_at: string | null;
  updates: { id: string; status: string; body: string; created_by: string }[];
}

async function ok<T = Json>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  return JSON.parse(text) as T;
}

async function problem(res: Response, status: number): Promise<Problem> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.match(res.headers.get("content-type") ?? "", /^application\/problem\+json/);
  return JSON.parse(text) as Problem;
}

for (const backend of await testBackends()) {
  describe(`status page configuration over HTTP (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    let clock: ManualClock;
    before(async () => {
      clock = new ManualClock(T0);
      foghorn = await startTestFoghorn(backend.kind, { clock });
    });
    after(async () => {
      await foghorn?.close();
    });

    const components = "/api/v1/status-page/components";
    const maintenances = "/api/v1/status-page/maintenances";

    test("components and groups: create, list, edit, link services, set and clear the status, delete", async () => {
      const svc = uniqueName("payments");
      await ok(await foghorn.api("/api/v1/services", { body: { name: svc } }), 201);

      const group = await ok<Component>(
        await foghorn.api(components, { body: { name: uniqueName("Platform"), is_group: true } }),
        201,
      );
      const payments = await ok<Component>(
        await foghorn.api(components, {
          body: {
            name: uniqueName("Payments"),
            description: "Card payments",
            group_id: group.id,
            services: [svc],
            start_date: "2026-01-01",
          },
        }),
        201,
      );
      assert.match(payments.id, /^[a-z0-9]{12}$/);
      assert.deepEqual(payments.services, [svc]);
      assert.equal(payments.status, "operational");
      assert.equal(payments.group_id, group.id);

      const dup = await problem(
        await foghorn.api(components, { body: { name: payments.name.toUpperCase() } }),
        409,
      );
      assert.match(dup.detail ?? "", /already exists/);
      const unknownSvc = await problem(
        await foghorn.api(components, { body: { name: uniqueName("X"), services: ["no-such-service"] } }),
        422,
      );
      assert.match(unknownSvc.detail ?? "", /no-such-service.*foghorn service create/);
      const badFields = await problem(
        await foghorn.api(components, {
          body: { name: "", start_date: "2026-02-30", position: -1, colour: "red" },
        }),
        422,
      );
      assert.deepEqual(badFields.errors?.map((e) => e.field).sort(), [
        "(body)",
        "name",
        "position",
        "start_date",
      ]);

      const list = await ok<{ components: Component[] }>(await foghorn.api(components));
      const ids = list.components.map((c) => c.id);
      assert.equal(ids.indexOf(payments.id), ids.indexOf(group.id) + 1, "a group's components follow it");

      const renamed = await ok<Component>(
        await foghorn.api(`${components}/${payments.id}`, {
          method: "PATCH",
          body: { name: `${payments.name} EU`, group_id: null },
        }),
      );
      assert.equal(renamed.name, `${payments.name} EU`);
      assert.equal(renamed.group_id, null);

      // An incident on the linked service shows on the component.
      const incident = await ok<Json>(
        await foghorn.api("/api/v1/incidents", {
          body: { title: "Card declines", severity: "SEV1", affected_services: [svc] },
        }),
        201,
      );
      assert.equal(
        (await ok<Component>(await foghorn.api(`${components}/${payments.id}`))).status,
        "major_outage",
      );

      const set = await ok<Component>(
        await foghorn.api(`${components}/${payments.id}/status`, {
          method: "PUT",
          body: { status: "partial_outage" },
        }),
      );
      assert.equal(set.status, "partial_outage");
      assert.equal(set.manual_status_by, "admin");
      const bad = await problem(
        await foghorn.api(`${components}/${payments.id}/status`, {
          method: "PUT",
          body: { status: "broken" },
        }),
        422,
      );
      assert.equal(bad.errors?.[0]?.field, "status");
      const cleared = await ok<Component>(
        await foghorn.api(`${components}/${payments.id}/status`, { method: "PUT", body: { status: null } }),
      );
      assert.equal(cleared.manual_status, null);
      assert.equal(cleared.status, "major_outage", "back to what the incident says");
      await ok(
        await foghorn.api(`/api/v1/incidents/${incident.id}/status`, { body: { status: "resolved" } }),
      );
      assert.equal(
        (await ok<Component>(await foghorn.api(`${components}/${payments.id}`))).status,
        "operational",
      );

      const del = await foghorn.api(`${components}/${group.id}`, { method: "DELETE" });
      assert.equal(del.status, 204);
      await problem(await foghorn.api(`${components}/${group.id}`), 404);
      await problem(await foghorn.api(`${components}/${group.id}`, { method: "DELETE" }), 404);
    });

    test("settings: read, change, and a 422 listing every bad field", async () => {
      const settings = await ok<Json>(await foghorn.api("/api/v1/status-page/settings"));
      assert.equal(typeof settings.effective_url, "string");
      assert.match(String(settings.effective_url), /\/status$/);

      const bad = await problem(
        await foghorn.api("/api/v1/status-page/settings", {
          method: "PATCH",
          body: {
            brand_color: "#12345",
            time_zone: "Nowhere/Land",
            custom_domain: "status.example.com:443",
            logo_url: "javascript:alert(1)",
            footer_links: [{ label: "", url: "https://example.com" }],
            unknown: 1,
          },
        }),
        422,
      );
      assert.deepEqual(bad.errors?.map((e) => e.field).sort(), [
        "(body)",
        "brand_color",
        "custom_domain",
        "footer_links.0.label",
        "logo_url",
        "time_zone",
      ]);
      for (const e of bad.errors ?? []) assert.ok(e.message.length > 10, `${e.field}: a useful message`);

      const changed = await ok<Json>(
        await foghorn.api("/api/v1/status-page/settings", {
          method: "PATCH",
          body: { name: "Example status", custom_domain: "status.example.com", time_zone: "Europe/Berlin" },
        }),
      );
      assert.equal(changed.name, "Example status");
      assert.equal(changed.custom_domain, "status.example.com");
      assert.equal(changed.effective_url, "https://status.example.com");
      await ok(
        await foghorn.api("/api/v1/status-page/settings", {
          method: "PATCH",
          body: { custom_domain: null, time_zone: "UTC" },
        }),
      );
    });

    test("maintenance: scheduled, in progress and completed by the engine's clock; updates; edit; cancel", async () => {
      const api = await ok<Component>(
        await foghorn.api(components, { body: { name: uniqueName("API") } }),
        201,
      );
      const start = new Date(clock.now().getTime() + 2 * HOUR);
      const end = new Date(start.getTime() + HOUR);
      const created = await ok<Maintenance>(
        await foghorn.api(maintenances, {
          body: {
            title: "Database upgrade",
            body: "Read-only for 10 minutes.",
            scheduled_for: start.toISOString(),
            scheduled_until: end.toISOString(),
            component_ids: [api.id],
          },
        }),
        201,
      );
      assert.equal(created.status, "scheduled");
      assert.deepEqual(created.components, [{ id: api.id, name: api.name }]);
      const upcoming = await ok<{ maintenances: Maintenance[] }>(
        await foghorn.api(`${maintenances}?state=upcoming`),
      );
      assert.ok(upcoming.maintenances.some((m) => m.id === created.id));
      await problem(await foghorn.api(`${maintenances}?state=later`), 422);

      const noOrder = await problem(
        await foghorn.api(maintenances, {
          body: { title: "x", scheduled_for: end.toISOString(), scheduled_until: start.toISOString() },
        }),
        422,
      );
      assert.deepEqual(noOrder.errors, [
        { field: "scheduled_until", message: "must be after scheduled_for" },
      ]);

      const edited = await ok<Maintenance>(
        await foghorn.api(`${maintenances}/${created.id}`, {
          method: "PATCH",
          body: { title: "Postgres 17 upgrade" },
        }),
      );
      assert.equal(edited.title, "Postgres 17 upgrade");

      clock.advance(HOUR + 5 * MINUTE);
      await foghorn.pagingIdle();
      assert.ok((await ok<Maintenance>(await foghorn.api(`${maintenances}/${created.id}`))).reminded_at);

      clock.advance(HOUR);
      await foghorn.pagingIdle();
      const started = await ok<Maintenance>(await foghorn.api(`${maintenances}/${created.id}`));
      assert.equal(started.status, "in_progress");
      assert.equal(started.updates[0]?.body, "Scheduled maintenance is now in progress.");
      assert.equal(
        (await ok<Component>(await foghorn.api(`${components}/${api.id}`))).status,
        "under_maintenance",
      );
      const active = await ok<{ maintenances: Maintenance[] }>(
        await foghorn.api(`${maintenances}?state=active`),
      );
      assert.ok(active.maintenances.some((m) => m.id === created.id));

      const moveStart = await problem(
        await foghorn.api(`${maintenances}/${created.id}`, {
          method: "PATCH",
          body: { scheduled_for: new Date(start.getTime() + 10 * HOUR).toISOString() },
        }),
        409,
      );
      assert.match(moveStart.detail ?? "", /has started/);

      clock.advance(MINUTE);
      const verifying = await ok<Maintenance>(
        await foghorn.api(`${maintenances}/${created.id}/updates`, {
          body: { body: "Upgrade done, verifying.", status: "verifying" },
        }),
        201,
      );
      assert.equal(verifying.status, "verifying");
      assert.deepEqual(
        verifying.updates[0] && [verifying.updates[0].status, verifying.updates[0].created_by],
        ["verifying", "admin"],
      );

      clock.advance(HOUR);
      await foghorn.pagingIdle();
      assert.equal(
        (await ok<Maintenance>(await foghorn.api(`${maintenances}/${created.id}`))).status,
        "verifying",
      );
      const done = await ok<Maintenance>(
        await foghorn.api(`${maintenances}/${created.id}/updates`, {
          body: { body: "All done.", status: "completed" },
        }),
        201,
      );
      assert.equal(done.status, "completed");
      assert.deepEqual(
        done.updates.map((u) => u.status),
        ["completed", "verifying", "in_progress", "scheduled"],
      );
      const past = await ok<{ maintenances: Maintenance[] }>(await foghorn.api(`${maintenances}?state=past`));
      assert.ok(past.maintenances.some((m) => m.id === created.id));
      assert.equal((await ok<Component>(await foghorn.api(`${components}/${api.id}`))).status, "operational");

      // A local time is read in the zone given; cancelling removes it.
      const local = await ok<Maintenance>(
        await foghorn.api(maintenances, {
          body: {
            title: "Christmas work",
            scheduled_for: "2026-12-24T22:00",
            scheduled_until: "2026-12-24T23:00",
            time_zone: "Europe/Berlin",
            notify: false,
          },
        }),
        201,
      );
      assert.equal(local.scheduled_for, "2026-12-24T21:00:00.000Z");
      assert.equal((await foghorn.api(`${maintenances}/${local.id}`, { method: "DELETE" })).status, 204);
      await problem(await foghorn.api(`${maintenances}/${local.id}`), 404);
    });

    test("an incident's public title over PATCH", async () => {
      const incident = await ok<Json>(
        await foghorn.api("/api/v1/incidents", {
          body: { title: "kafka-eu-3 ISR shrink", severity: "SEV3" },
        }),
        201,
      );
      assert.equal(incident.public_title, null);
      const set = await ok<Json>(
        await foghorn.api(`/api/v1/incidents/${incident.id}`, {
          method: "PATCH",
          body: { public_title: "Delayed notifications" },
        }),
      );
      assert.equal(set.public_title, "Delayed notifications");
      const tooLong = await problem(
        await foghorn.api(`/api/v1/incidents/${incident.id}`, {
          method: "PATCH",
          body: { public_title: "x".repeat(201) },
        }),
        422,
      );
      assert.equal(tooLong.errors?.[0]?.field, "public_title");
      const cleared = await ok<Json>(
        await foghorn.api(`/api/v1/incidents/${incident.id}`, {
          method: "PATCH",
          body: { public_title: null },
        }),
      );
      assert.equal(cleared.public_title, null);
    });
  });
}
