// Custom fields and incident types over HTTP, on both storage backends: CRUD, problem bodies, the list filter.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { testBackends } from "#store/testing.ts";
import { T0, uniqueName } from "../helpers/factories.ts";
import { ManualClock, startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;
type Problem = Json & { errors?: { field: string; message: string }[] };

async function body<T = Json>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  return JSON.parse(text) as T;
}

async function problem(res: Response, status: number, code: string): Promise<Problem> {
  assert.match(res.headers.get("content-type") ?? "", /^application\/problem\+json/);
  const p = await body<Problem>(res, status);
  assert.equal(p.code, code);
  return p;
}

const key = (prefix: string) => `${prefix}_${randomBytes(4).toString("hex")}`;

for (const backend of await testBackends()) {
  describe(`custom fields and incident types over HTTP (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    before(async () => {
      foghorn = await startTestFoghorn(backend.kind, { clock: new ManualClock(T0) });
    });
    after(async () => {
      await foghorn?.close();
    });

    test("custom fields: create, list, patch, delete; bad input answers 422 naming each field", async () => {
      const tier = key("tier");
      const created = await body(
        await foghorn.api("/api/v1/custom-fields", {
          body: { key: tier, label: "Customer tier", kind: "select", options: ["gold", "silver"] },
        }),
        201,
      );
      assert.equal(created.key, tier);
      const list = await body<{ items: Json[] }>(await foghorn.api("/api/v1/custom-fields"), 200);
      assert.ok(list.items.some((f) => f.key === tier));
      const patched = await body(
        await foghorn.api(`/api/v1/custom-fields/${tier}`, {
          method: "PATCH",
          body: { options: ["gold", "silver", "bronze"], label: "Tier" },
        }),
        200,
      );
      assert.deepEqual(patched.options, ["gold", "silver", "bronze"]);
      assert.equal((await body(await foghorn.api(`/api/v1/custom-fields/${tier}`), 200)).label, "Tier");
      const bad = await problem(
        await foghorn.api("/api/v1/custom-fields", { body: { key: "Bad Key", label: "x", kind: "colour" } }),
        422,
        "INVALID_INPUT",
      );
      assert.deepEqual(bad.errors?.map((e) => e.field).sort(), ["key", "kind"]);
      await problem(
        await foghorn.api("/api/v1/custom-fields", { body: { key: tier, label: "x", kind: "text" } }),
        409,
        "CONFLICT",
      );
      await problem(
        await foghorn.api("/api/v1/custom-fields/no_such", { method: "DELETE" }),
        404,
        "NOT_FOUND",
      );

      const incident = await body(
        await foghorn.api("/api/v1/incidents", {
          body: { title: "Gold customer down", severity: "SEV2", custom_fields: { [tier]: "gold" } },
        }),
        201,
      );
      const refused = await problem(
        await foghorn.api(`/api/v1/custom-fields/${tier}`, { method: "DELETE" }),
        409,
        "CONFLICT",
      );
      assert.match(String(refused.detail), /force/);
      const forced = await body(
        await foghorn.api(`/api/v1/custom-fields/${tier}?force=true`, { method: "DELETE" }),
        200,
      );
      assert.equal(forced.values_removed, 1);
      const after = await body(await foghorn.api(`/api/v1/incidents/${incident.id}`), 200);
      assert.deepEqual(after.custom_fields, {});
    });

    test("incident types: CRUD by name, declare with a type, filter the list by type and field", async () => {
      const tier = key("tier");
      await body(
        await foghorn.api("/api/v1/custom-fields", {
          body: { key: tier, label: "Customer tier", kind: "select", options: ["gold", "silver"] },
        }),
        201,
      );
      const name = uniqueName("Security breach");
      const service = uniqueName("auth");
      const type = await body(
        await foghorn.api("/api/v1/incident-types", {
          body: {
            name,
            severity: "P1",
            services: [service],
            roles: [{ role: "commander", person: "alice" }],
            checklist: [{ key: "rotate-keys", title: "Rotate keys", due_minute: 5 }],
            field_defaults: { [tier]: "gold" },
          },
        }),
        201,
      );
      assert.equal(type.severity, "SEV1");
      const path = `/api/v1/incident-types/${encodeURIComponent(name.toUpperCase())}`;
      assert.equal((await body(await foghorn.api(path), 200)).id, type.id);
      await problem(await foghorn.api("/api/v1/incident-types", { body: { name } }), 409, "CONFLICT");
      const badType = await problem(
        await foghorn.api("/api/v1/incident-types", {
          body: {
            name: uniqueName("x"),
            roles: [{ role: "king", person: "alice" }],
            field_defaults: { [tier]: "tin" },
          },
        }),
        422,
        "INVALID_INPUT",
      );
      assert.deepEqual(badType.errors?.map((e) => e.field).sort(), [
        `field_defaults.${tier}`,
        "roles.0.role",
      ]);

      const declared = await body(
        await foghorn.api("/api/v1/incidents", { body: { title: "Leaked keys", type: name } }),
        201,
      );
      assert.equal(declared.severity, "SEV1");
      assert.equal(declared.type, name);
      assert.equal(declared.assignee, "alice");
      assert.deepEqual(declared.affected_services, [service]);
      assert.deepEqual(declared.custom_fields, { [tier]: "gold" });
      const other = await body(
        await foghorn.api("/api/v1/incidents", {
          body: { title: "Silver", severity: "SEV3", custom_fields: { [tier]: "silver" } },
        }),
        201,
      );
      const noSeverity = await problem(
        await foghorn.api("/api/v1/incidents", {
          body: { title: "x", custom_fields: { [tier]: "platinum" } },
        }),
        422,
        "INVALID_INPUT",
      );
      assert.deepEqual(noSeverity.errors?.map((e) => e.field).sort(), [`custom_fields.${tier}`, "severity"]);
      const badValue = await problem(
        await foghorn.api("/api/v1/incidents", {
          body: { title: "x", severity: "SEV3", custom_fields: { [tier]: "platinum" } },
        }),
        422,
        "INVALID_INPUT",
      );
      assert.deepEqual(badValue.errors, [
        { field: `custom_fields.${tier}`, message: "must be one of gold, silver" },
      ]);

      const ids = async (query: string) =>
        (
          await body<{ items: Json[] }>(await foghorn.api(`/api/v1/incidents?limit=200&${query}`), 200)
        ).items.map((i) => i.id);
      assert.deepEqual(await ids(`type=${encodeURIComponent(name)}`), [declared.id]);
      assert.deepEqual(await ids(`field.${tier}=silver`), [other.id]);
      assert.deepEqual(await ids(`field.${tier}=gold&type=${encodeURIComponent(name)}`), [declared.id]);
      const unknown = await problem(
        await foghorn.api("/api/v1/incidents?field.nope=1"),
        422,
        "INVALID_INPUT",
      );
      assert.equal(unknown.errors?.[0]?.field, "field.nope");
      assert.match(unknown.errors?.[0]?.message ?? "", new RegExp(`known fields: .*${tier}`));

      const edited = await body(
        await foghorn.api(`/api/v1/incidents/${other.id}`, {
          method: "PATCH",
          body: { custom_fields: { [tier]: null } },
        }),
        200,
      );
      assert.deepEqual(edited.custom_fields, {});

      const renamed = await body(
        await foghorn.api(path, { method: "PATCH", body: { name: `${name} 2`, severity: null } }),
        200,
      );
      assert.equal(renamed.severity, null);
      assert.equal(renamed.incidents, 1);
      const gone = await foghorn.api(`/api/v1/incident-types/${encodeURIComponent(`${name} 2`)}`, {
        method: "DELETE",
      });
      assert.equal(gone.status, 204);
      await problem(await foghorn.api(path), 404, "NOT_FOUND");
      const spec = await body<{ paths: Record<string, unknown> }>(
        await foghorn.api("/api/v1/openapi.json"),
        200,
      );
      assert.ok(spec.paths["/api/v1/incident-types/{name}"]);
      assert.ok(spec.paths["/api/v1/custom-fields"]);
    });
  });
}
