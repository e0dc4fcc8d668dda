// The audit log over HTTP, on both storage backends: configuration changes recorded with before and after
// by the API registry, nothing for failed changes, admins only, exports, filters and pages, append-only in
// the database, and no secret in a stored entry.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { executeRows } from "#store/rows.ts";
import { testBackends } from "#store/testing.ts";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;
interface Entry {
  id: string;
  at: string;
  actor: string;
  actor_kind: string;
  action: string;
  target_type: string;
  target_id: string;
  before: Json | null;
  after: Json | null;
  ip: string | null;
  request_id: string | null;
}
interface Page {
  items: Entry[];
  next_cursor: string | null;
}

async function ok(res: Response, status = 200): Promise<Json> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  return text ? (JSON.parse(text) as Json) : {};
}

for (const backend of await testBackends()) {
  describe(`audit log (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    const tokens: Record<string, string> = {};

    const audit = async (query: string, token?: string): Promise<Page> =>
      (await ok(await foghorn.api(`/api/v1/audit?${query}`, token ? { token } : {}))) as unknown as Page;

    before(async () => {
      foghorn = await startTestFoghorn(backend.kind);
      for (const [username, role] of [
        ["resp", "responder"],
        ["mgr", "manager"],
      ] as const) {
        await ok(await foghorn.api("/api/v1/users", { body: { username, role } }), 201);
        const token = await ok(
          await foghorn.api("/api/v1/tokens", { body: { name: "test", username, scope: "write" } }),
          201,
        );
        tokens[username] = String(token.token);
      }
    });
    after(() => foghorn?.close());

    test("a service PATCH records the service before and after, the actor, ip and request id", async () => {
      await ok(
        await foghorn.api("/api/v1/services", { body: { name: "payments", description: "Takes money" } }),
        201,
      );
      await ok(
        await foghorn.api("/api/v1/services/payments", {
          method: "PATCH",
          body: { description: "Takes money, quickly" },
          headers: { "x-request-id": "req-audit-service-1" },
        }),
      );
      const { items } = await audit("action=service.&target_id=payments");
      assert.deepEqual(
        items.map((e) => e.action),
        ["service.update", "service.create"],
      );
      const [update, create] = items as [Entry, Entry];
      assert.equal(update.actor, "admin");
      assert.equal(update.actor_kind, "user");
      assert.equal(update.target_type, "service");
      assert.equal(update.request_id, "req-audit-service-1");
      assert.ok(update.ip, "the client's address is recorded");
      assert.equal(update.before?.description, "Takes money");
      assert.equal(update.after?.description, "Takes money, quickly");
      assert.equal(create.before, null);
      assert.equal(create.after?.name, "payments");
    });

    test("a team create and delete are recorded; the delete keeps what the team was", async () => {
      await ok(
        await foghorn.api("/api/v1/teams", { body: { name: "audit-sre", description: "Night owls" } }),
        201,
      );
      await ok(await foghorn.api("/api/v1/teams/audit-sre", { method: "DELETE" }), 204);
      const { items } = await audit("target_type=team&target_id=audit-sre");
      assert.deepEqual(
        items.map((e) => e.action),
        ["team.delete", "team.create"],
      );
      assert.equal(items[0]?.before?.description, "Night owls");
      assert.equal(items[0]?.after, null);
      assert.equal(items[1]?.after?.name, "audit-sre");
    });

    test("a user's role change is recorded with the old and the new role", async () => {
      await ok(await foghorn.api("/api/v1/users", { body: { username: "carol", role: "responder" } }), 201);
      await ok(await foghorn.api("/api/v1/users/carol", { method: "PATCH", body: { role: "manager" } }));
      const [entry] = (await audit("action=user.update&target_id=carol")).items;
      assert.equal(entry?.before?.role, "responder");
      assert.equal(entry?.after?.role, "manager");
    });

    test("a refused change (422) records nothing", async () => {
      const count = async () =>
        (await audit("target_type=service&target_id=payments&limit=200")).items.length;
      const was = await count();
      const res = await foghorn.api("/api/v1/services/payments", {
        method: "PATCH",
        body: { colour: "red" },
      });
      assert.equal(res.status, 422, await res.text());
      assert.equal(await count(), was);
    });

    test("only admins read the audit log: responders and managers get 403", async () => {
      for (const who of ["resp", "mgr"]) {
        const res = await foghorn.api("/api/v1/audit", { token: tokens[who] as string });
        const body = (await res.json()) as Json;
        assert.equal(res.status, 403, JSON.stringify(body));
        assert.equal(body.code, "FORBIDDEN");
        assert.match(String(body.detail), /admin/);
      }
      const res = await foghorn.api("/api/v1/audit");
      assert.equal(res.status, 200);
    });

    test("exports every matching entry as CSV (format or Accept) and as JSON Lines", async () => {
      const csv = await foghorn.api("/api/v1/audit?format=csv&target_type=team");
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get("content-type") ?? "", /^text\/csv/);
      assert.match(
        csv.headers.get("content-disposition") ?? "",
        /attachment; filename="foghorn-audit-.*\.csv"/,
      );
      const lines = (await csv.text()).trimEnd().split("\r\n");
      assert.equal(
        lines[0],
        "id,at,actor,actor_kind,action,target_type,target_id,ip,request_id,before,after",
      );
      assert.equal(lines.length, 3);
      assert.match(lines[1] ?? "", /,admin,user,team\.delete,team,audit-sre,/);
      assert.match(lines[1] ?? "", /"\{""id"":/, "before is the team as JSON, quoted");

      const accepted = await foghorn.api("/api/v1/audit?target_type=team", {
        headers: { accept: "text/csv" },
      });
      assert.match(accepted.headers.get("content-type") ?? "", /^text\/csv/);
      assert.equal((await accepted.text()).trimEnd().split("\r\n").length, 3);

      const jsonl = await foghorn.api("/api/v1/audit?format=jsonl&action=service.");
      assert.match(jsonl.headers.get("content-type") ?? "", /^application\/jsonl/);
      const entries = (await jsonl.text())
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as Entry);
      assert.deepEqual(
        entries.map((e) => e.action),
        ["service.update", "service.create"],
      );
    });

    test("filters by actor, action prefix, target and time, and pages with next_cursor", async () => {
      const all = await audit("limit=200");
      assert.ok(all.items.length >= 6);
      const times = all.items.map((e) => e.at);
      assert.deepEqual(times, [...times].sort().reverse(), "newest first");

      const pages: Entry[] = [];
      let cursor: string | null = "";
      while (cursor !== null) {
        const page: Page = await audit(`limit=2${cursor ? `&cursor=${cursor}` : ""}`);
        assert.ok(page.items.length <= 2);
        pages.push(...page.items);
        cursor = page.next_cursor;
      }
      assert.deepEqual(
        pages.map((e) => e.id),
        all.items.map((e) => e.id),
        "walking the pages gives every entry once, in order",
      );

      assert.equal((await audit("actor=nobody")).items.length, 0);
      assert.ok((await audit("actor=ADMIN&action=user.")).items.every((e) => e.action.startsWith("user.")));
      assert.equal((await audit("since=2999-01-01")).items.length, 0);
      assert.equal((await audit("until=2000-01-01T00:00:00Z")).items.length, 0);
      const first = all.items.at(-1) as Entry;
      assert.ok(
        (await audit(`since=${encodeURIComponent(first.at)}&limit=200`)).items.length === all.items.length,
      );

      const bad = await foghorn.api("/api/v1/audit?since=yesterday&limit=0");
      const problem = (await bad.json()) as { status: number; errors: { field: string }[] };
      assert.equal(bad.status, 422);
      assert.deepEqual(problem.errors.map((e) => e.field).sort(), ["limit", "since"]);
    });

    test("the database refuses to change or remove audit entries", async () => {
      const db = foghorn.database.db;
      // drizzle wraps the database's error: its cause says why.
      const refused = (what: string) => (error: unknown) => {
        const cause = (error as { cause?: { message?: string } }).cause;
        assert.match(
          String(cause?.message ?? error),
          new RegExp(`audit_log is append-only: ${what} refused`),
        );
        return true;
      };
      await assert.rejects(db.execute(sql`update audit_log set action = 'x'`), refused("UPDATE"));
      await assert.rejects(db.execute(sql`delete from audit_log`), refused("DELETE"));
      await assert.rejects(db.execute(sql`truncate audit_log`), refused("TRUNCATE"));
      const [row] = await executeRows(db, sql`select count(*)::int as n from audit_log where action = 'x'`);
      assert.equal(row?.n, 0);
    });

    test("secrets in changed configuration never reach a stored entry", async () => {
      const hmac = "canary-hmac-Secret-0001";
      const rotated = "canary-hmac-Secret-0002";
      const hookKey = "canaryWebhookKey0123456789abcdef";
      const integration = await ok(
        await foghorn.api("/api/v1/services/payments/integrations", {
          body: { kind: "grafana", name: "grafana", config: { hmac_secret: hmac } },
        }),
        201,
      );
      const routingKey = String(integration.routing_key);
      await ok(
        await foghorn.api(`/api/v1/integrations/${integration.id}`, {
          method: "PATCH",
          body: { config: { hmac_secret: rotated } },
        }),
      );
      await ok(
        await foghorn.api("/api/v1/users/carol/contact-methods", {
          body: { kind: "webhook", address: `https://hooks.example.com/services/T0001/B0002/${hookKey}` },
        }),
        201,
      );
      const [dump] = await executeRows(
        foghorn.database.db,
        sql`select coalesce(string_agg(t::text, E'\n'), '') as text from audit_log t`,
      );
      const stored = String(dump?.text ?? "");
      assert.match(stored, /integration\.update/);
      assert.match(stored, /contact_method\.create/);
      for (const secret of [hmac, rotated, hookKey, routingKey])
        assert.ok(!stored.includes(secret), `${secret.slice(0, 12)}… is not in the audit log`);
      const [change] = (await audit(`action=integration.update&target_id=${integration.id}`)).items;
      assert.equal(change?.after?.name, "grafana", "the rest of the record is there");
    });
  });
}
