import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import type { AlertEvent, ParseResult } from "#domain/alert/event.ts";
import { parseAlertmanagerWebhook } from "./webhook.ts";

// The real bodies captured from Alertmanager 0.25.0, kept byte for byte in test/fixtures/.
const FIXTURES = new URL("../../../test/fixtures/", import.meta.url);

type Body = Record<string, unknown> & { alerts: Record<string, unknown>[] };

function fixture(name: string): Body {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8"));
}

function accepted(result: ParseResult<AlertEvent>): AlertEvent {
  if (!result.ok) assert.fail(`expected the body to parse, got ${JSON.stringify(result.errors)}`);
  return result.value;
}

function refused(result: ParseResult<AlertEvent>): Map<string, string> {
  if (result.ok) assert.fail("expected the body to be refused");
  return new Map(result.errors.map((e) => [e.field, e.message]));
}

describe("captured Alertmanager 0.25 bodies", () => {
  test("firing: one trigger for the group, both members firing, severity and links from the labels", () => {
    const body = fixture("alertmanager-webhook-firing.json");
    const event = accepted(parseAlertmanagerWebhook(body));
    assert.equal(event.action, "trigger");
    assert.equal(event.dedupKey, body.groupKey);
    assert.equal(event.dedupKey, '{}:{alertname="BenchHighErrorRate", service="checkout"}');
    assert.equal(event.severity, "critical");
    assert.equal(event.source, "checkout-api");
    assert.equal(event.component, "checkout");
    assert.equal(event.group, "payments");
    assert.equal(event.class, "BenchHighErrorRate");
    assert.equal(event.client, "Alertmanager");
    assert.equal(event.clientUrl, "http://127.0.0.1:33261");
    assert.equal(event.occurredAt, "2026-11-23T00:04:58.422Z");
    // The two per-alert summaries differ (one per instance), so the count is shown.
    assert.equal(event.summary, "[FIRING:2] High 5xx error rate on checkout (10.0.0.11:9100)");
    assert.deepEqual(
      event.members?.map((m) => [m.fingerprint, m.status, m.endsAt]),
      [
        ["78855a1e43cd500b", "firing", null],
        ["9308444aa7c8c85c", "firing", null],
      ],
    );
    assert.equal(event.completeGroup, true);
    assert.equal(event.truncatedAlerts, 0);
    assert.deepEqual(
      event.links.map((l) => l.text),
      ["Alertmanager", "Source", "Runbook", "Dashboard", "Dashboard"],
    );
    assert.equal(event.links[2]?.href, "https://runbooks.example.com/checkout-runbook.md#high-error-rate");
    assert.deepEqual(event.details, {
      receiver: "target-both",
      status: "firing",
      groupLabels: body.groupLabels,
      commonLabels: body.commonLabels,
      commonAnnotations: body.commonAnnotations,
      externalURL: "http://127.0.0.1:33261",
    });
  });

  test("resolved: a resolve for the group, both members resolved with their end time", () => {
    const event = accepted(parseAlertmanagerWebhook(fixture("alertmanager-webhook-resolved.json")));
    assert.equal(event.action, "resolve");
    assert.equal(event.dedupKey, '{}:{alertname="BenchHighErrorRate", service="checkout"}');
    for (const member of event.members ?? []) {
      assert.equal(member.status, "resolved");
      assert.equal(member.endsAt, "2026-11-23T00:05:00.463Z");
    }
    assert.equal(event.members?.length, 2);
  });

  test("a real Prometheus alert through Alertmanager uses the common summary as is", () => {
    const event = accepted(parseAlertmanagerWebhook(fixture("alertmanager-webhook-from-prometheus.json")));
    assert.equal(event.action, "trigger");
    assert.equal(event.summary, "Always-firing bench alert from a real Prometheus");
    assert.equal(event.source, "bench-chain");
    assert.equal(event.group, "sre");
    assert.equal(event.members?.[0]?.generatorUrl?.startsWith("http://127.0.0.1:39265/graph"), true);
  });
});

describe("mapping", () => {
  test("a partial resolve keeps the group triggered and each member's own status", () => {
    const body = fixture("alertmanager-webhook-firing.json");
    body.alerts[1] = { ...body.alerts[1], status: "resolved", endsAt: "2026-11-23T00:06:00Z" };
    const event = accepted(parseAlertmanagerWebhook(body));
    assert.equal(event.action, "trigger");
    assert.deepEqual(
      event.members?.map((m) => [m.status, m.endsAt]),
      [
        ["firing", null],
        ["resolved", "2026-11-23T00:06:00.000Z"],
      ],
    );
    // One alert fires now, so no count prefix.
    assert.equal(event.summary, "High 5xx error rate on checkout (10.0.0.11:9100)");
  });

  test("a groupKey longer than 255 characters is hashed to fit", () => {
    const groupKey = `{}:{alertname="X", pod="${"p".repeat(300)}"}`;
    const event = accepted(
      parseAlertmanagerWebhook({ ...fixture("alertmanager-webhook-firing.json"), groupKey }),
    );
    assert.equal(event.dedupKey, `sha256:${createHash("sha256").update(groupKey).digest("hex")}`);
    assert.ok(event.dedupKey.length <= 255);
  });

  test("truncated alerts are surfaced and the group is marked incomplete", () => {
    const body = { ...fixture("alertmanager-webhook-firing.json"), truncatedAlerts: 7 };
    const event = accepted(parseAlertmanagerWebhook(body));
    assert.equal(event.truncatedAlerts, 7);
    assert.equal(event.completeGroup, false);
  });

  test("unknown keys from newer Alertmanagers are accepted; notification_reason lands in details", () => {
    const body = fixture("alertmanager-webhook-firing.json");
    Object.assign(body, { notification_reason: "new alerts added", routeLabels: { team: "payments" } });
    body.alerts[0] = { ...body.alerts[0], someFutureField: [1, 2] };
    const event = accepted(parseAlertmanagerWebhook(body));
    assert.equal(event.details.notification_reason, "new alerts added");
  });

  test("zero-time endsAt and empty generatorURL become null; missing annotations become {}", () => {
    const body = fixture("alertmanager-webhook-from-prometheus.json");
    const { annotations: _, ...alert } = body.alerts[0] ?? {};
    body.alerts[0] = { ...alert, endsAt: "0001-01-01T00:00:00Z", generatorURL: "" };
    const member = accepted(parseAlertmanagerWebhook(body)).members?.[0];
    assert.equal(member?.endsAt, null);
    assert.equal(member?.generatorUrl, null);
    assert.deepEqual(member?.annotations, {});
  });

  test("a missing fingerprint is derived from the sorted labels, the same whatever their order", () => {
    const labels = { alertname: "Disk", instance: "db-1", severity: "warn" };
    const reversed = Object.fromEntries(Object.entries(labels).reverse());
    const fingerprintOf = (alertLabels: Record<string, string>) =>
      accepted(
        parseAlertmanagerWebhook({
          version: "4",
          groupKey: "{}:{}",
          status: "firing",
          alerts: [{ status: "firing", labels: alertLabels, startsAt: "2026-11-23T00:00:00+02:00" }],
        }),
      ).members?.[0]?.fingerprint;
    const expected = createHash("sha256")
      .update(JSON.stringify(Object.entries(labels).sort()))
      .digest("hex")
      .slice(0, 16);
    assert.equal(fingerprintOf(labels), expected);
    assert.equal(fingerprintOf(reversed), expected);
  });

  test("without any summary the title follows Alertmanager's default; severity from the members", () => {
    const event = accepted(
      parseAlertmanagerWebhook({
        version: "4",
        groupKey: '{}:{alertname="Disk", cluster="eu"}',
        status: "firing",
        receiver: "ops",
        groupLabels: { alertname: "Disk", cluster: "eu" },
        alerts: [
          { status: "firing", labels: { alertname: "Disk", severity: "P3" } },
          { status: "firing", labels: { alertname: "Disk", severity: "Page" } },
          { status: "resolved", labels: { alertname: "Disk", severity: "bogus" } },
        ],
      }),
    );
    assert.equal(event.summary, "[FIRING:2] Disk (eu)");
    assert.equal(event.severity, "critical");
    assert.equal(event.source, "ops");
    assert.equal(event.occurredAt, null);
    assert.equal(event.clientUrl, undefined);
  });

  test("a summary longer than 1024 characters is truncated", () => {
    const body = fixture("alertmanager-webhook-from-prometheus.json");
    body.commonAnnotations = { summary: "x".repeat(5000) };
    const { summary } = accepted(parseAlertmanagerWebhook(body));
    assert.equal(summary.length, 1024);
    assert.ok(summary.endsWith("…"));
    // Counted in characters (code points), as PostgreSQL counts them: 1024 emoji fit as they are.
    body.commonAnnotations = { summary: "🔥".repeat(1024) };
    assert.equal(accepted(parseAlertmanagerWebhook(body)).summary, "🔥".repeat(1024));
    body.commonAnnotations = { summary: "🔥".repeat(1025) };
    assert.equal(accepted(parseAlertmanagerWebhook(body)).summary, `${"🔥".repeat(1023)}…`);
  });

  test("only http(s) URLs become links", () => {
    const body = fixture("alertmanager-webhook-from-prometheus.json");
    body.externalURL = "javascript:alert(1)";
    body.commonAnnotations = { runbook_url: "data:text/html,hi" };
    body.alerts[0] = { ...body.alerts[0], annotations: {} };
    const event = accepted(parseAlertmanagerWebhook(body));
    assert.deepEqual(
      event.links.map((l) => l.text),
      ["Source"],
    );
    assert.equal(event.clientUrl, undefined);
  });
});

describe("validation", () => {
  test('version "3" is refused with a message naming the expected version', () => {
    const errors = refused(
      parseAlertmanagerWebhook({ ...fixture("alertmanager-webhook-firing.json"), version: "3" }),
    );
    assert.deepEqual([...errors.keys()], ["version"]);
    assert.match(
      errors.get("version") ?? "",
      /is "3"; Foghorn expects Alertmanager's webhook_config format version "4"/,
    );
  });

  test("every problem is listed at once, with dotted paths", () => {
    const errors = refused(
      parseAlertmanagerWebhook({
        groupKey: "",
        status: "burning",
        truncatedAlerts: -1,
        alerts: [
          { status: "firing", labels: { a: "b" } },
          { status: "gone", labels: { n: 1 }, startsAt: "yesterday", annotations: "x" },
          "not an alert",
        ],
      }),
    );
    assert.deepEqual([...errors.keys()].sort(), [
      "alerts.1.annotations",
      "alerts.1.labels.n",
      "alerts.1.startsAt",
      "alerts.1.status",
      "alerts.2",
      "groupKey",
      "status",
      "truncatedAlerts",
      "version",
    ]);
    assert.equal(errors.get("alerts.1.status"), 'must be "firing" or "resolved"');
    assert.match(errors.get("version") ?? "", /is missing/);
  });

  test("missing fields say they are required; an empty alerts list is refused", () => {
    const missing = refused(parseAlertmanagerWebhook({ version: "4", alerts: [{}] }));
    assert.equal(missing.get("groupKey"), "is required");
    assert.equal(missing.get("status"), "is required");
    assert.equal(missing.get("alerts.0.status"), "is required");
    assert.equal(missing.get("alerts.0.labels"), "is required");
    const empty = refused(
      parseAlertmanagerWebhook({ version: "4", groupKey: "k", status: "firing", alerts: [] }),
    );
    assert.deepEqual([...empty.keys()], ["alerts"]);
  });

  test("strings the database cannot store are refused with their path", () => {
    const body = fixture("alertmanager-webhook-from-prometheus.json");
    body.alerts[0] = { ...body.alerts[0], labels: { alertname: "Bad\u0000Name" } };
    const errors = refused(parseAlertmanagerWebhook(body));
    assert.match(errors.get("alerts.0.labels.alertname") ?? "", /NUL character/);
  });

  test("more than 10,000 alerts are refused", () => {
    const alerts = Array.from({ length: 10_001 }, () => ({ status: "firing", labels: {} }));
    const errors = refused(
      parseAlertmanagerWebhook({ version: "4", groupKey: "k", status: "firing", alerts }),
    );
    assert.match(errors.get("alerts") ?? "", /at most 10000/);
  });

  test("a body that is not an object gets one error", () => {
    for (const body of [null, "text", [1], 4]) {
      const errors = refused(parseAlertmanagerWebhook(body));
      assert.deepEqual([...errors.keys()], ["(body)"]);
    }
  });
});
