// End to end with the real Prometheus Alertmanager (Debian's prometheus-alertmanager): one receiver that
// delivers both to Foghorn's Alertmanager webhook and, through pagerduty_configs, to Foghorn's /v2/enqueue.
// Two alerts of one group fire, then resolve; Foghorn must show what a user expects. Skips with one line
// when the binary is missing; under CI=true that is a failure instead.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import {
  alertsOf,
  apiOk,
  createIntegration,
  createService,
  type Integration,
  incident,
  incidentsOf,
  type Json,
  waitFor,
} from "./harness.ts";

const ALERTMANAGER = "/usr/bin/prometheus-alertmanager";
const missing = existsSync(ALERTMANAGER)
  ? undefined
  : `${ALERTMANAGER} is missing (Debian package prometheus-alertmanager)`;

if (missing && process.env.CI === "true") {
  test("the real Alertmanager is installed for the end-to-end test", () => {
    assert.fail(`${missing}; CI must install it (apt-get install -y prometheus-alertmanager)`);
  });
} else if (missing) {
  console.log(`# real Alertmanager tests skipped: ${missing}`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Alertmanager's config: one route, one receiver sending to both integrations, timings for tests. */
function config(webhookUrl: string, pagerdutyUrl: string, routingKey: string): string {
  return `route:
  receiver: foghorn
  group_by: ['alertname', 'service']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: foghorn
    webhook_configs:
      - url: '${webhookUrl}'
        send_resolved: true
    pagerduty_configs:
      - url: '${pagerdutyUrl}'
        routing_key: '${routingKey}'
        send_resolved: true
        severity: '{{ if .CommonLabels.severity }}{{ .CommonLabels.severity }}{{ else }}error{{ end }}'
        class: '{{ .CommonLabels.alertname }}'
        component: '{{ .CommonLabels.service }}'
`;
}

describe("with the real Alertmanager", { skip: missing ?? false }, () => {
  let foghorn: TestFoghorn;
  let alertmanager: ChildProcess | undefined;
  let amExited: Promise<unknown> = Promise.resolve();
  let amLog = "";
  let amUrl = "";
  const dir = mkdtempSync(join(tmpdir(), "foghorn-am-"));
  let service = "";
  let webhook: Integration;
  let pagerduty: Integration;

  before(async () => {
    foghorn = await startTestFoghorn("pglite");
    service = await createService(foghorn, "checkout");
    webhook = await createIntegration(foghorn, service, "alertmanager", { name: "alertmanager webhook" });
    pagerduty = await createIntegration(foghorn, service, "pagerduty", { name: "alertmanager pagerduty" });
    const file = join(dir, "alertmanager.yml");
    writeFileSync(file, config(webhook.url, pagerduty.url, pagerduty.routing_key));
    const port = await freePort();
    amUrl = `http://127.0.0.1:${port}`;
    alertmanager = spawn(
      ALERTMANAGER,
      [
        `--config.file=${file}`,
        `--storage.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.external-url=${amUrl}`,
        // Empty: no gossip cluster, so nothing listens on 0.0.0.0:9094.
        "--cluster.listen-address=",
        "--log.level=info",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const child = alertmanager;
    const keep = (chunk: Buffer) => {
      amLog = (amLog + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    amExited = new Promise((r) => child.on("exit", r));
    await waitFor(
      "Alertmanager to be ready",
      async () => {
        if (child.exitCode !== null) assert.fail(`Alertmanager exited (${child.exitCode}):\n${amLog}`);
        return (await fetch(`${amUrl}/-/ready`)).ok ? true : undefined;
      },
      { timeoutMs: 20_000 },
    );
  });

  after(async () => {
    if (alertmanager && alertmanager.exitCode === null) {
      alertmanager.kill("SIGTERM");
      const killer = setTimeout(() => alertmanager?.kill("SIGKILL"), 5_000);
      await amExited;
      clearTimeout(killer);
    }
    await foghorn?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // Set when the alerts are first posted. Alertmanager flushes a new group at once, without its
  // group_wait, when startsAt + group_wait is already past; a startsAt taken while Foghorn and
  // Alertmanager were still starting let the first notification leave with one alert of the two.
  let startsAt = "";
  /** The two alerts of one group (same alertname and service), as Prometheus would post them. */
  const alerts = (endsAt?: string) =>
    ["10.0.0.11:9100", "10.0.0.12:9100"].map((instance) => ({
      labels: {
        alertname: "CheckoutHighErrorRate",
        service: "checkout",
        severity: "critical",
        team: "payments",
        instance,
      },
      annotations: {
        summary: `High 5xx error rate on checkout (${instance})`,
        runbook_url: "https://runbooks.example.com/checkout.md",
      },
      startsAt,
      ...(endsAt ? { endsAt } : {}),
      generatorURL: "http://127.0.0.1:9090/graph?g0.expr=up",
    }));

  async function postAlerts(body: unknown): Promise<void> {
    const res = await fetch(`${amUrl}/api/v2/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 200, await res.text());
  }

  /** The alert each integration made, once both exist: [webhook's, pagerduty's]. */
  async function bothAlerts(): Promise<[Json, Json] | undefined> {
    const all = await alertsOf(foghorn, service);
    const fromWebhook = all.filter((a) => a.source_kind === "alertmanager");
    const fromPagerDuty = all.filter((a) => a.source_kind === "pagerduty");
    if (fromWebhook.length === 0 || fromPagerDuty.length === 0) return undefined;
    assert.equal(all.length, 2, `one alert per integration: ${JSON.stringify(all)}`);
    return [fromWebhook[0] as Json, fromPagerDuty[0] as Json];
  }

  test("two firing alerts of one group: one alert and one incident per integration, and no more", async () => {
    startsAt = new Date().toISOString();
    await postAlerts(alerts());
    const [fromWebhook, fromPagerDuty] = await waitFor("both integrations' alerts", bothAlerts, {
      timeoutMs: 20_000,
    });
    await foghorn.alertsIdle();

    // The webhook carries the group: one alert, two members tracked by fingerprint.
    assert.equal(fromWebhook.status, "triggered");
    assert.equal(fromWebhook.severity, "critical");
    assert.match(String(fromWebhook.dedup_key), /alertname="CheckoutHighErrorRate"/);
    const detail = await apiOk(foghorn, `/api/v1/alerts/${String(fromWebhook.id)}`);
    const members = detail.members as Json[];
    assert.equal(members.length, 2);
    assert.ok(members.every((m) => m.status === "firing" && /^[0-9a-f]{16}$/.test(String(m.fingerprint))));
    assert.deepEqual(members.map((m) => (m.labels as Json).instance).sort(), [
      "10.0.0.11:9100",
      "10.0.0.12:9100",
    ]);

    // The PagerDuty receiver sends one event per group, keyed by the SHA-256 of the group key.
    assert.equal(fromPagerDuty.status, "triggered");
    assert.equal(fromPagerDuty.severity, "critical");
    assert.equal(fromPagerDuty.client, "Alertmanager");
    assert.match(String(fromPagerDuty.dedup_key), /^[0-9a-f]{64}$/);
    assert.match(String(fromPagerDuty.summary), /^\[FIRING:2\] CheckoutHighErrorRate/);

    // Dedup is per integration, so each integration opened its own SEV1 incident.
    const incidents = await incidentsOf(foghorn, service);
    assert.equal(incidents.length, 2, JSON.stringify(incidents));
    assert.deepEqual(
      incidents.map((i) => i.id).sort(),
      [fromWebhook.incident, fromPagerDuty.incident].sort(),
    );
    assert.ok(incidents.every((i) => i.severity === "SEV1" && i.status === "triggered"));

    // Nothing more arrives: Alertmanager does not repeat an unchanged group before repeat_interval.
    await sleep(2_000);
    await foghorn.alertsIdle();
    assert.equal((await incidentsOf(foghorn, service)).length, 2);
    const again = await alertsOf(foghorn, service);
    assert.equal(again.length, 2);
    assert.ok(
      again.every((a) => a.event_count === 1),
      JSON.stringify(again.map((a) => a.event_count)),
    );
  });

  test("the same alerts resolved: both alerts resolve and both incidents move to mitigating", async () => {
    await postAlerts(alerts(new Date().toISOString()));
    const resolved = await waitFor(
      "both alerts to resolve",
      async () => {
        const all = await alertsOf(foghorn, service);
        return all.length === 2 && all.every((a) => a.status === "resolved") ? all : undefined;
      },
      { timeoutMs: 20_000 },
    );
    await foghorn.alertsIdle();
    for (const alert of resolved) {
      assert.equal((await incident(foghorn, alert.incident)).status, "mitigating", String(alert.id));
    }
    const fromWebhook = resolved.find((a) => a.source_kind === "alertmanager");
    const detail = await apiOk(foghorn, `/api/v1/alerts/${String(fromWebhook?.id)}`);
    assert.deepEqual(
      (detail.members as Json[]).map((m) => m.status),
      ["resolved", "resolved"],
    );
    assert.equal((await incidentsOf(foghorn, service)).length, 2, "resolving opened nothing new");
  });
});
