import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { PayloadError } from "#domain/alert/event.ts";
import { PAGERDUTY_V1_SUCCESS, parsePagerDutyV1 } from "./events-v1.ts";

const KEY = "0123456789abcdef0123456789abcdef";
const opts = { generateKey: () => "generated-key" };

// What Alertmanager's notifyV1 sends for a receiver configured with `service_key`.
const alertmanagerV1 = {
  service_key: KEY,
  incident_key: "6d7107ff306c6b43341d5dc86188b7fc2cd870a547119c04f7bde48120061277",
  event_type: "trigger",
  description: "[FIRING:1] DiskFull db-1",
  client: "Alertmanager",
  client_url: "http://alertmanager:9093/#/alerts?receiver=pd",
  details: { firing: "Labels: …", num_firing: "1", num_resolved: "0", resolved: "" },
};

function errorsOf(body: unknown): PayloadError[] {
  const result = parsePagerDutyV1(body, opts);
  assert.equal(result.ok, false, "expected the body to be refused");
  return result.ok ? [] : result.errors;
}

function eventOf(body: unknown) {
  const result = parsePagerDutyV1(body, opts);
  assert.ok(result.ok, `expected success, got ${JSON.stringify(!result.ok && result.errors)}`);
  return result.value.event;
}

test("Alertmanager's v1 trigger becomes an AlertEvent without source or severity", () => {
  const result = parsePagerDutyV1(alertmanagerV1, opts);
  assert.ok(result.ok);
  assert.equal(result.value.serviceKey, KEY);
  assert.deepEqual(result.value.event, {
    action: "trigger",
    dedupKey: alertmanagerV1.incident_key,
    summary: "[FIRING:1] DiskFull db-1",
    source: "",
    severity: null,
    occurredAt: null,
    details: alertmanagerV1.details,
    links: [],
    images: [],
    client: "Alertmanager",
    clientUrl: "http://alertmanager:9093/#/alerts?receiver=pd",
  });
});

describe("rules", () => {
  test("service_key must be 32 characters", () => {
    assert.deepEqual(errorsOf({ ...alertmanagerV1, service_key: `${KEY}0` }), [
      { field: "service_key", message: "must be 32 characters (got 33)" },
    ]);
  });

  test("event_type is one of trigger, acknowledge, resolve", () => {
    for (const event_type of ["trigger", "acknowledge", "resolve"]) {
      assert.equal(eventOf({ ...alertmanagerV1, event_type }).action, event_type);
    }
    assert.deepEqual(errorsOf({ ...alertmanagerV1, event_type: "fire" }), [
      { field: "event_type", message: 'must be one of trigger, acknowledge, resolve (got "fire")' },
    ]);
  });

  test("incident_key: 255 accepted, 256 refused; generated for a trigger; required for ack and resolve", () => {
    assert.equal(eventOf({ ...alertmanagerV1, incident_key: "k".repeat(255) }).dedupKey.length, 255);
    assert.deepEqual(errorsOf({ ...alertmanagerV1, incident_key: "k".repeat(256) }), [
      { field: "incident_key", message: "must be at most 255 characters (got 256)" },
    ]);
    assert.equal(eventOf({ ...alertmanagerV1, incident_key: undefined }).dedupKey, "generated-key");
    assert.deepEqual(errorsOf({ service_key: KEY, event_type: "resolve" }), [
      { field: "incident_key", message: "is required for acknowledge and resolve" },
    ]);
  });

  test("description: required for trigger, 1024 accepted, 1025 refused", () => {
    assert.equal(eventOf({ ...alertmanagerV1, description: "d".repeat(1024) }).summary.length, 1024);
    assert.deepEqual(errorsOf({ ...alertmanagerV1, description: "d".repeat(1025) }), [
      { field: "description", message: "must be at most 1024 characters (got 1025)" },
    ]);
    assert.deepEqual(errorsOf({ ...alertmanagerV1, description: undefined }), [
      { field: "description", message: "is required" },
    ]);
  });

  test("a resolve uses its description when valid and otherwise stands in the key", () => {
    const resolve = { service_key: KEY, event_type: "resolve", incident_key: "db-1/disk" };
    assert.equal(eventOf({ ...resolve, description: "[RESOLVED] DiskFull" }).summary, "[RESOLVED] DiskFull");
    assert.equal(eventOf({ ...resolve, description: "d".repeat(2000), details: 5 }).summary, "db-1/disk");
  });

  test("every problem at once", () => {
    assert.deepEqual(
      errorsOf({ service_key: 1, event_type: "trigger", details: { x: "\u0000" }, client: [] }).map(
        (e) => e.field,
      ),
      ["service_key", "description", "details.x", "client"],
    );
  });
});

test("the v1 success body", () => {
  assert.deepEqual(PAGERDUTY_V1_SUCCESS("db-1/disk"), {
    status: "success",
    message: "Event processed",
    incident_key: "db-1/disk",
  });
});
