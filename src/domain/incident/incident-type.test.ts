import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TRIAGE_CHECKLIST } from "./checklist.ts";
import { applyTypeDefaults, checkTypeRoles, type TypeDefaults, unionServices } from "./incident-type.ts";

const breach: TypeDefaults = {
  severity: "SEV1",
  services: ["auth", "api"],
  roles: [
    { role: "commander", person: "alice" },
    { role: "communications_lead", person: "carol" },
    { role: "responder", person: "dan" },
  ],
  checklist: [{ key: "rotate-keys", title: "Rotate keys", due_minute: 10, details: ["All of them"] }],
  fieldDefaults: { customer_tier: "gold", orders_lost: 0 },
};

describe("applyTypeDefaults", () => {
  test("the type fills in what the request leaves out", () => {
    const r = applyTypeDefaults(breach, { services: [], customFields: {} });
    assert.equal(r.severity, "SEV1");
    assert.deepEqual(r.services, ["auth", "api"]);
    assert.deepEqual(r.roles, [
      { role: "commander", person: "alice" },
      { role: "communications_lead", person: "carol" },
      { role: "responder", person: "dan" },
    ]);
    assert.deepEqual(r.checklist, breach.checklist);
    assert.notEqual(r.checklist, breach.checklist, "a copy: later edits to the type change nothing");
    assert.deepEqual(r.customFields, { customer_tier: "gold", orders_lost: 0 });
  });

  test("explicit values win; services are the union; the request's assignee stays commander", () => {
    const r = applyTypeDefaults(breach, {
      severity: "SEV3",
      services: ["API", "billing"],
      assignee: "bob",
      customFields: { customer_tier: "silver" },
    });
    assert.equal(r.severity, "SEV3");
    assert.deepEqual(r.services, ["API", "billing", "auth"]);
    assert.deepEqual(r.roles, [
      { role: "commander", person: "bob" },
      { role: "communications_lead", person: "carol" },
      { role: "responder", person: "dan" },
    ]);
    assert.deepEqual(r.customFields, { customer_tier: "silver", orders_lost: 0 });
  });

  test("without a type the request passes through, with the built-in checklist", () => {
    const r = applyTypeDefaults(null, { services: ["a", "A"], customFields: { x: 1 } });
    assert.equal(r.severity, undefined);
    assert.deepEqual(r.services, ["a"]);
    assert.deepEqual(r.roles, []);
    assert.equal(r.checklist, null);
    assert.deepEqual(r.customFields, { x: 1 });
  });

  test("a type with no severity and an empty checklist", () => {
    const r = applyTypeDefaults(
      { severity: null, services: [], roles: [], checklist: [], fieldDefaults: {} },
      { services: [], customFields: {} },
    );
    assert.equal(r.severity, undefined);
    assert.deepEqual(r.checklist, []);
    assert.ok(TRIAGE_CHECKLIST.length > 0);
  });
});

describe("type roles and services", () => {
  test("single-holder roles may be given once; responders once per person", () => {
    assert.deepEqual(
      checkTypeRoles([
        { role: "commander", person: "a" },
        { role: "commander", person: "b" },
        { role: "responder", person: "c" },
        { role: "responder", person: "C" },
        { role: "responder", person: "d" },
      ]).map((p) => p.index),
      [1, 3],
    );
  });

  test("union keeps the first spelling", () => {
    assert.deepEqual(unionServices(["Auth"], ["auth", "db"]), ["Auth", "db"]);
  });
});
