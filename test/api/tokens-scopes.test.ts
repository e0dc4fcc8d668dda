// API tokens over HTTP, on both storage backends: scopes (read, write, admin, ingest), listing with
// last_used_at and never a secret, revocation that takes effect on the very next request, and the ingest
// endpoint POST /api/v1/services/:name/events.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { MINUTE, SECOND } from "#domain/time.ts";
import { executeRows } from "#store/rows.ts";
import { testBackends } from "#store/testing.ts";
import { T0, uniqueName } from "../helpers/factories.ts";
import { ManualClock, startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;

interface Created {
  id: string;
  token: string;
  scope: string;
  prefix: string;
  username: string;
}

for (const backend of await testBackends()) {
  describe(`API token scopes and revocation (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    const clock = new ManualClock(T0);
    let service = "";
    let erin = "";
    before(async () => {
      foghorn = await startTestFoghorn(backend.kind, { clock });
      service = uniqueName("checkout");
      assert.equal((await foghorn.api("/api/v1/services", { body: { name: service } })).status, 201);
      const integration = await foghorn.api(`/api/v1/services/${service}/integrations`, {
        body: { kind: "pagerduty" },
      });
      assert.equal(integration.status, 201);
      erin = uniqueName("erin");
      assert.equal(
        (await foghorn.api("/api/v1/users", { body: { username: erin, role: "responder" } })).status,
        201,
      );
    });
    after(async () => {
      await foghorn?.close();
    });

    async function create(body: Json, token?: string): Promise<Created> {
      const res = await foghorn.api("/api/v1/tokens", { body, ...(token ? { token } : {}) });
      const text = await res.text();
      assert.equal(res.status, 201, text);
      return JSON.parse(text) as Created;
    }

    async function status(path: string, token: string, init: { method?: string; body?: unknown } = {}) {
      const res = await foghorn.api(path, { ...init, token });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
    }

    const event = (summary: string) => ({
      event_action: "trigger",
      dedup_key: summary.toLowerCase().replace(/\W+/g, "-"),
      payload: { summary, severity: "critical", source: "prometheus", custom_details: { p99_ms: 2300 } },
    });

    test("the default scope is write; a read token reads but gets 403 on a POST", async () => {
      const write = await create({ name: "default" });
      assert.equal(write.scope, "write");
      const read = await create({ name: "dashboards", scope: "read" });
      assert.equal((await status("/api/v1/incidents", read.token)).status, 200);
      const post = await status("/api/v1/incidents", read.token, {
        body: { title: "Checkout down", severity: "SEV2" },
      });
      assert.equal(post.status, 403);
      assert.match(
        String(post.body.detail),
        /scope \(read\) does not allow.*use a token with scope write or admin/,
      );
      const events = await status(`/api/v1/services/${service}/events`, read.token, { body: event("Read") });
      assert.equal(events.status, 403, "a read token may not send events");
    });

    test("a write token gets 403 on an admin operation and may not mint an admin-scoped token", async () => {
      const write = await create({ name: "ci", scope: "write" });
      const users = await status("/api/v1/users", write.token, {
        body: { username: uniqueName("zed"), role: "viewer" },
      });
      assert.equal(users.status, 403);
      assert.match(String(users.body.detail), /scope \(write\).*scope admin/);
      const all = await status("/api/v1/tokens?all=true", write.token);
      assert.equal(all.status, 403, "other users' tokens need the admin scope");
      const escalate = await status("/api/v1/tokens", write.token, {
        body: { name: "root", scope: "admin" },
      });
      assert.equal(escalate.status, 403);
      assert.match(String(escalate.body.detail), /may not create an admin-scoped token/);
      const admin = await create({ name: "root", scope: "admin" });
      assert.equal((await status("/api/v1/tokens?all=true", admin.token)).status, 200);
      const forErin = await status("/api/v1/tokens", admin.token, {
        body: { name: "erin-admin", username: erin, scope: "admin" },
      });
      assert.equal(forErin.status, 422, "a responder cannot hold an admin-scoped token");
      assert.deepEqual(
        (forErin.body.errors as Json[]).map((e) => e.field),
        ["scope"],
      );
    });

    test("an ingest token sends events to a service (202, an alert opens) and gets 403 on everything else", async () => {
      const ingest = await create({ name: "alertmanager", scope: "ingest", username: erin });
      const sent = await status(`/api/v1/services/${service}/events`, ingest.token, {
        body: event("Checkout p99 above 2s"),
      });
      assert.equal(sent.status, 202, JSON.stringify(sent.body));
      assert.deepEqual(sent.body, { status: "accepted", dedup_key: "checkout-p99-above-2s" });
      await foghorn.alertsIdle();
      const alerts = (await (await foghorn.api(`/api/v1/alerts?service=${service}`)).json()) as {
        items: Json[];
      };
      assert.equal(alerts.items.length, 1);
      assert.equal(alerts.items[0]?.summary, "Checkout p99 above 2s");
      assert.equal(alerts.items[0]?.dedup_key, "checkout-p99-above-2s");

      const resolved = await status(`/api/v1/services/${service}/events`, ingest.token, {
        body: { event_action: "resolve", dedup_key: "checkout-p99-above-2s" },
      });
      assert.equal(resolved.status, 202);

      for (const [method, path] of [
        ["GET", "/api/v1/incidents"],
        ["GET", `/api/v1/services/${service}`],
        ["GET", "/api/v1/me"],
        ["GET", "/api/v1/tokens"],
        ["POST", "/api/v1/tokens"],
      ] as const) {
        const res = await status(path, ingest.token, {
          method,
          ...(method === "POST" ? { body: { name: "x" } } : {}),
        });
        assert.equal(res.status, 403, `${method} ${path}`);
        assert.match(String(res.body.detail), /scope \(ingest\)/);
      }

      const invalid = await status(`/api/v1/services/${service}/events`, ingest.token, {
        body: { event_action: "explode", payload: { severity: "bad" } },
      });
      assert.equal(invalid.status, 422);
      const fields = (invalid.body.errors as Json[]).map((e) => e.field);
      assert.ok(fields.includes("event_action"), JSON.stringify(fields));
      assert.ok(!fields.includes("routing_key"), "the path replaces routing_key");

      const bare = uniqueName("bare");
      assert.equal((await foghorn.api("/api/v1/services", { body: { name: bare } })).status, 201);
      const noIntegration = await status(`/api/v1/services/${bare}/events`, ingest.token, {
        body: event("x"),
      });
      assert.equal(noIntegration.status, 409);
      assert.match(String(noIntegration.body.detail), /--kind pagerduty/);
      const missing = await status(`/api/v1/services/${uniqueName("nope")}/events`, ingest.token, {
        body: event("x"),
      });
      assert.equal(missing.status, 404);
    });

    test("tokens are listed with last_used_at (written at most once a minute) and never a secret", async () => {
      const mine = await create({ name: "laptop", scope: "read", expires_in_days: 30 });
      const list = async (query = "", token?: string) => {
        const res = await foghorn.api(`/api/v1/tokens${query}`, token ? { token } : {});
        const text = await res.text();
        assert.equal(res.status, 200, text);
        assert.ok(!text.includes(mine.token), "the secret is never listed");
        assert.ok(!/hash/i.test(text), "nor its hash");
        return (JSON.parse(text) as { items: Json[] }).items;
      };
      const before = (await list()).find((t) => t.id === mine.id);
      assert.deepEqual(Object.keys(before ?? {}).sort(), [
        "created_at",
        "expires_at",
        "id",
        "last_used_at",
        "name",
        "prefix",
        "revoked_at",
        "scope",
        "username",
      ]);
      assert.equal(before?.last_used_at, null);
      assert.equal(before?.prefix, mine.token.slice(0, 10));

      const usedAt = clock.now().toISOString();
      assert.equal((await status("/api/v1/me", mine.token)).status, 200);
      clock.advance(30 * SECOND);
      assert.equal((await status("/api/v1/me", mine.token)).status, 200);
      assert.equal(
        (await list()).find((t) => t.id === mine.id)?.last_used_at,
        usedAt,
        "not rewritten within a minute",
      );
      clock.advance(MINUTE);
      assert.equal((await status("/api/v1/me", mine.token)).status, 200);
      assert.equal((await list()).find((t) => t.id === mine.id)?.last_used_at, clock.now().toISOString());

      const erinsToken = await create({ name: "erin-ci", username: erin });
      assert.ok(!(await list()).some((t) => t.id === erinsToken.id), "own tokens only by default");
      assert.ok((await list(`?username=${erin}`)).some((t) => t.id === erinsToken.id));
      assert.ok((await list("?all=true")).some((t) => t.id === erinsToken.id));
      const asErin = await status("/api/v1/tokens?all=true", erinsToken.token);
      assert.equal(asErin.status, 403);
      const othersList = await status("/api/v1/tokens?username=admin", erinsToken.token);
      assert.equal(othersList.status, 403);
    });

    test("revocation takes effect on the very next request; only the owner or an admin may revoke", async () => {
      const doomed = await create({ name: "leaked", scope: "write" });
      assert.equal((await status("/api/v1/me", doomed.token)).status, 200);
      const erinsToken = await create({ name: "erin-laptop", username: erin });
      const notHers = await status(`/api/v1/tokens/${doomed.id}`, erinsToken.token, { method: "DELETE" });
      assert.equal(notHers.status, 403);
      assert.equal((await status("/api/v1/me", doomed.token)).status, 200, "still live");

      const revoked = await status(`/api/v1/tokens/${doomed.id}`, foghorn.token, { method: "DELETE" });
      assert.equal(revoked.status, 200);
      assert.equal(revoked.body.revoked_at, clock.now().toISOString());
      const next = await foghorn.api("/api/v1/me", { token: doomed.token });
      assert.equal(next.status, 401, "the very next request is refused");
      assert.match(String(((await next.json()) as Json).detail), /revoked/);
      const again = await status(`/api/v1/tokens/${doomed.id}`, foghorn.token, { method: "DELETE" });
      assert.equal(again.status, 200, "revoking twice is harmless");

      const own = await status(`/api/v1/tokens/${erinsToken.id}`, erinsToken.token, { method: "DELETE" });
      assert.equal(own.status, 200, "a user revokes their own token (with that very token)");
      assert.equal((await foghorn.api("/api/v1/me", { token: erinsToken.token })).status, 401);
      assert.equal(
        (await status("/api/v1/tokens/not-a-uuid", foghorn.token, { method: "DELETE" })).status,
        404,
      );

      const audit = await executeRows(
        foghorn.database.db,
        sql`select action, actor_name, target_id, before, after from audit_log
            where action in ('token.create', 'token.revoke') and target_id = ${doomed.id} order by id`,
      );
      assert.deepEqual(
        audit.map((r) => [r.action, r.actor_name]),
        [
          ["token.create", "admin"],
          ["token.revoke", "admin"],
        ],
      );
      assert.ok(!JSON.stringify(audit).includes(doomed.token), "no secret in the audit log");
    });
  });
}
