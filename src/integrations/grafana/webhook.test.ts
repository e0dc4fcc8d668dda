import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { AlertEvent, ParseResult } from "#domain/alert/event.ts";
import { parseGrafanaWebhook } from "./webhook.ts";

const GRAFANA = "https://grafana.example.com";

/**
 * What a Grafana 11/12 webhook contact point sends for a two-alert group (WIRE-FORMATS.md §4.4, from
 * grafana/alerting `receivers/webhook/webhook.go` and `templates/template_data.go`).
 */
function grafanaBody(): Record<string, unknown> & { alerts: Record<string, unknown>[] } {
  const alert = (instance: string, fingerprint: string, values: Record<string, number>) => ({
    status: "firing",
    labels: {
      alertname: "HighCPU",
      grafana_folder: "Infra",
      instance,
      severity: "warning",
      team: "platform",
    },
    annotations: {
      description: `CPU usage on ${instance} is above 40% for 5 minutes.`,
      runbook_url: "https://runbooks.example.com/high-cpu",
    },
    startsAt: "2026-11-23T10:00:00Z",
    endsAt: "0001-01-01T00:00:00Z",
    generatorURL: `${GRAFANA}/alerting/grafana/ddx1a2b3c4d5e/view?orgId=1`,
    fingerprint,
    silenceURL: `${GRAFANA}/alerting/silence/new?alertmanager=grafana&matcher=alertname%3DHighCPU&matcher=instance%3D${encodeURIComponent(instance)}&orgId=1`,
    dashboardURL: "",
    panelURL: "",
    values,
    valueString: `[ var='B' labels={instance=${instance}} value=${values.B} ], [ var='C' labels={instance=${instance}} value=1 ]`,
    orgId: 1,
  });
  return {
    receiver: "foghorn",
    status: "firing",
    orgId: 1,
    alerts: [
      {
        ...alert("web-1:9100", "a3c5e2f1b0d49e87", { B: 44.2, C: 1 }),
        dashboardURL: `${GRAFANA}/d/cpu-overview?orgId=1`,
        panelURL: `${GRAFANA}/d/cpu-overview?orgId=1&viewPanel=4`,
        imageURL: `${GRAFANA}/public/img/attachments/9f2c1d.png`,
      },
      alert("web-2:9100", "0b7d91c2e4f6a813", { B: 61.7, C: 1 }),
    ],
    groupLabels: { alertname: "HighCPU" },
    commonLabels: { alertname: "HighCPU", grafana_folder: "Infra", severity: "warning", team: "platform" },
    commonAnnotations: { runbook_url: "https://runbooks.example.com/high-cpu" },
    externalURL: `${GRAFANA}/`,
    version: "1",
    groupKey: '{}:{alertname="HighCPU"}',
    truncatedAlerts: 0,
    title: "[FIRING:2] HighCPU (Infra warning platform)",
    state: "alerting",
    message: "**Firing**\n\nValue: B=44.2, C=1\nLabels:\n - alertname = HighCPU\n - instance = web-1:9100\n",
  };
}

function accepted(result: ParseResult<AlertEvent>): AlertEvent {
  if (!result.ok) assert.fail(`expected the body to parse, got ${JSON.stringify(result.errors)}`);
  return result.value;
}

describe("Grafana alerting webhook", () => {
  test("a firing group maps like Alertmanager, with Grafana's title, extras, links and images", () => {
    const event = accepted(parseGrafanaWebhook(grafanaBody()));
    assert.equal(event.action, "trigger");
    assert.equal(event.client, "Grafana");
    assert.equal(event.clientUrl, `${GRAFANA}/`);
    assert.equal(event.dedupKey, '{}:{alertname="HighCPU"}');
    assert.equal(event.summary, "[FIRING:2] HighCPU (Infra warning platform)");
    assert.equal(event.severity, "warning");
    assert.equal(event.group, "platform");
    assert.equal(event.class, "HighCPU");
    assert.equal(event.source, "foghorn");
    assert.equal(event.details.orgId, 1);
    assert.equal(event.details.state, "alerting");
    assert.deepEqual(
      event.members?.map((m) => [m.fingerprint, m.status, m.endsAt]),
      [
        ["a3c5e2f1b0d49e87", "firing", null],
        ["0b7d91c2e4f6a813", "firing", null],
      ],
    );
    const [first, second] = event.members ?? [];
    assert.deepEqual(first?.extra?.values, { B: 44.2, C: 1 });
    assert.equal(first?.extra?.panelURL, `${GRAFANA}/d/cpu-overview?orgId=1&viewPanel=4`);
    assert.equal(first?.extra?.imageURL, `${GRAFANA}/public/img/attachments/9f2c1d.png`);
    assert.match(String(first?.extra?.valueString), /value=44.2/);
    // Grafana sends the deprecated dashboard and panel URLs as "" when the rule has no dashboard.
    assert.deepEqual(Object.keys(second?.extra ?? {}).sort(), ["silenceURL", "valueString", "values"]);
    assert.deepEqual(
      event.links.map((l) => l.text),
      ["Grafana", "Source", "Runbook", "Silence", "Dashboard", "Panel", "Silence"],
    );
    assert.deepEqual(event.images, [
      { src: `${GRAFANA}/public/img/attachments/9f2c1d.png`, alt: "HighCPU screenshot" },
    ]);
  });

  test("commonAnnotations.summary is preferred over the title", () => {
    const body = grafanaBody();
    body.commonAnnotations = { summary: "CPU is high on the web tier" };
    assert.equal(accepted(parseGrafanaWebhook(body)).summary, "CPU is high on the web tier");
  });

  test("without title or summaries the Alertmanager default title applies", () => {
    const { title: _, ...body } = grafanaBody();
    assert.equal(accepted(parseGrafanaWebhook(body)).summary, "[FIRING:2] HighCPU");
  });

  test("a resolved group (state ok) resolves", () => {
    const body = grafanaBody();
    Object.assign(body, { status: "resolved", state: "ok", title: "[RESOLVED] HighCPU" });
    body.alerts = body.alerts.map((a) => ({ ...a, status: "resolved", endsAt: "2026-11-23T10:07:00Z" }));
    const event = accepted(parseGrafanaWebhook(body));
    assert.equal(event.action, "resolve");
    assert.deepEqual(
      event.members?.map((m) => m.endsAt),
      ["2026-11-23T10:07:00.000Z", "2026-11-23T10:07:00.000Z"],
    );
  });

  test("any version is accepted, or none", () => {
    for (const version of ["1", "2", 1, undefined]) {
      assert.equal(parseGrafanaWebhook({ ...grafanaBody(), version }).ok, true, String(version));
    }
  });

  test("extras of the wrong type are ignored, not refused", () => {
    const body = grafanaBody();
    body.alerts[1] = { ...body.alerts[1], values: [1, 2], silenceURL: 42, imageURL: null };
    const event = accepted(parseGrafanaWebhook(body));
    assert.deepEqual(Object.keys(event.members?.[1]?.extra ?? {}), ["valueString"]);
  });

  test("the Alertmanager fields are still validated, every problem at once", () => {
    const body = grafanaBody();
    body.alerts[0] = { ...body.alerts[0], status: "alerting" };
    body.groupKey = 7;
    const result = parseGrafanaWebhook(body);
    assert.equal(result.ok, false);
    if (!result.ok)
      assert.deepEqual(result.errors.map((e) => e.field).sort(), ["alerts.0.status", "groupKey"]);
  });
});
