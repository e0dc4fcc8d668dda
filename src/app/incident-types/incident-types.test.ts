import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { findIncidentByNumber } from "#store/incidents.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import {
  appContext,
  declareTestIncident,
  expectAppError,
  type TestContext,
  uniqueName,
} from "../../../test/helpers/factories.ts";
import { declareIncident } from "../incidents/declare.ts";
import { getIncident, listIncidents } from "../incidents/get.ts";
import { getTimeline } from "../incidents/timeline.ts";
import { updateIncident } from "../incidents/update.ts";
import { createField, deleteField, listFields, updateField } from "./custom-fields.ts";
import { createType, deleteType, getType, listTypes, updateType } from "./incident-types.ts";

/** A custom field key no other test uses. */
const fieldKey = (prefix: string) => `${prefix}_${randomBytes(4).toString("hex")}`;

const fieldsOf = (error: { fields: { field: string }[] }) => error.fields.map((f) => f.field).sort();

async function tierField(ctx: TestContext) {
  return createField(ctx, {
    key: fieldKey("tier"),
    label: "Customer tier",
    kind: "select",
    options: ["gold", "silver", "bronze"],
  });
}

async function numberOf(ctx: TestContext, id: string): Promise<number> {
  const incident = await getIncident(ctx, id);
  return incident.number;
}

for (const backend of await testBackends()) {
  describe(`custom fields and incident types (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    test("fields are created, listed, changed; bad keys, kinds and options are named", async () => {
      const ctx = appContext(database.db);
      const tier = await tierField(ctx);
      assert.equal(tier.kind, "select");
      assert.deepEqual(tier.options, ["gold", "silver", "bronze"]);
      assert.ok((await listFields(ctx)).items.some((f) => f.key === tier.key));
      const dup = await expectAppError(
        createField(ctx, { key: tier.key, label: "x", kind: "text" }),
        "CONFLICT",
      );
      assert.deepEqual(fieldsOf(dup), ["key"]);
      const bad = await expectAppError(
        createField(ctx, { key: "Customer Tier", label: "", kind: "date" }),
        "INVALID_INPUT",
      );
      assert.deepEqual(fieldsOf(bad), ["key", "kind", "label"]);
      const noOptions = await expectAppError(
        createField(ctx, { key: fieldKey("s"), label: "S", kind: "select" }),
        "INVALID_INPUT",
      );
      assert.match(noOptions.fields[0]?.message ?? "", /at least one option/);
      const updated = await updateField(ctx, tier.key, {
        label: "Tier",
        options: ["gold", "silver", "bronze", "tin"],
        description: "From the CRM",
        position: 3,
      });
      assert.equal(updated.label, "Tier");
      assert.deepEqual(updated.options, ["gold", "silver", "bronze", "tin"]);
      assert.equal(updated.position, 3);
      await expectAppError(updateField(ctx, "no_such_field", { label: "x" }), "NOT_FOUND");
      await expectAppError(updateField(ctx, tier.key, { kind: "text" }), "INVALID_INPUT");
    });

    test("types: severity in any spelling, unique names ignoring case, roles and defaults validated", async () => {
      const ctx = appContext(database.db);
      const tier = await tierField(ctx);
      const name = uniqueName("Security breach");
      const type = await createType(ctx, {
        name,
        severity: "critical",
        services: ["auth", "Auth", "api"],
        roles: [
          { role: "ic", person: "@alice" },
          { role: "comms", person: "carol" },
        ],
        field_defaults: { [tier.key]: "GOLD" },
      });
      assert.equal(type.severity, "SEV1");
      assert.deepEqual(type.services, ["auth", "api"]);
      assert.deepEqual(type.roles, [
        { role: "commander", person: "alice" },
        { role: "communications_lead", person: "carol" },
      ]);
      assert.deepEqual(type.field_defaults, { [tier.key]: "gold" });
      assert.equal(type.checklist, null);
      assert.equal((await getType(ctx, name.toUpperCase())).id, type.id);
      assert.ok((await listTypes(ctx)).items.some((t) => t.name === name));
      await expectAppError(createType(ctx, { name: name.toLowerCase() }), "CONFLICT");
      const bad = await expectAppError(
        createType(ctx, {
          name: uniqueName("Bad"),
          severity: "SEV9",
          roles: [
            { role: "boss", person: "alice" },
            { role: "commander", person: "not a handle" },
          ],
          checklist: [{ key: "Not A Slug", title: "", due_minute: -1 }],
          field_defaults: { [tier.key]: "platinum", nope: "x" },
        }),
        "INVALID_INPUT",
      );
      assert.deepEqual(fieldsOf(bad), [
        "checklist.0.due_minute",
        "checklist.0.key",
        "checklist.0.title",
        "field_defaults.nope",
        `field_defaults.${tier.key}`,
        "roles.0.role",
        "roles.1.person",
        "severity",
      ]);
      const badDefaults = await expectAppError(
        createType(ctx, { name: uniqueName("Bad"), field_defaults: { [tier.key]: "platinum", nope: "x" } }),
        "INVALID_INPUT",
      );
      assert.deepEqual(fieldsOf(badDefaults), [`field_defaults.${tier.key}`, "field_defaults.nope"].sort());
      assert.match(
        badDefaults.fields.find((f) => f.field === "field_defaults.nope")?.message ?? "",
        /known fields: .*tier_/,
      );
      const twoCommanders = await expectAppError(
        createType(ctx, {
          name: uniqueName("Bad"),
          roles: [
            { role: "commander", person: "a" },
            { role: "commander", person: "b" },
          ],
        }),
        "INVALID_INPUT",
      );
      assert.deepEqual(fieldsOf(twoCommanders), ["roles.1.role"]);
      const renamed = await updateType(ctx, name, { name: `${name} v2`, severity: null, checklist: [] });
      assert.equal(renamed.severity, null);
      assert.deepEqual(renamed.checklist, []);
      await deleteType(ctx, `${name} v2`);
      await expectAppError(getType(ctx, name), "NOT_FOUND");
    });

    test("declaring with a type applies its defaults, copies its checklist, and explicit values win", async () => {
      const ctx = appContext(database.db, { actor: "dave" });
      const tier = await tierField(ctx);
      const lost = await createField(ctx, { key: fieldKey("lost"), label: "Orders lost", kind: "number" });
      const service = uniqueName("auth");
      const name = uniqueName("Breach");
      const checklist = [
        { key: "rotate-keys", title: "Rotate keys", due_minute: 10, details: ["Every API key"] },
        { key: "call-legal", title: "Call legal", due_minute: 30, details: [] },
      ];
      await createType(ctx, {
        name,
        severity: "SEV1",
        services: [service],
        roles: [
          { role: "commander", person: "alice" },
          { role: "scribe", person: "sam" },
          { role: "responder", person: "rita" },
        ],
        checklist,
        field_defaults: { [tier.key]: "gold", [lost.key]: 0 },
      });
      const declared = await declareIncident(ctx, { title: "Leaked keys", type: name.toUpperCase() });
      assert.equal(declared.severity, "SEV1");
      assert.equal(declared.type, name);
      assert.deepEqual(declared.affected_services, [service]);
      assert.equal(declared.assignee, "alice");
      assert.deepEqual(declared.roles, {
        commander: "alice",
        communications_lead: null,
        scribe: "sam",
        responders: ["rita"],
      });
      assert.deepEqual(declared.custom_fields, { [lost.key]: 0, [tier.key]: "gold" });
      const row = await findIncidentByNumber(ctx.db, declared.number);
      assert.deepEqual(row?.checklist, checklist);
      // Later edits to the type leave the incident as it was declared.
      await updateType(ctx, name, { checklist: [], severity: "SEV2" });
      const again = await findIncidentByNumber(ctx.db, declared.number);
      assert.deepEqual(again?.checklist, checklist);
      const detail = await getIncident(ctx, declared.id);
      assert.equal(detail.type, name);
      assert.deepEqual(detail.roles, declared.roles);
      const [event] = (await getTimeline(ctx, declared.id)).events;
      assert.equal(event?.kind, "incident.declared");
      assert.equal(event?.data.type, name);
      assert.deepEqual(event?.data.custom_fields, { [lost.key]: 0, [tier.key]: "gold" });

      const other = uniqueName("billing");
      const explicit = await declareIncident(ctx, {
        title: "Leaked keys, contained",
        type: name,
        severity: "low",
        affected_services: [other],
        assignee: "bob",
        custom_fields: { [tier.key]: "silver" },
      });
      assert.equal(explicit.severity, "SEV4");
      assert.deepEqual(explicit.affected_services.sort(), [other, service].sort());
      assert.equal(explicit.roles.commander, "bob");
      assert.equal(explicit.roles.scribe, "sam");
      assert.deepEqual(explicit.custom_fields, { [lost.key]: 0, [tier.key]: "silver" });
      const rowExplicit = await findIncidentByNumber(ctx.db, explicit.number);
      assert.deepEqual(rowExplicit?.checklist, [], "the type's checklist at declare time (now empty)");

      const plain = await declareTestIncident(ctx);
      assert.equal(plain.type, null);
      assert.deepEqual(plain.custom_fields, {});
      assert.equal((await findIncidentByNumber(ctx.db, plain.number))?.checklist, null);
    });

    test("severity is required without a type default; bad types and values are named, all at once", async () => {
      const ctx = appContext(database.db);
      const tier = await tierField(ctx);
      const lost = await createField(ctx, { key: fieldKey("lost"), label: "Orders lost", kind: "number" });
      const name = uniqueName("Vague");
      await createType(ctx, { name });
      const noSeverity = await expectAppError(
        declareIncident(ctx, { title: "x", type: name }),
        "INVALID_INPUT",
      );
      assert.deepEqual(fieldsOf(noSeverity), ["severity"]);
      assert.match(noSeverity.fields[0]?.message ?? "", /gives no default severity/);
      const required = await expectAppError(declareIncident(ctx, { title: "x" }), "INVALID_INPUT");
      assert.deepEqual(
        required.fields.map((f) => [f.field, f.message]),
        [["severity", "is required"]],
      );
      const unknownType = await expectAppError(
        declareIncident(ctx, { title: "x", type: uniqueName("Nope") }),
        "INVALID_INPUT",
      );
      assert.deepEqual(fieldsOf(unknownType), ["type"]);
      assert.match(unknownType.detail, new RegExp(`known types: .*"${name}"`));
      const values = await expectAppError(
        declareIncident(ctx, {
          title: "x",
          severity: "SEV3",
          custom_fields: { [tier.key]: "platinum", [lost.key]: "lots", color: "red" },
        }),
        "INVALID_INPUT",
      );
      assert.deepEqual(
        fieldsOf(values),
        [`custom_fields.${lost.key}`, `custom_fields.${tier.key}`, "custom_fields.color"].sort(),
      );
      const shapes = await expectAppError(
        declareIncident(ctx, { title: "x", severity: "SEV3", custom_fields: { [lost.key]: [1] } }),
        "INVALID_INPUT",
      );
      assert.deepEqual(fieldsOf(shapes), [`custom_fields.${lost.key}`]);
      const ok = await declareIncident(ctx, {
        title: "x",
        severity: "SEV3",
        custom_fields: { [lost.key]: "12", [tier.key]: "Bronze" },
      });
      assert.deepEqual(ok.custom_fields, { [lost.key]: 12, [tier.key]: "bronze" });
    });

    test("custom field values change through update, each change on the timeline with from and to", async () => {
      const ctx = appContext(database.db);
      const tier = await tierField(ctx);
      const note = await createField(ctx, { key: fieldKey("note"), label: "Note", kind: "text" });
      const incident = await declareTestIncident(ctx, { custom_fields: { [tier.key]: "gold" } });
      const updated = await updateIncident(ctx, incident.id, {
        custom_fields: { [tier.key]: "silver", [note.key]: " EU only " },
      });
      assert.deepEqual(updated.custom_fields, { [note.key]: "EU only", [tier.key]: "silver" });
      const cleared = await updateIncident(ctx, incident.id, { custom_fields: { [tier.key]: null } });
      assert.deepEqual(cleared.custom_fields, { [note.key]: "EU only" });
      const events = (await getTimeline(ctx, incident.id)).events.filter(
        (e) => e.kind === "incident.updated",
      );
      assert.deepEqual(
        events.map((e) => e.data.changes),
        [
          {
            [`field.${tier.key}`]: { from: "gold", to: "silver" },
            [`field.${note.key}`]: { from: null, to: "EU only" },
          },
          { [`field.${tier.key}`]: { from: "silver", to: null } },
        ],
      );
      const bad = await expectAppError(
        updateIncident(ctx, incident.id, { custom_fields: { [tier.key]: "tin", nope: 1 } }),
        "INVALID_INPUT",
      );
      assert.deepEqual(fieldsOf(bad), [`custom_fields.${tier.key}`, "custom_fields.nope"].sort());
    });

    test("the list filters by type and by field values (AND-ed, numbers numerically), exactly", async () => {
      const ctx = appContext(database.db);
      const tier = await tierField(ctx);
      const lost = await createField(ctx, { key: fieldKey("lost"), label: "Orders lost", kind: "number" });
      const name = uniqueName("Db");
      await createType(ctx, { name, severity: "SEV2" });
      const a = await declareTestIncident(ctx, {
        type: name,
        custom_fields: { [tier.key]: "gold", [lost.key]: 12 },
      });
      const b = await declareTestIncident(ctx, { custom_fields: { [tier.key]: "gold", [lost.key]: 3 } });
      const c = await declareTestIncident(ctx, { type: name, custom_fields: { [tier.key]: "silver" } });
      await declareTestIncident(ctx);
      const ids = async (query: Record<string, unknown>) =>
        (await listIncidents(ctx, { limit: 200, ...query })).items.map((i) => i.id).sort();
      assert.deepEqual(await ids({ type: name.toLowerCase() }), [a.id, c.id].sort());
      assert.deepEqual(await ids({ [`field.${tier.key}`]: "gold" }), [a.id, b.id].sort());
      assert.deepEqual(await ids({ [`field.${tier.key}`]: "GOLD", [`field.${lost.key}`]: "12.0" }), [a.id]);
      assert.deepEqual(
        await ids({ [`field.${tier.key}`]: ["gold", "silver"], type: name }),
        [a.id, c.id].sort(),
      );
      assert.deepEqual(await ids({ [`field.${lost.key}`]: "4" }), []);
      const unknownKey = await expectAppError(listIncidents(ctx, { "field.nope": "x" }), "INVALID_INPUT");
      assert.deepEqual(fieldsOf(unknownKey), ["field.nope"]);
      assert.match(unknownKey.detail, new RegExp(`known fields: .*${tier.key}`));
      const badValue = await expectAppError(
        listIncidents(ctx, { [`field.${lost.key}`]: "many" }),
        "INVALID_INPUT",
      );
      assert.deepEqual(fieldsOf(badValue), [`field.${lost.key}`]);
      await expectAppError(listIncidents(ctx, { type: uniqueName("Nope") }), "INVALID_INPUT");
    });

    test("a field in use is deleted only with force, which removes its values and records it", async () => {
      const ctx = appContext(database.db);
      const tier = await tierField(ctx);
      const name = uniqueName("Typed");
      await createType(ctx, { name, severity: "SEV3", field_defaults: { [tier.key]: "bronze" } });
      const incident = await declareTestIncident(ctx, { custom_fields: { [tier.key]: "gold" } });
      const removeOption = await expectAppError(
        updateField(ctx, tier.key, { options: ["silver", "bronze"] }),
        "CONFLICT",
      );
      assert.match(removeOption.detail, /"gold" .* used by 1 incident/);
      await expectAppError(updateField(ctx, tier.key, { options: ["gold", "silver"] }), "CONFLICT");
      const refused = await expectAppError(deleteField(ctx, tier.key), "CONFLICT");
      assert.match(refused.detail, /1 incident\(s\) carry a value/);
      assert.match(refused.detail, new RegExp(name));
      assert.deepEqual((await getIncident(ctx, incident.id)).custom_fields, { [tier.key]: "gold" });
      const done = await deleteField(ctx, tier.key, { force: "true" });
      assert.equal(done.values_removed, 1);
      assert.deepEqual((await getIncident(ctx, incident.id)).custom_fields, {});
      assert.deepEqual((await getType(ctx, name)).field_defaults, {});
      const last = (await getTimeline(ctx, incident.id)).events.at(-1);
      assert.equal(last?.kind, "incident.updated");
      assert.deepEqual(last?.data.changes, { [`field.${tier.key}`]: { from: "gold", to: null } });
      assert.equal(await numberOf(ctx, incident.id), incident.number);
      const unused = await createField(ctx, { key: fieldKey("unused"), label: "Unused", kind: "text" });
      assert.equal((await deleteField(ctx, unused.key)).values_removed, 0);
      await expectAppError(deleteField(ctx, unused.key), "NOT_FOUND");
    });
  });
}
