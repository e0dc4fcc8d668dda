import assert from "node:assert/strict";
import { test } from "node:test";
import { describeChange, isConfigChange, singular } from "./describe.ts";
import { auditCsvLine, csvCell, parseInstant } from "./list.ts";
import { maskSecrets, maskUrl } from "./mask.ts";
import { auditSafe } from "./record.ts";

const URLS = new Set([
  "/api/v1/services/:name",
  "/api/v1/integrations/:id",
  "/api/v1/contact-methods/:id",
  "/api/v1/teams/:team",
  "/api/v1/users/:username",
  "/api/v1/custom-fields/:key",
  "/api/v1/services/:name/health-checks/:check",
  "/api/v1/services/:name/maintenance/:windowId",
  "/api/v1/status-page/components/:id",
  "/api/v1/escalation-policies/:policy",
]);

test("configuration changes are non-GET manage, admin and self operations, minus those audited elsewhere", () => {
  const cases: [string, string, string, boolean][] = [
    ["PATCH", "/api/v1/services/:name", "manage", true],
    ["POST", "/api/v1/users", "admin", true],
    ["POST", "/api/v1/users/:username/contact-methods", "self", true],
    ["GET", "/api/v1/services/:name", "read", false],
    ["POST", "/api/v1/incidents/:id/notes", "respond", false],
    ["POST", "/api/v1/tokens", "self", false],
    ["DELETE", "/api/v1/tokens/:id", "self", false],
    ["DELETE", "/api/v1/session", "self", false],
    ["PUT", "/api/v1/users/:username/password", "self", false],
    ["POST", "/api/v1/integrations/:id/dry-run", "manage", false],
    ["POST", "/api/v1/contact-methods/:id/test", "self", false],
  ];
  for (const [method, url, access, expected] of cases)
    assert.equal(isConfigChange({ method, url, access }), expected, `${method} ${url}`);
  assert.equal(isConfigChange({ method: "PATCH", url: "/x", access: "manage", auditAction: false }), false);
  assert.equal(isConfigChange({ method: "POST", url: "/x", access: "respond", auditAction: "x.y" }), true);
});

test("actions and targets are derived from the method and URL", () => {
  const cases: [string, string, Record<string, string>, unknown, string, string][] = [
    ["POST", "/api/v1/services", {}, { id: "u1", name: "payments" }, "service.create", "payments"],
    ["PATCH", "/api/v1/services/:name", { name: "payments" }, {}, "service.update", "payments"],
    ["DELETE", "/api/v1/teams/:team", { team: "sre" }, null, "team.delete", "sre"],
    ["POST", "/api/v1/teams", {}, { id: "t1", name: "sre" }, "team.create", "sre"],
    ["POST", "/api/v1/users", {}, { username: "carol" }, "user.create", "carol"],
    ["POST", "/api/v1/custom-fields", {}, { key: "tier", name: "Tier" }, "custom_field.create", "tier"],
    [
      "POST",
      "/api/v1/services/:name/integrations",
      { name: "payments" },
      { id: "i1", name: "g" },
      "integration.create",
      "i1",
    ],
    [
      "PUT",
      "/api/v1/teams/:team/members/:username",
      { team: "sre", username: "al" },
      {},
      "team_member.update",
      "sre/al",
    ],
    [
      "POST",
      "/api/v1/services/:name/health-checks",
      { name: "payments" },
      { id: "h1", name: "ping" },
      "health_check.create",
      "payments/ping",
    ],
    [
      "DELETE",
      "/api/v1/services/:name/health-checks/:check",
      { name: "payments", check: "ping" },
      null,
      "health_check.delete",
      "payments/ping",
    ],
    [
      "POST",
      "/api/v1/services/:name/maintenance",
      { name: "payments" },
      { id: "w1" },
      "maintenance_window.create",
      "payments/w1",
    ],
    ["PUT", "/api/v1/services/:name/runbook", { name: "payments" }, {}, "runbook.update", "payments"],
    [
      "POST",
      "/api/v1/services/:name/runbook/restore",
      { name: "payments" },
      {},
      "runbook.restore",
      "payments",
    ],
    ["DELETE", "/api/v1/contact-methods/:id", { id: "c1" }, null, "contact_method.delete", "c1"],
    [
      "POST",
      "/api/v1/status-page/components",
      {},
      { id: "s1", name: "API" },
      "status_component.create",
      "s1",
    ],
    [
      "POST",
      "/api/v1/status-page/subscribers/:id/enable",
      { id: "s9" },
      {},
      "status_subscriber.enable",
      "s9",
    ],
    ["PATCH", "/api/v1/status-page/settings", {}, {}, "status_page.update", ""],
    [
      "POST",
      "/api/v1/escalation-policies",
      {},
      { id: "p1", name: "default" },
      "escalation_policy.create",
      "default",
    ],
    ["POST", "/api/v1/demo", {}, {}, "demo.load", ""],
    ["POST", "/api/v1/incidents/import-markdown", {}, {}, "incident.import_markdown", ""],
  ];
  for (const [method, url, params, after, action, targetId] of cases) {
    const d = describeChange({ method, url, params, after, urls: URLS });
    assert.equal(d.action, action, `${method} ${url}`);
    assert.equal(d.targetType, action.split(".")[0]);
    assert.equal(d.targetId, targetId, `${method} ${url}`);
  }
  const named = describeChange({
    method: "POST",
    url: "/api/v1/x",
    params: {},
    urls: URLS,
    auditAction: "thing.make",
  });
  assert.equal(named.action, "thing.make");
  assert.equal(singular("escalation-policies"), "escalation_policy");
  assert.equal(singular("status"), "status");
});

test("routing keys and keys inside URLs are masked; ordinary URLs and names stay", () => {
  assert.equal(
    maskUrl("https://hooks.slack.com/services/T0001/B0002/abcdefghijklmnopqrstuvwx"),
    "https://hooks.slack.com/services/T0001/B0002/••••uvwx",
  );
  assert.equal(maskUrl("https://status.example.com/api/health"), "https://status.example.com/api/health");
  assert.equal(
    maskUrl("https://x.example.com/hook?token=s3cr3t-value-long"),
    "https://x.example.com/hook?token=••••long",
  );
  assert.equal(maskUrl("https://u:pw@x.example.com/"), "https://u:••••@x.example.com/");
  assert.equal(maskUrl("not a url"), "not a url");
  const key = "Zq3xY7abCdEfGhIjKlMnOpQrStUvWx12";
  const masked = maskSecrets({
    routing_key: key,
    url: `https://f.example.com/webhooks/grafana/${key}`,
    name: "grafana",
  });
  assert.deepEqual(masked, {
    routing_key: "••••Wx12",
    url: "https://f.example.com/webhooks/grafana/••••Wx12",
    name: "grafana",
  });
});

test("auditSafe redacts secret-looking keys but keeps whether a secret is set", () => {
  assert.deepEqual(
    auditSafe({ config: { hmac_secret: "x".repeat(20), hmac_secret_set: true }, password: "p" }),
    {
      config: { hmac_secret: "[redacted]", hmac_secret_set: true },
      password: "[redacted]",
    },
  );
});

test("since and until take a date or a date-time with a zone", () => {
  assert.equal(parseInstant("2026-11-01")?.toISOString(), "2026-11-01T00:00:00.000Z");
  assert.equal(parseInstant("2026-11-01T09:30:00+01:00")?.toISOString(), "2026-11-01T08:30:00.000Z");
  for (const bad of ["2026-02-30", "2026-11-01T09:30:00", "yesterday", ""])
    assert.equal(parseInstant(bad), undefined, bad);
});

test("CSV cells are quoted where needed and never start a formula", () => {
  assert.equal(csvCell("plain"), "plain");
  assert.equal(csvCell('a "b", c'), '"a ""b"", c"');
  assert.equal(csvCell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
  assert.equal(csvCell(null), "");
  const line = auditCsvLine({
    id: "1",
    at: "2026-11-01T00:00:00.000Z",
    actor: "admin",
    actor_kind: "user",
    actor_id: null,
    action: "service.update",
    target_type: "service",
    target_id: "payments",
    before: { a: 1 },
    after: null,
    ip: "127.0.0.1",
    request_id: "r1",
  });
  assert.equal(
    line,
    '1,2026-11-01T00:00:00.000Z,admin,user,service.update,service,payments,127.0.0.1,r1,"{""a"":1}",\r\n',
  );
});
