// Services, integrations, alerts, maintenance windows and health checks from the CLI against a real server:
// set up a service the way an operator would, point Alertmanager at it, and see the alert arrive.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { type CliResult, cli, serverEnv, tempDir } from "./run-cli.ts";

const FIXTURE = "/work/shared/fixtures/alertmanager-webhook-firing.json";

let server: TestFoghorn;
let env: Record<string, string>;
const run = (...argv: string[]) => cli(argv, { env });

/** Runs a command that must succeed and parses its --json output. */
async function json<T>(...argv: string[]): Promise<T> {
  const r = await run(...argv, "--json");
  assert.equal(r.code, 0, `${argv.join(" ")}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Exactly one line on stderr, starting with "foghorn: ", and nothing on stdout. */
function oneLine(r: CliResult): string {
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${r.stderr}`);
  assert.equal(r.stdout, "");
  const [line = ""] = lines;
  assert.match(line, /^foghorn: /);
  return line;
}

before(async () => {
  server = await startTestFoghorn("pglite");
  env = serverEnv(server);
});
after(() => server.close());

test("service create, list, show and set", async () => {
  const created = await run(
    "service",
    "create",
    "checkout",
    "--description",
    "Payment pages",
    "--severity-map",
    "warning=SEV2,info=SEV4",
    "--on-alerts-resolved",
    "resolved",
  );
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /Created service checkout\./);
  assert.match(
    created.stdout,
    /Severity map\s+critical → SEV1, error → SEV2, warning → SEV2 \(set\), info → SEV4/,
  );
  assert.match(created.stdout, /foghorn integration create --service checkout --kind alertmanager/);

  const search = await json<{ name: string; severity_map: unknown; health: { status: string } }>(
    "service",
    "create",
    "search",
  );
  assert.equal(search.name, "search");
  assert.equal(search.health.status, "healthy");

  const list = await run("service", "list");
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^NAME\s+HEALTH\s+INTEGRATIONS\s+DESCRIPTION$/m);
  assert.match(list.stdout, /^checkout\s+healthy\s+0\s+Payment pages$/m);
  const listed = await json<{ items: { name: string; health: { status: string } }[] }>("service", "list");
  assert.ok(listed.items.some((s) => s.name === "search" && s.health.status === "healthy"));

  const set = await json<{ severity_map: unknown; on_alerts_resolved: unknown; description: string }>(
    "service",
    "set",
    "search",
    "--severity-map",
    "error=sev1",
    "--on-alerts-resolved",
    "none",
    "--description",
    "Site search",
  );
  assert.deepEqual(set.severity_map, { error: "SEV1" });
  assert.equal(set.on_alerts_resolved, "none");
  assert.equal(set.description, "Site search");

  const show = await run("service", "show", "search");
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /^search\s+healthy$/m);
  assert.match(show.stdout, /When all alerts resolve\s+none/);
  assert.match(show.stdout, /Integrations \(0\)/);

  // The old top-level command keeps working.
  const services = await run("services");
  assert.equal(services.code, 0, services.stderr);
  assert.match(services.stdout, /^checkout\s+Payment pages/m);
});

test("bad flags are usage errors (exit 2) that name the choices", async () => {
  const kind = await run("integration", "create", "--service", "checkout", "--kind", "nagios");
  assert.equal(kind.code, 2);
  assert.match(
    oneLine(kind),
    /--kind must be one of alertmanager, grafana, pagerduty, generic, heartbeat; got "nagios"/,
  );

  const map = await run("service", "set", "checkout", "--severity-map", "warn=SEV2");
  assert.equal(map.code, 2);
  assert.match(oneLine(map), /alert severity must be one of critical, error, warning, info/);

  const nothing = await run("service", "set", "checkout");
  assert.equal(nothing.code, 2);
  assert.match(oneLine(nothing), /needs at least one change/);

  const interval = await run("integration", "create", "--service", "checkout", "--kind", "heartbeat");
  assert.equal(interval.code, 2);
  assert.match(oneLine(interval), /a heartbeat needs --interval/);

  const duration = await run(
    "integration",
    "create",
    "--service",
    "checkout",
    "--kind",
    "heartbeat",
    "--interval",
    "soon",
  );
  assert.equal(duration.code, 2);
  assert.match(oneLine(duration), /--interval must be a duration such as 30s/);

  const wrongKind = await run(
    "integration",
    "create",
    "--service",
    "checkout",
    "--kind",
    "alertmanager",
    "--interval",
    "1m",
  );
  assert.equal(wrongKind.code, 2);
  assert.match(oneLine(wrongKind), /--interval is for --kind heartbeat only/);

  const status = await run("alert", "list", "--status", "firing");
  assert.equal(status.code, 2);
  assert.match(oneLine(status), /--status must be one of open, triggered, acknowledged, resolved, all, any/);

  const tz = await run(
    "maintenance",
    "add",
    "--service",
    "checkout",
    "--start",
    "2030-12-24 22:00",
    "--end",
    "2030-12-25 02:00",
    "--tz",
    "Mars/Olympus",
  );
  assert.equal(tz.code, 2);
  assert.match(oneLine(tz), /--tz must be an IANA time zone/);

  const backwards = await run(
    "maintenance",
    "add",
    "--service",
    "checkout",
    "--start",
    "2030-12-24 22:00",
    "--end",
    "2030-12-24 21:00",
  );
  assert.equal(backwards.code, 2);
  assert.match(oneLine(backwards), /--end must be after --start/);

  const unknown = await run("service", "show", "no-such-service");
  assert.equal(unknown.code, 3);
  assert.match(oneLine(unknown), /no-such-service/);
});

test("integration create prints the URL, routing key and an Alertmanager snippet; an alert arrives", async () => {
  const created = await run("integration", "create", "--service", "checkout", "--kind", "alertmanager");
  assert.equal(created.code, 0, created.stderr);
  const url = /^\s+URL\s+(\S+)$/m.exec(created.stdout)?.[1] ?? "";
  const key = /^\s+Routing key\s+(\S+)$/m.exec(created.stdout)?.[1] ?? "";
  assert.ok(key.length >= 20, created.stdout);
  assert.match(url, /^https?:\/\/.+\/webhooks\/alertmanager\//);
  assert.ok(url.includes(key), `${url} contains the routing key ${key}`);
  assert.match(created.stdout, /webhook_configs:\n\s+- url: \S+/);
  assert.ok(created.stdout.includes(`- url: ${url}`), "the snippet has the same URL");

  const list = await run("integration", "list", "--service", "checkout");
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^ID\s+SERVICE\s+KIND\s+NAME\s+LAST EVENT\s+URL$/m);
  assert.ok(list.stdout.includes(url), list.stdout);
  const items = (await json<{ items: { id: string; routing_key: string }[] }>("integration", "list")).items;
  const id = items.find((i) => i.routing_key === key)?.id ?? "";
  assert.ok(id, "the integration is listed with its routing key");

  const count = await run("service", "list");
  assert.match(count.stdout, /^checkout\s+healthy\s+1\s+/m);

  const body = readFileSync(FIXTURE);
  const posted = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  assert.ok(posted.ok, `POST ${url}: ${posted.status} ${await posted.text()}`);

  // The alert is applied after the 2xx; wait for it.
  let alerts: {
    items: { id: string; service: string; status: string; summary: string; incident: string | null }[];
  } = {
    items: [],
  };
  for (const started = Date.now(); Date.now() - started < 5000; ) {
    alerts = await json("alert", "list", "--service", "checkout");
    if (alerts.items.length) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const [alert] = alerts.items;
  assert.ok(alert, "the alert arrived within 5 s");
  assert.match(alert.id, /^ALR-\d+$/);
  assert.equal(alert.service, "checkout");
  assert.equal(alert.status, "triggered");

  // "all" is every status, as when --status is left out (the web UI's filter calls it "Any").
  const listed = (status: string) =>
    json<typeof alerts>("alert", "list", "--service", "checkout", "--status", status).then((page) =>
      page.items.map((a) => a.id),
    );
  assert.deepEqual(await listed("all"), [alert.id]);
  assert.deepEqual(await listed("resolved"), []);

  const table = await run("alert", "list", "--status", "open");
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^ID\s+STATUS\s+SEVERITY\s+SERVICE\s+SUMMARY\s+EVENTS\s+INCIDENT\s+AGE$/m);
  assert.match(table.stdout, new RegExp(`^${alert.id}\\s+triggered\\s+critical\\s+checkout\\s+`, "m"));

  const show = await run("alert", "show", alert.id);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, new RegExp(`^${alert.id}\\s+critical\\s+triggered\\s+`, "m"));
  assert.match(show.stdout, /Members \(2\)/);
  // Per member, only the labels that tell the members apart.
  assert.match(
    show.stdout,
    /^firing\s+2026-11-23 00:04 UTC\s+78855a1e43cd500b\s+instance=10\.0\.0\.11:9100$/m,
  );
  assert.match(
    show.stdout,
    /^firing\s+2026-11-23 00:04 UTC\s+9308444aa7c8c85c\s+instance=10\.0\.0\.12:9100$/m,
  );
  assert.match(show.stdout, /https:\/\/runbooks\.example\.com\/checkout-runbook\.md/);
  const detail = await json<{ id: string; members: { fingerprint: string }[] }>("alert", "show", alert.id);
  assert.equal(detail.members.length, 2);

  const shown = await run("integration", "show", id);
  assert.equal(shown.code, 0, shown.stderr);
  assert.ok(shown.stdout.includes(url));
  assert.match(shown.stdout, /Recent log/);
  assert.match(shown.stdout, /Last event\s+\d{4}-\d{2}-\d{2} /);

  const deleted = await run("integration", "delete", id);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.match(deleted.stdout, new RegExp(`Deleted integration ${id}`));
  const gone = await run("integration", "show", id);
  assert.equal(gone.code, 3);
});

test("integration create --json, pagerduty and grafana setup text, generic dry run", async () => {
  const am = await json<{ id: string; kind: string; url: string; routing_key: string }>(
    "integration",
    "create",
    "--service",
    "search",
    "--kind",
    "alertmanager",
    "--name",
    "prod alertmanager",
  );
  assert.equal(am.kind, "alertmanager");
  assert.ok(am.url.includes(`/webhooks/alertmanager/${am.routing_key}`));

  const pd = await run(
    "integration",
    "create",
    "--service",
    "search",
    "--kind",
    "pagerduty",
    "--rate-limit",
    "60",
  );
  assert.equal(pd.code, 0, pd.stderr);
  assert.match(pd.stdout, /pagerduty_configs:\n\s+- url: https?:\/\/\S+\/v2\/enqueue\n\s+routing_key: \S+/);

  const grafana = await run(
    "integration",
    "create",
    "--service",
    "search",
    "--kind",
    "grafana",
    "--hmac-secret",
    "s3cret-s3cret",
    "--timestamp-header",
    "X-Grafana-Alerting-Signature-Timestamp",
  );
  assert.equal(grafana.code, 0, grafana.stderr);
  assert.match(grafana.stdout, /Integration\s+Webhook/);
  assert.match(grafana.stdout, /URL\s+https?:\/\/\S+\/webhooks\/grafana\//);
  assert.doesNotMatch(grafana.stdout, /s3cret-s3cret/, "the secret is not echoed");

  const dir = tempDir();
  const mapping = join(dir, "mapping.json");
  writeFileSync(mapping, JSON.stringify({ summary: "$.title", severity: "$.level", dedup_key: "$.id" }));
  const generic = await json<{ id: string }>(
    "integration",
    "create",
    "--service",
    "search",
    "--kind",
    "generic",
    "--mapping",
    mapping,
  );
  const sample = join(dir, "sample.json");
  writeFileSync(sample, JSON.stringify({ title: "Index lag 5m", level: "warn", id: "lag-1" }));
  const test = await run("integration", "test", generic.id, "--sample", sample);
  assert.equal(test.code, 0, test.stderr);
  assert.match(test.stdout, /Summary\s+Index lag 5m/);
  assert.match(test.stdout, /Severity\s+warning/);

  const bad = join(dir, "bad.json");
  writeFileSync(bad, JSON.stringify({ nothing: true }));
  const refused = await run("integration", "test", generic.id, "--sample", bad);
  assert.equal(refused.code, 1);
  assert.match(oneLine(refused), /the sample would be refused: summary: /);

  const noFile = await run("integration", "test", generic.id, "--sample", join(dir, "missing.json"));
  assert.equal(noFile.code, 2);
  assert.match(oneLine(noFile), /cannot read the file \(ENOENT\)/);

  const heartbeat = await json<{ config: { interval_seconds: number; grace_seconds: number }; url: string }>(
    "integration",
    "create",
    "--service",
    "search",
    "--kind",
    "heartbeat",
    "--interval",
    "1h",
    "--grace",
    "10m",
  );
  assert.deepEqual(heartbeat.config, { interval_seconds: 3600, grace_seconds: 600 });
});

test("maintenance add with a time zone, list, delete", async () => {
  const added = await run(
    "maintenance",
    "add",
    "--service",
    "checkout",
    "--start",
    "2030-12-24 22:00",
    "--end",
    "2030-12-25 02:00",
    "--tz",
    "Europe/Berlin",
    "--reason",
    "DB upgrade",
  );
  assert.equal(added.code, 0, added.stderr);
  assert.match(
    added.stdout,
    /Scheduled maintenance for checkout: 2030-12-24 22:00 → 2030-12-25 02:00 Europe\/Berlin \(2030-12-24 21:00 → 2030-12-25 01:00 UTC\)/,
  );

  const window = await json<{ id: string; starts_at: string; ends_at: string; time_zone: string }>(
    "maintenance",
    "add",
    "--service",
    "checkout",
    "--start",
    "2030-07-01 02:00",
    "--end",
    "2030-07-01 03:00",
    "--tz",
    "America/New_York",
  );
  assert.equal(window.starts_at, "2030-07-01T06:00:00.000Z");
  assert.equal(window.ends_at, "2030-07-01T07:00:00.000Z");
  assert.equal(window.time_zone, "America/New_York");

  const list = await run("maintenance", "list", "--service", "checkout");
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^ID\s+STATE\s+WHEN\s+REASON$/m);
  assert.match(list.stdout, /scheduled\s+2030-12-24 22:00 → 2030-12-25 02:00 Europe\/Berlin\s+DB upgrade/);

  const deleted = await run("maintenance", "delete", "--service", "checkout", window.id);
  assert.equal(deleted.code, 0, deleted.stderr);
  const after = await json<{ items: { id: string }[] }>("maintenance", "list", "--service", "checkout");
  assert.equal(after.items.length, 1);
  assert.ok(!after.items.some((w) => w.id === window.id));
});

test("check add (its --url is the probed URL), list, results, delete", async () => {
  const target = `${server.url}/healthz`;
  const check = await json<{ name: string; url: string; interval_seconds: number; timeout_ms: number }>(
    "check",
    "add",
    "--service",
    "checkout",
    "--name",
    "api",
    "--url",
    target,
    "--interval",
    "30s",
    "--timeout",
    "2s",
    "--expect",
    "200",
    "--json-path",
    "$.status",
    "--json-equals",
    "ok",
    "--failures",
    "2",
  );
  assert.equal(check.url, target);
  assert.equal(check.interval_seconds, 30);
  assert.equal(check.timeout_ms, 2000);

  const human = await run(
    "check",
    "add",
    "--service",
    "checkout",
    "--name",
    "home",
    "--url",
    `${server.url}/`,
  );
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /Added check "home" to checkout: GET \S+ every 1m/);

  // The server URL goes in --server here, since --url is the probed URL.
  const viaFlag = await cli(
    [
      "check",
      "add",
      "--service",
      "checkout",
      "--name",
      "ready",
      "--url",
      `${server.url}/readyz`,
      "--server",
      server.url,
    ],
    { env: { FOGHORN_TOKEN: server.token } },
  );
  assert.equal(viaFlag.code, 0, viaFlag.stderr);
  const badServer = await run("check", "list", "--service", "checkout", "--url", "ftp://nowhere");
  assert.equal(badServer.code, 2, "check list takes the usual --url");

  const list = await run("check", "list", "--service", "checkout");
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^NAME\s+STATE\s+EVERY\s+LAST CHECK\s+LATENCY\s+URL\s+LAST ERROR$/m);
  assert.match(list.stdout, /^api\s+\S+\s+30s\s+/m);

  const results = await run("check", "results", "--service", "checkout", "api");
  assert.equal(results.code, 0, results.stderr);
  const parsed = await json<{ items: unknown[] }>("check", "results", "--service", "checkout", "api");
  assert.ok(Array.isArray(parsed.items));

  const show = await run("service", "show", "checkout");
  assert.match(show.stdout, /Health checks \(3\)/);

  const deleted = await run("check", "delete", "--service", "checkout", "home");
  assert.equal(deleted.code, 0, deleted.stderr);
  const missing = await run("check", "results", "--service", "checkout", "home");
  assert.equal(missing.code, 3);
  assert.match(oneLine(missing), /no health check named "home"/);
});
